/**
 * Hard selections used by the hard path, the baselines and the aux-k term. All are deterministic:
 * among equal values the lower index wins (lower feature index within a row; lower flat index
 * b·F + j for the whole-batch selection), so a GPU implementation can match them exactly.
 */

/** Compares (value, index) pairs: larger value first, then lower index first. */
function byValueThenIndex(values: ArrayLike<number>): (i: number, j: number) => number {
  return (i, j) => values[j] - values[i] || i - j;
}

/**
 * Indices of the `count` largest entries of `row` (ties → lower index), in descending order.
 * `count` is clamped to [0, row.length].
 */
export function topKIndices(row: ArrayLike<number>, count: number): number[] {
  const n = Math.max(0, Math.min(row.length, Math.floor(count)));
  const order = Array.from({ length: row.length }, (_, i) => i);
  order.sort(byValueThenIndex(row));
  return order.slice(0, n);
}

/**
 * Per-row top-k mask of h [B, F]: row b keeps its `counts[b]` largest entries.
 * Kept entries may be zero when a row has fewer positive entries; they are still "kept" (the
 * reference's `topk_per_row` keeps them too) but contribute nothing, so that row's L0 is smaller.
 */
export function rowTopKMask(
  h: Float64Array,
  B: number,
  F: number,
  counts: ArrayLike<number>,
): Uint8Array {
  const mask = new Uint8Array(B * F);
  for (let b = 0; b < B; b++) {
    const row = h.subarray(b * F, (b + 1) * F);
    for (const j of topKIndices(row, counts[b])) mask[b * F + j] = 1;
  }
  return mask;
}

/** BatchTopK mask: the `total` largest entries of the whole [B, F] batch (ties → lower flat index). */
export function batchTopKMask(h: Float64Array, total: number): Uint8Array {
  const mask = new Uint8Array(h.length);
  for (const i of topKIndices(h, total)) mask[i] = 1;
  return mask;
}

/** BatchTopK inference mask: `h > θ`. */
export function thresholdMask(h: Float64Array, theta: number): Uint8Array {
  const mask = new Uint8Array(h.length);
  for (let i = 0; i < h.length; i++) mask[i] = h[i] > theta ? 1 : 0;
  return mask;
}

/**
 * Aux-k selection (spec §4): in every row, the `count` largest entries of h among the features
 * flagged in `dead` [F] (ties → lower index). Returns a [B, F] mask; all zeros when `count` ≤ 0.
 */
export function deadTopKMask(
  h: Float64Array,
  B: number,
  F: number,
  dead: Uint8Array,
  count: number,
): Uint8Array {
  const mask = new Uint8Array(B * F);
  const deadIdx: number[] = [];
  for (let j = 0; j < F; j++) if (dead[j]) deadIdx.push(j);
  const n = Math.min(Math.max(0, Math.floor(count)), deadIdx.length);
  if (n === 0) return mask;
  for (let b = 0; b < B; b++) {
    const vals = deadIdx.map((j) => h[b * F + j]);
    for (const q of topKIndices(vals, n)) mask[b * F + deadIdx[q]] = 1;
  }
  return mask;
}
