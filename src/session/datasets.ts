/**
 * The page-side registry of loaded datasets' heavy, per-row data (tokens, sequence and position
 * of each row). It lives outside the zustand store on purpose: the store keeps only small
 * summaries, and arrays of 10⁵–10⁷ entries would make every store update and devtools snapshot
 * expensive. The activation rows themselves are not here either: they live in the engine worker.
 *
 * Shared with the Inspect views, which read tokens by dataset id (`useDataset(id)` in views,
 * `getDataset(id)` elsewhere).
 */
import { Registry } from './registry';

export interface LoadedDataset {
  id: string;
  name: string;
  rows: number;
  D: number;
  /** Token text per row (untrusted: render as text only), or null when none were loaded. */
  tokens: readonly string[] | null;
  /** Sequence per row. */
  seq: Int32Array | null;
  /** Position per row within its sequence. */
  pos: Int32Array | null;
}

export const datasets = new Registry<LoadedDataset>();

export function getDataset(id: string): LoadedDataset | undefined {
  return datasets.get(id);
}

/** Adds or replaces a dataset (by id). */
export function putDataset(ds: LoadedDataset): void {
  if (ds.tokens && ds.tokens.length !== ds.rows)
    throw new Error(`${ds.name}: ${ds.tokens.length} tokens for ${ds.rows} rows`);
  datasets.put(ds.id, ds);
}

/**
 * Indices `0…n−1` without the ascending `dropped` ones: the rows the engine kept after removing
 * non-finite ones, so per-row data (tokens, sequence, position) can follow with `Array.from`.
 */
export function keptRows(n: number, dropped: ArrayLike<number>): Int32Array {
  const out = new Int32Array(n - dropped.length);
  for (let i = 0, j = 0, at = 0; i < n; i++) {
    if (j < dropped.length && dropped[j] === i) j++;
    else out[at++] = i;
  }
  return out;
}
