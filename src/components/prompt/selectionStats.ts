/**
 * Features of a selection of tokens, and the contrast of two selections, from per-feature sums of
 * the sparse codes over the selected rows (src/workers/sparseCodes.ts `selectionSums`). Pure.
 *
 * For a selection S of n rows and feature j with codes f_j:
 *   count_j = #{r ∈ S : f_j(r) ≠ 0},  total_j = Σ_{r∈S} f_j(r),
 *   frequency_j = count_j / n,        mean_j = total_j / n   (a mean over every selected token,
 *                                                              zeros included).
 * Contrast of A against B: Δfrequency_j = frequency_j(A) − frequency_j(B) and
 * Δmean_j = mean_j(A) − mean_j(B); features most typical of A have the largest Δ, of B the
 * smallest. Ties go to the lower feature index.
 */

/** What the engine returns for one selection (features ascending, only those active). */
export interface SelectionSumsLike {
  rows: number;
  features: ArrayLike<number>;
  counts: ArrayLike<number>;
  sums: ArrayLike<number>;
}

export interface SelectionFeature {
  feature: number;
  count: number;
  total: number;
  mean: number;
}

export type SelectionKey = 'total' | 'mean';

/** The selection's active features, best first by `by` (total and mean rank alike: n is shared). */
export function rankSelection(
  s: SelectionSumsLike,
  by: SelectionKey,
  n: number,
): SelectionFeature[] {
  const out: SelectionFeature[] = [];
  for (let i = 0; i < s.features.length; i++)
    out.push({
      feature: s.features[i],
      count: s.counts[i],
      total: s.sums[i],
      mean: s.rows > 0 ? s.sums[i] / s.rows : 0,
    });
  out.sort((a, b) => b[by] - a[by] || a.feature - b.feature);
  return out.slice(0, n);
}

export interface ContrastRow {
  feature: number;
  countA: number;
  countB: number;
  freqA: number;
  freqB: number;
  meanA: number;
  meanB: number;
  dFreq: number;
  dMean: number;
}

export type ContrastKey = 'dFreq' | 'dMean';

/** Every feature active in A or B with its statistics in both. */
export function contrastRows(a: SelectionSumsLike, b: SelectionSumsLike): ContrastRow[] {
  const rows = new Map<number, ContrastRow>();
  const row = (feature: number) => {
    let r = rows.get(feature);
    if (!r) {
      r = {
        feature,
        countA: 0,
        countB: 0,
        freqA: 0,
        freqB: 0,
        meanA: 0,
        meanB: 0,
        dFreq: 0,
        dMean: 0,
      };
      rows.set(feature, r);
    }
    return r;
  };
  for (let i = 0; i < a.features.length; i++) {
    const r = row(a.features[i]);
    r.countA = a.counts[i];
    r.freqA = a.counts[i] / a.rows;
    r.meanA = a.sums[i] / a.rows;
  }
  for (let i = 0; i < b.features.length; i++) {
    const r = row(b.features[i]);
    r.countB = b.counts[i];
    r.freqB = b.counts[i] / b.rows;
    r.meanB = b.sums[i] / b.rows;
  }
  for (const r of rows.values()) {
    r.dFreq = r.freqA - r.freqB;
    r.dMean = r.meanA - r.meanB;
  }
  return [...rows.values()];
}

/**
 * The n features most typical of A (largest Δ first) and of B (smallest Δ first) by `by`; a
 * feature appears on a side only when its Δ favours that side (Δ > 0 for A, Δ < 0 for B).
 */
export function contrast(
  a: SelectionSumsLike,
  b: SelectionSumsLike,
  by: ContrastKey,
  n: number,
): { moreInA: ContrastRow[]; moreInB: ContrastRow[] } {
  const all = contrastRows(a, b);
  const moreInA = all
    .filter((r) => r[by] > 0)
    .sort((x, y) => y[by] - x[by] || x.feature - y.feature)
    .slice(0, n);
  const moreInB = all
    .filter((r) => r[by] < 0)
    .sort((x, y) => x[by] - y[by] || x.feature - y.feature)
    .slice(0, n);
  return { moreInA, moreInB };
}
