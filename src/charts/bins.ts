/**
 * Binning for the histograms: pure functions from values to counts. Edges are explicit so that a
 * chart, its export and its tests agree on what each bar covers.
 */

/** Counts per bin: bar i covers [edges[i], edges[i + 1]) (the last one also its right edge). */
export interface Binned {
  edges: number[];
  counts: number[];
}

/** Rows with value 0, 1, 2, … (index = value) up to the largest; non-integers are floored. */
export function integerCounts(values: ArrayLike<number>): number[] {
  let max = -1;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = Math.floor(values[i]);
  const counts = new Array<number>(Math.max(0, max + 1)).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = Math.floor(values[i]);
    if (v >= 0) counts[v]++;
  }
  return counts;
}

/** Integer counts as bars centred on their values: bar v covers [v − ½, v + ½). */
export function integerBins(counts: readonly number[]): Binned {
  return {
    edges: Array.from({ length: counts.length + 1 }, (_, i) => i - 0.5),
    counts: [...counts],
  };
}

/** Finite min and max of the values (NaN, NaN when there are none). */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/**
 * `bins` equal-width bins over [lo, hi] (default: the finite extent of the values). A value v
 * falls in bin ⌊(v − lo)/width⌋, with v = hi in the last bin; non-finite values and values outside
 * [lo, hi] are not counted. A constant sample (lo = hi) gets one bin of width 1 around it.
 */
export function equalBins(
  values: ArrayLike<number>,
  bins: number,
  range: [number, number] = extent(values),
): Binned {
  let [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return { edges: [], counts: [] };
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
    bins = 1;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return { edges, counts };
}
