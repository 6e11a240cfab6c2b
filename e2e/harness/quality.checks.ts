// The whole evaluation pass (src/workers/evalPass.ts: forward, accumulators, sparse codes and
// the decoder-cosine pairs) on a model and rows sent from the test, and the decoder-cosine pairs
// alone; the test computes the float64 references in Node (src/reference/quality.ts).
import { decoderCosinePairs } from '../../src/sae/decoderCosine';
import type { ModelArch, SaeModel } from '../../src/io/sae/modelFile';
import type { ParamName } from '../../src/model/params';
import { runEvalPass } from '../../src/workers/evalPass';
import { memoryRows } from '../../src/workers/rowSource';
import type { HarnessCheck } from './env';
import type { PlainModel } from '../inspect-reference';

/** A plain model (as e2e/inspect-reference.ts reads one) of any architecture, and rows. */
export interface QualityPassArg extends Omit<PlainModel, 'arch'> {
  arch: ModelArch;
  threshold?: number;
  /** Raw rows [rows, D]. */
  x: number[];
  batch: number;
}

export interface QualityPassResult {
  /** The summary's scalars. */
  summary: Record<string, number>;
  l0: number[];
  sqErr: number[];
  rowPtr: number[];
  col: number[];
  val: number[];
  decoder: { max: number; pairs: number[]; cosines: number[] };
}

export const checks: Record<string, HarnessCheck> = {
  async qualityPass(env, a: QualityPassArg): Promise<QualityPassResult> {
    const tensors = Object.fromEntries(
      Object.entries(a.tensors).map(([k, v]) => [k, Float32Array.from(v)]),
    ) as Record<ParamName, Float32Array>;
    const model: SaeModel = {
      arch: a.arch,
      D: a.D,
      F: a.F,
      tensors,
      k: a.k,
      kMax: a.kMax,
      alpha: a.alpha,
      normFactor: a.normFactor,
      shift: Float32Array.from(a.shift),
      threshold: a.threshold,
    };
    const rows = a.x.length / a.D;
    const source = memoryRows(Float32Array.from(a.x), rows, a.D);
    const out = await runEvalPass(env.ctx, model, { rows, D: a.D, source }, a.batch);
    const summary: Record<string, number> = {};
    for (const [k, v] of Object.entries(out.summary)) if (typeof v === 'number') summary[k] = v;
    return {
      summary,
      l0: [...out.l0],
      sqErr: [...out.sqErr],
      rowPtr: [...out.codes.rowPtr],
      col: [...out.codes.col],
      val: [...out.codes.val],
      decoder: {
        max: out.decoder.max,
        pairs: [...out.decoder.pairs],
        cosines: [...out.decoder.cosines],
      },
    };
  },

  async decoderPairs(
    env,
    a: { decoder: number[]; D: number; F: number; top: number; tileBytes: number },
  ) {
    const r = await decoderCosinePairs(env.ctx, Float32Array.from(a.decoder), a.D, a.F, a);
    return { max: r.max, pairs: [...r.pairs], cosines: [...r.cosines] };
  },
};
