// The BatchTopK selection kernels on inputs sent from the test (the test computes the float64
// reference in Node): the training selection with its θ update, and threshold inference.
import { PARAM_NAMES, type ParamName } from '../../src/model/params';
import { runEvalPass } from '../../src/workers/evalPass';
import { memoryRows } from '../../src/workers/rowSource';
import { runBatchTopK, type BatchTopKArg } from '../../src/selfcheck/saeKernels';
import type { HarnessCheck } from './env';

export type { BatchTopKArg, BatchTopKResult } from '../../src/selfcheck/saeKernels';

/** What the evaluation pass gives per row and for the dataset (as `softsae eval` reports it). */
export interface EvalReport {
  rows: number;
  k_hat?: number[];
  l0: number[];
  sq_err: number[];
  fvu: number;
  mean_l0: number;
}

/** A model in the reference layout and rows to evaluate, batch by batch (src/workers/evalPass.ts). */
export interface EvaluateArg {
  arch: 'softsae' | 'topk' | 'batchtopk';
  D: number;
  F: number;
  tensors: Record<ParamName, number[]>;
  k: number;
  kMax: number;
  alpha: number;
  normFactor: number;
  shift: number[];
  threshold?: number;
  x: number[];
  batch: number;
}

export const checks: Record<string, HarnessCheck> = {
  async evalPass(env, a: EvaluateArg): Promise<EvalReport> {
    const tensors = Object.fromEntries(
      PARAM_NAMES.map((n) => [n, Float32Array.from(a.tensors[n])]),
    ) as Record<ParamName, Float32Array>;
    const model = { ...a, tensors, shift: Float32Array.from(a.shift) };
    const x = Float32Array.from(a.x);
    const rows = x.length / a.D;
    const data = { rows, D: a.D, source: memoryRows(x, rows, a.D) };
    const out = await runEvalPass(env.ctx, model, data, a.batch);
    return {
      rows,
      ...(out.kHat ? { k_hat: [...out.kHat] } : {}),
      l0: [...out.l0],
      sq_err: [...out.sqErr],
      fvu: out.summary.fvu,
      mean_l0: out.summary.l0Mean,
    };
  },

  batchTopK: ({ ctx }, a: BatchTopKArg) => runBatchTopK(ctx, a),
};
