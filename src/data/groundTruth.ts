/**
 * What Inspect shows for a dataset with ground truth (the built-in corpora): the paper's claim
 * as numbers a person can read. Per true active count, the distribution of the model's k̂ (box
 * statistics); Spearman(k̂, count) and Spearman(L0, count); and feature recovery, the mean over
 * true atoms of the best |cosine| with any decoder atom. Pure and float64; small output.
 */
import { featureRecovery, spearman } from './metrics.ts';

/** Box statistics of the k̂ of the rows with one true count (Tukey's box plot). */
export interface CountBox {
  /** The true number of active features of these rows. */
  count: number;
  /** Rows with this count. */
  n: number;
  q1: number;
  median: number;
  q3: number;
  /** Whiskers: the most extreme values within 1.5·IQR of the box (Tukey). */
  lo: number;
  hi: number;
  mean: number;
}

/** The ground-truth summary of one evaluation. */
export interface GroundTruthSummary {
  /** k̂ per true count (SoftSAE), else L0 per true count; ascending counts. */
  byCount: CountBox[];
  /** What `byCount` measures. */
  measure: 'kHat' | 'l0';
  /** Spearman(k̂, true count) (null without k̂), Spearman(L0, true count). */
  spearmanKHat: number | null;
  spearmanL0: number;
  /** Mean over true atoms of the best |cosine| with a decoder atom, and the share ≥ 0.9. */
  recovery: number;
  recoveredFraction: number;
  /** Number of true atoms. */
  G: number;
}

/**
 * Quantile of ascending `sorted` at p ∈ [0, 1] by linear interpolation between order statistics
 * (position p·(n − 1), NumPy's and d3's default): [1, 2, 3, 4] at 0.25 → 1.75.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = p * (n - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < n ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** Box statistics of `values` grouped by the integer `count` of the same row, ascending counts. */
export function boxesByCount(values: ArrayLike<number>, count: ArrayLike<number>): CountBox[] {
  if (values.length !== count.length)
    throw new Error(`length mismatch: ${values.length} vs ${count.length}`);
  const groups = new Map<number, number[]>();
  for (let r = 0; r < values.length; r++) {
    const g = groups.get(count[r]);
    if (g) g.push(values[r]);
    else groups.set(count[r], [values[r]]);
  }
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .map((c) => {
      const v = Float64Array.from(groups.get(c)!).sort();
      const q1 = quantileSorted(v, 0.25);
      const q3 = quantileSorted(v, 0.75);
      const reach = 1.5 * (q3 - q1);
      let lo = q1;
      let hi = q3;
      let sum = 0;
      for (const x of v) {
        sum += x;
        if (x >= q1 - reach && x < lo) lo = x;
        if (x <= q3 + reach && x > hi) hi = x;
      }
      return {
        count: c,
        n: v.length,
        q1,
        median: quantileSorted(v, 0.5),
        q3,
        lo,
        hi,
        mean: sum / v.length,
      };
    });
}

/**
 * The summary for a model evaluated on data with ground truth. `decoder` is `decoder.weight` in
 * the reference layout [D, F]; `dictionary` the true atoms [G, D].
 */
export function groundTruthSummary(
  truth: { activeCount: ArrayLike<number>; dictionary: ArrayLike<number> },
  evald: { kHat: ArrayLike<number> | null; l0: ArrayLike<number> },
  decoder: ArrayLike<number>,
  D: number,
  F: number,
): GroundTruthSummary {
  const rec = featureRecovery(truth.dictionary, decoder, D, F);
  const measure = evald.kHat ? 'kHat' : 'l0';
  return {
    byCount: boxesByCount(evald.kHat ?? evald.l0, truth.activeCount),
    measure,
    spearmanKHat: evald.kHat ? spearman(evald.kHat, truth.activeCount) : null,
    spearmanL0: spearman(evald.l0, truth.activeCount),
    recovery: rec.meanBestCosine,
    recoveredFraction: rec.recoveredFraction,
    G: rec.bestCosine.length,
  };
}
