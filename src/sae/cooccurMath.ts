/**
 * The pure side of feature co-occurrence (src/sae/cooccurrence.ts runs the counting on the GPU):
 * splitting the codes into chunks that fit a buffer binding, and ranking features by how often
 * they fire together with a chosen one.
 *
 * With A_c the set of rows where feature c fires, n rows in all:
 *   Jaccard(j, c) = |A_j ∩ A_c| / |A_j ∪ A_c| = co / (|A_j| + |A_c| − co)   (1: identical sets)
 *   lift(j, c)    = P(j ∧ c) / (P(j)·P(c)) = co·n / (|A_j|·|A_c|)           (1: independent)
 *   P(c | j)      = co / |A_j|                                              (share of j's rows)
 */

/**
 * Splits rows into chunks whose entries (and row pointers) fit `maxEntries` u32 values each:
 * returns the first row of each chunk and, last, `rows`. A row longer than `maxEntries` alone
 * cannot be split and is refused.
 */
export function chunkRows(rowPtr: ArrayLike<number>, rows: number, maxEntries: number): number[] {
  const starts = [0];
  let start = 0;
  while (start < rows) {
    let end = start;
    while (
      end < rows &&
      rowPtr[end + 1] - rowPtr[start] <= maxEntries &&
      end + 2 - start <= maxEntries
    )
      end++;
    if (end === start)
      throw new Error(`row ${start} holds more codes than one GPU buffer binding can`);
    starts.push(end);
    start = end;
  }
  if (rows === 0) starts.push(0);
  return starts;
}

/** One feature that fires together with the chosen feature j. */
export interface Cooccurring {
  feature: number;
  /** Rows where both fire, and rows where this feature fires. */
  both: number;
  fires: number;
  jaccard: number;
  lift: number;
  /** P(this feature | j). */
  conditional: number;
}

/**
 * The `n` features that co-fire with `feature` most, by Jaccard (ties: more rows in common, then
 * the lower index); the feature itself and features that never co-fire are left out.
 * @param co   [F] rows where `feature` and each feature fire (co[feature] = |A_feature|)
 * @param fire [F] rows where each feature fires, over the same `rows` rows
 */
export function rankCooccurrence(
  co: ArrayLike<number>,
  fire: ArrayLike<number>,
  feature: number,
  rows: number,
  n: number,
): Cooccurring[] {
  const own = fire[feature];
  const list: Cooccurring[] = [];
  for (let c = 0; c < co.length; c++) {
    const both = co[c];
    if (c === feature || both === 0) continue;
    list.push({
      feature: c,
      both,
      fires: fire[c],
      jaccard: both / (own + fire[c] - both),
      lift: (both * rows) / (own * fire[c]),
      conditional: both / own,
    });
  }
  list.sort((a, b) => b.jaccard - a.jaccard || b.both - a.both || a.feature - b.feature);
  return list.slice(0, Math.max(0, n));
}
