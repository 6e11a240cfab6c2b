/**
 * Optimisation pieces of the training step (spec §5), each matching the reference
 * (dictionary_learning helpers + torch.optim.Adam + clip_grad_norm_) in float64.
 */
import {
  PARAM_NAMES,
  type ParamGrads,
  type ParamName,
  type ParamTensors,
} from '../../model/params.ts';
import { ADAM } from '../../model/schedules.ts';

/**
 * Removes from each decoder-column gradient its component along the column:
 * `g_j −= (g_j·ŵ_j) ŵ_j` with `ŵ_j = w_j/(‖w_j‖ + 1e-6)` (the reference's epsilon). In place.
 */
export function projectDecoderGrad(
  dec: Float64Array,
  grad: Float64Array,
  D: number,
  F: number,
): void {
  for (let j = 0; j < F; j++) {
    let sq = 0;
    for (let d = 0; d < D; d++) sq += dec[d * F + j] ** 2;
    const inv = 1 / (Math.sqrt(sq) + 1e-6);
    let dot = 0;
    for (let d = 0; d < D; d++) dot += grad[d * F + j] * dec[d * F + j] * inv;
    for (let d = 0; d < D; d++) grad[d * F + j] -= dot * dec[d * F + j] * inv;
  }
}

/**
 * `torch.nn.utils.clip_grad_norm_(…, maxNorm)`: the global L2 norm over every present gradient;
 * all are scaled by `min(1, maxNorm/(norm + 1e-6))`. In place; returns the norm before clipping.
 */
export function clipGradNorm(grads: ParamGrads, maxNorm: number): number {
  let sq = 0;
  for (const g of Object.values(grads)) for (const v of g) sq += v * v;
  const norm = Math.sqrt(sq);
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  if (coef < 1)
    for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return norm;
}

/** Adam moments per parameter; `step[name]` counts the updates that parameter received. */
export interface AdamState {
  m: ParamTensors;
  v: ParamTensors;
  step: Record<ParamName, number>;
}

/** Zero moments shaped like `tensors`. */
export function createAdamState(tensors: ParamTensors): AdamState {
  const m = {} as ParamTensors;
  const v = {} as ParamTensors;
  const step = {} as Record<ParamName, number>;
  for (const name of PARAM_NAMES) {
    m[name] = new Float64Array(tensors[name].length);
    v[name] = new Float64Array(tensors[name].length);
    step[name] = 0;
  }
  return { m, v, step };
}

/**
 * One torch.optim.Adam update (in place). Parameters without a gradient are skipped entirely,
 * moments and step count included, as PyTorch does for `grad is None`:
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
 *   θ ← θ − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
 */
export function adamStep(
  tensors: ParamTensors,
  grads: ParamGrads,
  state: AdamState,
  lr: number,
): void {
  const { beta1, beta2, eps } = ADAM;
  for (const name of PARAM_NAMES) {
    const g = grads[name];
    if (!g) continue;
    const t = ++state.step[name];
    const m = state.m[name];
    const v = state.v[name];
    const theta = tensors[name];
    const stepSize = lr / (1 - beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    for (let i = 0; i < g.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      theta[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
    }
  }
}
