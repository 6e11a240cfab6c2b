import type { DatasetSource } from './dataset.ts';
import { fail } from './errors.ts';
import { readAhead } from './read-ahead.ts';
import { StatsAccumulator } from './stats-accumulate.ts';

/** One-pass statistics of a dataset (softsae-spec §2). */
export interface DatasetStats {
  rows: number;
  width: number;
  /** Rows with only finite values; mean and norm use these. */
  finiteRows: number;
  /** Per-feature mean over the finite rows (`shift_factor`). */
  mean: Float32Array;
  /** `sqrt(mean ‖x‖²)` over the finite rows, on uncentred x, as in the reference. */
  normFactor: number;
  /** Smallest and largest finite value. */
  min: number;
  max: number;
  /** NaN and ±Inf found in the file's own encoding (bit patterns). */
  nanCount: number;
  infCount: number;
  /** Values finite in the file but outside the float32 range (become ±Inf when converted). */
  overflowCount: number;
  /** Number of rows holding any of the above, and the first of them. */
  nonFiniteRows: number;
  firstNonFiniteRows: number[];
  bytesRead: number;
  seconds: number;
}

/** Progress of {@link computeStats}. */
export interface StatsProgress {
  rowsDone: number;
  rows: number;
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
}

/** Options of {@link computeStats}. */
export interface StatsOptions {
  /** Rows per read (default: about 8 MiB of file data). */
  chunkRows?: number;
  onProgress?: (p: StatsProgress) => void;
  /** Aborting rejects with `IoError` code `io/aborted` at the next chunk. */
  signal?: AbortSignal;
}

/** Default chunk: 8 MiB of file data per read (see `npm run bench -- --ingest` for the choice). */
export const DEFAULT_CHUNK_BYTES = 8 << 20;

/**
 * Reads the whole dataset once, chunk by chunk, and returns mean, norm factor, range and a
 * census of non-finite values. NaN/Inf are found from exponent bits of the raw values, and
 * float32 overflow from the bits of the converted values, so nothing depends on how a later
 * stage (e.g. WGSL, which may assume finite math) treats NaN. Sums are float64.
 * The next chunk is read while the current one is summed, into two buffers allocated once
 * ({@link readAhead}), so the pass leaves no garbage however large the file.
 */
export async function computeStats(
  src: DatasetSource,
  opts: StatsOptions = {},
): Promise<DatasetStats> {
  const { rows, width } = src;
  const chunkRows = Math.max(
    1,
    opts.chunkRows ?? Math.floor(DEFAULT_CHUNK_BYTES / Math.max(1, src.bytesPerRow)),
  );
  const acc = new StatsAccumulator(width);
  const t0 = performance.now();
  const bytesTotal = rows * src.bytesPerRow;
  // Reused buffers: the chunk is summed before the next one is asked for.
  for await (const chunk of readAhead(src, chunkRows, { reuse: true })) {
    if (opts.signal?.aborted) fail(src.describe(), 'io/aborted', 'statistics cancelled');
    let row = chunk.start;
    for (const b of chunk.blocks) {
      acc.add(b, row);
      row += b.rows;
    }
    const seconds = (performance.now() - t0) / 1000;
    opts.onProgress?.({
      rowsDone: chunk.start + chunk.count,
      rows,
      bytesDone: acc.bytesRead,
      bytesTotal,
      bytesPerSecond: seconds > 0 ? acc.bytesRead / seconds : 0,
    });
  }
  const n = acc.finiteRows;
  const mean = new Float32Array(width);
  for (let d = 0; d < width; d++) mean[d] = n > 0 ? acc.sum[d] / n : NaN;
  return {
    rows,
    width,
    finiteRows: n,
    mean,
    normFactor: n > 0 ? Math.sqrt(acc.sumSq / n) : NaN,
    min: acc.min,
    max: acc.max,
    nanCount: acc.nanCount,
    infCount: acc.infCount,
    overflowCount: acc.overflowCount,
    nonFiniteRows: acc.nonFiniteRows,
    firstNonFiniteRows: acc.firstNonFiniteRows,
    bytesRead: acc.bytesRead,
    seconds: (performance.now() - t0) / 1000,
  };
}
