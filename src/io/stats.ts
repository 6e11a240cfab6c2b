import type { DatasetSource } from './dataset.ts';
import { decodeToFloat32, scanNonFinite } from './dtype.ts';
import { fail } from './errors.ts';

/** Rows of non-finite values listed by index (the count is always exact). */
const MAX_LISTED_ROWS = 100;

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

/**
 * Reads the whole dataset once, chunk by chunk, and returns mean, norm factor, range and a
 * census of non-finite values. NaN/Inf are found from exponent bits of the raw values, and
 * float32 overflow from the bits of the converted values, so nothing depends on how a later
 * stage (e.g. WGSL, which may assume finite math) treats NaN. Sums are float64.
 */
export async function computeStats(
  src: DatasetSource,
  opts: StatsOptions = {},
): Promise<DatasetStats> {
  const { rows, width } = src;
  const chunkRows = Math.max(
    1,
    opts.chunkRows ?? Math.floor((8 << 20) / Math.max(1, src.bytesPerRow)),
  );
  const sum = new Float64Array(width);
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  let finiteRows = 0;
  let nanCount = 0;
  let infCount = 0;
  let overflowCount = 0;
  let nonFiniteRows = 0;
  const first: number[] = [];
  let bytesDone = 0;
  const t0 = performance.now();
  const bytesTotal = rows * src.bytesPerRow;

  for (let start = 0; start < rows; start += chunkRows) {
    if (opts.signal?.aborted) fail(src.describe(), 'io/aborted', 'statistics cancelled');
    const count = Math.min(chunkRows, rows - start);
    let row = start;
    for (const b of await src.readBlocks(start, count)) {
      bytesDone += b.raw.length;
      const scan = scanNonFinite(b.raw, b.dtype, b.littleEndian, width);
      const bad = new Set(scan.rows);
      nanCount += scan.nan;
      infCount += scan.inf;
      const v = decodeToFloat32(b.raw, b.dtype, b.littleEndian);
      const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
      for (let r = 0; r < b.rows; r++, row++) {
        const o = r * width;
        let ok = !bad.has(r);
        // Only f64 has finite values that become ±Inf in float32; other types skip this pass.
        if (ok && b.dtype === 'f64') {
          for (let d = 0; d < width; d++) {
            if ((u[o + d] & 0x7f800000) === 0x7f800000) {
              overflowCount++;
              ok = false;
            }
          }
        }
        if (!ok) {
          nonFiniteRows++;
          if (first.length < MAX_LISTED_ROWS) first.push(row);
          continue;
        }
        finiteRows++;
        let sq = 0;
        for (let d = 0; d < width; d++) {
          const x = v[o + d];
          sum[d] += x;
          sq += x * x;
          if (x < min) min = x;
          if (x > max) max = x;
        }
        sumSq += sq;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    opts.onProgress?.({
      rowsDone: start + count,
      rows,
      bytesDone,
      bytesTotal,
      bytesPerSecond: seconds > 0 ? bytesDone / seconds : 0,
    });
  }
  const mean = new Float32Array(width);
  for (let d = 0; d < width; d++) mean[d] = finiteRows > 0 ? sum[d] / finiteRows : NaN;
  return {
    rows,
    width,
    finiteRows,
    mean,
    normFactor: finiteRows > 0 ? Math.sqrt(sumSq / finiteRows) : NaN,
    min,
    max,
    nanCount,
    infCount,
    overflowCount,
    nonFiniteRows,
    firstNonFiniteRows: first,
    bytesRead: bytesDone,
    seconds: (performance.now() - t0) / 1000,
  };
}
