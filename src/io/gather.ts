import type { DatasetSource } from './dataset.ts';
import { fail } from './errors.ts';

/** Options of {@link gatherRows}. */
export interface GatherOptions {
  /** Rows closer than this many bytes are read in one request, gap included (default 64 KiB). */
  maxGapBytes?: number;
  /** Largest single read (default 8 MiB), so memory stays bounded whatever the indices. */
  maxReadBytes?: number;
}

/**
 * Rows at arbitrary indices (any order, repeats allowed) as float32 `[indices.length, width]`,
 * in the order asked — e.g. a random training batch. Indices are visited sorted and nearby rows
 * are read together, so a batch costs a few slice reads instead of one per row.
 */
export async function gatherRows(
  src: DatasetSource,
  indices: ArrayLike<number>,
  opts: GatherOptions = {},
): Promise<Float32Array> {
  const n = indices.length;
  const w = src.width;
  for (let i = 0; i < n; i++) {
    const r = indices[i];
    if (!Number.isSafeInteger(r) || r < 0 || r >= src.rows) {
      fail(
        src.describe().split(':')[0],
        'io/row-range',
        `row index ${r} (position ${i} of the batch) is outside 0..${src.rows - 1}`,
      );
    }
  }
  const rowBytes = Math.max(1, src.bytesPerRow);
  const maxGap = Math.max(1, Math.floor((opts.maxGapBytes ?? 64 << 10) / rowBytes));
  const maxSpan = Math.max(1, Math.floor((opts.maxReadBytes ?? 8 << 20) / rowBytes));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => indices[a] - indices[b]);
  const out = new Float32Array(n * w);
  for (let k = 0; k < n;) {
    const first = indices[order[k]];
    let last = first;
    let j = k + 1;
    while (j < n && indices[order[j]] - last <= maxGap && indices[order[j]] - first < maxSpan) {
      last = indices[order[j]];
      j++;
    }
    const block = await src.readRows(first, last - first + 1);
    for (; k < j; k++) {
      const r = indices[order[k]] - first;
      out.set(block.subarray(r * w, (r + 1) * w), order[k] * w);
    }
  }
  return out;
}
