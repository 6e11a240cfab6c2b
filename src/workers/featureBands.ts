/**
 * Activation bands of one feature for its feature page: its top-activating rows, then bands of
 * its other nonzero activations by quantile, with a few sample rows from each. Pure: computed in
 * the engine worker from the kept codes (src/workers/sparseCodes.ts), never on the page.
 *
 * Let s_0 ≥ s_1 ≥ … ≥ s_{m−1} be the feature's m nonzero activations over the kept rows (ties:
 * lower row first). The top band holds ranks [0, T) with T = min(top, m). The remaining R = m − T
 * ranks are cut into `bands` groups of equal count (quantile bands): band b holds ranks
 * [T + ⌊b·R/bands⌋, T + ⌊(b+1)·R/bands⌋), so band 0 is the highest quantile of the rest. Each band
 * reports its activation range [s_last, s_first], its share of the m activations as a quantile
 * range of the feature's nonzero activations, and up to `perBand` sample rows at evenly spaced
 * ranks from its top (the whole band when it is small). Empty bands are left out.
 */
import type { Csr } from './sparseCodes';

export interface BandSample {
  row: number;
  value: number;
}

export interface ActivationBand {
  kind: 'top' | 'quantile';
  /** Ranks [start, end) in the descending order of the nonzero activations. */
  start: number;
  end: number;
  /**
   * Quantiles of the feature's nonzero activations the band spans, as fractions:
   * [1 − end/m, 1 − start/m].
   */
  qLo: number;
  qHi: number;
  /** Smallest and largest activation in the band. */
  lo: number;
  hi: number;
  samples: BandSample[];
}

export interface BandOptions {
  top: number;
  bands: number;
  perBand: number;
}

/** The feature's nonzero activations over the kept rows, in row order. O(nnz). */
export function featureEntries(
  codes: Csr,
  feature: number,
): { rows: Uint32Array; values: Float32Array } {
  const rows: number[] = [];
  const values: number[] = [];
  const kept = codes.keptRows ?? codes.rows;
  for (let r = 0; r < kept; r++)
    for (let e = codes.rowPtr[r]; e < codes.rowPtr[r + 1]; e++)
      if (codes.col[e] === feature && codes.val[e] !== 0) {
        rows.push(r);
        values.push(codes.val[e]);
      }
  return { rows: Uint32Array.from(rows), values: Float32Array.from(values) };
}

/** Evenly spaced ranks [start, end): n of them from the top, or every rank when fewer. */
function sampleRanks(start: number, end: number, n: number): number[] {
  const count = end - start;
  const k = Math.min(n, count);
  return Array.from({ length: k }, (_, i) => start + Math.floor((i * count) / k));
}

/** The bands of the file comment, from the feature's entries (rows and values, any order). */
export function quantileBands(
  rows: ArrayLike<number>,
  values: ArrayLike<number>,
  o: BandOptions,
): ActivationBand[] {
  const m = values.length;
  const order = Array.from({ length: m }, (_, i) => i).sort(
    (a, b) => values[b] - values[a] || rows[a] - rows[b],
  );
  const band = (kind: ActivationBand['kind'], start: number, end: number, n: number) => ({
    kind,
    start,
    end,
    qLo: 1 - end / m,
    qHi: 1 - start / m,
    lo: values[order[end - 1]],
    hi: values[order[start]],
    samples: sampleRanks(start, end, n).map((i) => ({
      row: rows[order[i]],
      value: values[order[i]],
    })),
  });
  const out: ActivationBand[] = [];
  const T = Math.min(Math.max(0, o.top), m);
  if (T > 0) out.push(band('top', 0, T, T));
  const R = m - T;
  for (let b = 0; b < o.bands; b++) {
    const start = T + Math.floor((b * R) / o.bands);
    const end = T + Math.floor(((b + 1) * R) / o.bands);
    if (end > start) out.push(band('quantile', start, end, o.perBand));
  }
  return out;
}
