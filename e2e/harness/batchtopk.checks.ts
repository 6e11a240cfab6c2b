// The BatchTopK selection kernels on inputs sent from the test (the test computes the float64
// reference in Node): the training selection with its θ update, and threshold inference.
import { submitPass } from '../../src/gpu/kernels/context';
import { PARAM_NAMES, type ParamName } from '../../src/model/params';
import { runEvalPass } from '../../src/workers/evalPass';
import { memoryRows } from '../../src/workers/rowSource';
import { BatchTopK } from '../../src/gpu/kernels/batchtopk';
import { BATCHTOPK_THRESHOLD } from '../../src/model/schedules';
import type { HarnessCheck } from './env';
import { scope } from './sae.checks';

export interface BatchTopKArg {
  B: number;
  F: number;
  /** Entries kept per batch (k·B). */
  k: number;
  h: number[];
  /** θ before the call. */
  theta: number;
  updateTheta: boolean;
}

export interface BatchTopKResult {
  f: number[];
  theta: number;
  /** The select state: [digit, τ key, ties kept, K]. */
  state: number[];
  /** Threshold inference on the same h with the θ it left: f and per-row L0. */
  fThreshold: number[];
  l0: number[];
}

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

  async batchTopK(env, a: BatchTopKArg): Promise<BatchTopKResult> {
    const s = scope(env);
    const { beta } = BATCHTOPK_THRESHOLD;
    const k = await BatchTopK.create(env.ctx, {
      B: a.B,
      F: a.F,
      k: a.k,
      beta,
      label: 'Harness.batchTopK',
    });
    try {
      k.setStep(a.k, a.updateTheta);
      const b = {
        h: s.from('h', a.h),
        f: s.empty('f', a.B * a.F),
        theta: s.from('theta', [a.theta]),
        fThreshold: s.empty('fThreshold', a.B * a.F),
        l0: s.empty('l0', a.B),
      };
      submitPass(env.gpu.device, 'Harness.batchTopK', (pass) => {
        k.encode(pass, b);
        k.encodeThreshold(pass, { h: b.h, theta: b.theta, f: b.fThreshold, l0: b.l0 });
      });
      return {
        f: await s.f32(b.f, a.B * a.F),
        theta: (await s.f32(b.theta, 1))[0],
        state: await s.u32(k.state, 4),
        fThreshold: await s.f32(b.fThreshold, a.B * a.F),
        l0: await s.u32(b.l0, a.B),
      };
    } finally {
      k.destroy();
      s.done();
    }
  },
};
