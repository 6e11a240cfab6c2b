/**
 * The dataset fingerprint a checkpoint records, so a resume on different data is refused.
 *
 * Choice: rows, D, dtype and a CRC-32 over the float32 bytes of up to {@link FINGERPRINT_ROWS}
 * rows spread evenly over the data (every row when there are fewer), each prefixed with its
 * index. It costs the same for 10 MB and 10 GB (a resume should not re-read a whole file), and it
 * catches a different file, a different array of the same file, a different shard order or other
 * rows dropped as non-finite. It would miss an edit confined to rows it does not sample; a
 * researcher re-picking "the same file" does not make those.
 */
import { crc32 } from '../io/crc32.ts';

export const FINGERPRINT_ROWS = 4096;

export interface DatasetFingerprint {
  rows: number;
  D: number;
  /** The element type the engine trains on (always float32 after loading). */
  dtype: 'f32';
  /** Rows hashed (min(rows, FINGERPRINT_ROWS)). */
  hashedRows: number;
  /** CRC-32 (hex) of the sampled rows' bytes, each preceded by its u32 row index. */
  hash: string;
  /** The dataset's name when saved, for messages only (not compared). */
  name: string;
}

/** The rows a fingerprint hashes: evenly spread, always including the first and the last. */
export function fingerprintIndices(rows: number): Uint32Array {
  const n = Math.min(rows, FINGERPRINT_ROWS);
  return Uint32Array.from({ length: n }, (_, i) =>
    n === 1 ? 0 : Math.round((i * (rows - 1)) / (n - 1)),
  );
}

/**
 * Fingerprint from the rows at {@link fingerprintIndices} only (`sampled` is `[n, D]` in that
 * order): what a streamed dataset gathers from disk. Equal to {@link fingerprintRows} of all rows.
 */
export function fingerprintSampled(
  sampled: Float32Array,
  rows: number,
  D: number,
  name: string,
): DatasetFingerprint {
  const indices = fingerprintIndices(rows);
  const bytes = new Uint8Array(sampled.buffer, sampled.byteOffset, indices.length * D * 4);
  const index = new Uint32Array(1);
  const indexBytes = new Uint8Array(index.buffer);
  let crc = 0;
  indices.forEach((r, i) => {
    index[0] = r;
    crc = crc32(indexBytes, crc);
    crc = crc32(bytes.subarray(i * D * 4, (i + 1) * D * 4), crc);
  });
  const hash = crc.toString(16).padStart(8, '0');
  return { rows, D, dtype: 'f32', hashedRows: indices.length, hash, name };
}

/** Fingerprint of `[rows, D]` float32 rows. */
export function fingerprintRows(
  x: Float32Array,
  rows: number,
  D: number,
  name: string,
): DatasetFingerprint {
  const indices = fingerprintIndices(rows);
  const sampled = new Float32Array(indices.length * D);
  indices.forEach((r, i) => sampled.set(x.subarray(r * D, (r + 1) * D), i * D));
  return fingerprintSampled(sampled, rows, D, name);
}

/** Why `actual` is not the data `saved` was trained on, or null when they match. */
export function fingerprintMismatch(
  saved: DatasetFingerprint,
  actual: DatasetFingerprint,
): string | null {
  if (saved.rows !== actual.rows || saved.D !== actual.D)
    return (
      `the run was trained on ${saved.rows} rows × D = ${saved.D} ('${saved.name}'), ` +
      `the chosen data has ${actual.rows} rows × D = ${actual.D} ('${actual.name}')`
    );
  if (saved.dtype !== actual.dtype)
    return `dtype ${actual.dtype} differs from the run's ${saved.dtype}`;
  if (saved.hashedRows !== actual.hashedRows || saved.hash !== actual.hash)
    return (
      `the chosen data ('${actual.name}') has the run's shape (${saved.rows} × ${saved.D}) but ` +
      `different values (sampled-row hash ${actual.hash}, the run's ${saved.hash})`
    );
  return null;
}
