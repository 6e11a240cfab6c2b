/** A small, generic (untied, biased) random model and batch for gradient checks. */
import { initParams, PARAM_NAMES, type SaeParams } from '../../src/model/params.ts';
import { createRng } from '../../src/model/rng.ts';

export interface RandomModelOptions {
  D: number;
  F: number;
  B: number;
  k: number;
  kMax: number;
  alpha: number;
  seed: number;
}

/** Seeded init, then every tensor perturbed so that no symmetry or zero bias hides a bug. */
export function randomModel(o: RandomModelOptions): { params: SaeParams; x: Float64Array } {
  const params = initParams({ D: o.D, F: o.F, k: o.k, kMax: o.kMax, alpha: o.alpha, seed: o.seed });
  const rng = createRng(o.seed + 1000);
  for (const name of PARAM_NAMES) {
    const t = params.tensors[name];
    const scale = name.endsWith('bias') || name === 'b_dec' ? 0.2 : 0.3;
    for (let i = 0; i < t.length; i++) t[i] += scale * rng.normal();
  }
  const x = Float64Array.from({ length: o.B * o.D }, () => rng.normal());
  return { params, x };
}
