/**
 * The app's self-check case for the evaluation kernels (per-feature sums, histograms and top-N
 * rows; per-dimension moments; per-row L0 and cosine) against the float64 EvalReference, with the
 * tolerances of e2e/eval.spec.ts: exact where the result is discrete or a max, float32 summation
 * bounds elsewhere.
 */
import type { KernelContext } from '../gpu/kernels/context';
import { createRng } from '../model/rng';
import { EvalReference } from '../reference/eval';
import { runEval, type EvalBatchArg } from './evalKernels';
import type { CheckResult } from './kernels';
import { combine, compared, exactly } from './result';

const SUMS = { atol: 1e-6, rtol: 1e-5 };
const MOMENTS = { atol: 1e-6, rtol: 1e-4 };
const MEANS = { atol: 1e-5, rtol: 1e-5 };
const COSINE = { atol: 5e-6, rtol: 0 };

/**
 * Batches of codes on the histogram's bin edges (multiples of 1/4, some above hi: outside), a
 * dead feature, a feature that ties in every row (the earliest rows must win the top-N), k̂ with
 * every row, one all-zero reconstruction (cosine 0).
 */
function batches(F: number, D: number, sizes: number[], seed: number): EvalBatchArg[] {
  const rng = createRng(seed);
  let rowOffset = 0;
  return sizes.map((B) => {
    const f: number[] = [];
    const xn: number[] = [];
    const xHat: number[] = [];
    const kHat: number[] = [];
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < F; j++)
        f.push(
          j === 3 ? 0 : j === 5 ? 1 : rng.uniform() > 0.3 ? 0 : Math.ceil(rng.uniform() * 36) / 4,
        );
      const zero = rowOffset + r === 1;
      for (let d = 0; d < D; d++) {
        const x = Math.fround(2 + 0.5 * rng.normal() + 0.1 * d);
        xn.push(x);
        xHat.push(zero ? 0 : Math.fround(x + 0.2 * rng.normal()));
      }
      kHat.push(Math.fround(1 + 39 * rng.uniform()));
    }
    const batch = { B, rowOffset, f, xn, xHat, kHat };
    rowOffset += B;
    return batch;
  });
}

export async function checkEval(
  ctx: KernelContext,
  c: {
    F: number;
    D: number;
    bins: number;
    topN: number;
    hi: number;
    sizes: number[];
    seed: number;
  },
): Promise<CheckResult> {
  const { F, D, bins, topN } = c;
  const hi = Array.from({ length: F }, () => c.hi);
  const arg = { F, D, bins, topN, batches: batches(F, D, c.sizes, c.seed), range: { hi } };
  const out = await runEval(ctx, arg);
  const ref = new EvalReference({ F, D, bins, topN });
  ref.setHistogramRange(
    hi,
    hi.map((h) => bins / h),
  );
  const rows = arg.batches.map((b) => ref.addBatch(b));
  const r = ref.summary();
  const g = out.summary;
  return combine(`eval F=${F} D=${D}, batches of ${c.sizes.join(', ')} rows`, [
    exactly('rows', [g.rows], [r.rows]),
    exactly('fireCount', g.fireCount, r.fireCount),
    exactly('actMax', g.actMax, r.actMax),
    exactly('hist', g.hist, r.hist),
    exactly('histOutside', g.histOutside, r.histOutside),
    exactly('topRows', g.topRows, r.topRows),
    exactly('topValues', g.topValues, r.topValues),
    exactly('l0 min/max', [g.l0Min, g.l0Max], [r.l0Min, r.l0Max]),
    compared('actSum', g.actSum, r.actSum, SUMS),
    compared('actSumSq', g.actSumSq, r.actSumSq, SUMS),
    compared('meanX', g.meanX, r.meanX, MEANS),
    compared('meanE', g.meanE, r.meanE, MEANS),
    compared('varX', g.varX, r.varX, MOMENTS),
    compared('varE', g.varE, r.varE, MOMENTS),
    compared('fvu, mse', [g.fvu, g.mse], [r.fvu, r.mse], MOMENTS),
    compared('l2Ratio, k̂ mean', [g.l2Ratio, g.kHatMean], [r.l2Ratio, r.kHatMean], SUMS),
    ...rows.flatMap((row, i) => [
      exactly(`l0 batch ${i}`, out.l0[i], row.l0),
      compared(`cosine batch ${i}`, out.cosine[i], row.cosine, COSINE),
    ]),
  ]);
}
