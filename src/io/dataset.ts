import type { DType } from './dtype.ts';
import { ITEM_SIZE, decodeToFloat32 } from './dtype.ts';
import { fail } from './errors.ts';
import type { ByteSource } from './source.ts';

/** Raw bytes of consecutive rows in C (row-major) order, still in the file's encoding. */
export interface RawBlock {
  /** `rows × width` elements of `dtype`. */
  raw: Uint8Array;
  dtype: DType;
  littleEndian: boolean;
  rows: number;
}

/**
 * A matrix of activations `[rows, width]`, whatever files it comes from. Rows are read on demand,
 * so only what is asked for is ever in memory.
 */
export interface DatasetSource {
  readonly rows: number;
  readonly width: number;
  /** For 3-D data `[sequences, positions, width]`: row `r` is sequence `⌊r/positions⌋`. */
  readonly sequences?: number;
  readonly positions?: number;
  /** Bytes of one row in the file(s); for progress in bytes/s. */
  readonly bytesPerRow: number;
  /** One line for the user, e.g. `acts.npy: <f2 [2048, 768] (C order)`. */
  describe(): string;
  /** Rows `[start, start + count)` as float32, row-major. */
  readRows(start: number, count: number): Promise<Float32Array>;
  /**
   * The same rows undecoded, split where the dtype changes (between shards). With `into` (at
   * least `count × bytesPerRow` bytes) a source that can reads into that memory instead of
   * allocating (see `ByteSource.readInto`): the blocks then view it, and `into` may be detached.
   */
  readBlocks(start: number, count: number, into?: Uint8Array): Promise<RawBlock[]>;
  /**
   * Optional: rows `[start, end)` read front to back as one stream (a whole-file pass), where the
   * source can; `readAhead` uses it and falls back to `readBlocks` per chunk.
   */
  openPass?(start: number, end: number): RowPass;
}

/** A front-to-back read of a row range, see {@link DatasetSource.openPass}. */
export interface RowPass {
  /** The next `count` rows; `into` as in `readBlocks` (at least `count × bytesPerRow` bytes). */
  next(count: number, into?: Uint8Array): Promise<RawBlock[]>;
  /** Releases the stream (also when stopping early). */
  close(): void;
}

/** What a format parser found in a header: enough to read any element without reading more. */
export interface TensorHeader {
  format: 'npy' | 'safetensors' | 'npz';
  /** File name, or `archive.npz/member.npy`. */
  file: string;
  /** Safetensors tensor name or npz member, when the file holds several. */
  tensor?: string;
  dtype: DType;
  littleEndian: boolean;
  shape: number[];
  /** `F` = Fortran (column-major) order; only `.npy` can have it. */
  order: 'C' | 'F';
  /** Absolute byte offset of element 0 in the source. */
  dataOffset: number;
  dataBytes: number;
  /** Non-fatal findings such as trailing bytes. */
  warnings: string[];
}

/** A header plus its activation view. */
export interface ArrayReader extends DatasetSource {
  readonly header: TensorHeader;
}

/** Checks a row range against `rows`; shared by all readers. */
export function checkRows(file: string, rows: number, start: number, count: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0) {
    fail(file, 'io/row-range', `invalid row range start=${start} count=${count}`);
  }
  if (start + count > rows) {
    fail(
      file,
      'io/row-range',
      `rows ${start}..${start + count} requested but the data has ${rows}`,
    );
  }
}

/** How many reads of a Fortran-order slice run at once; bounds memory and open requests. */
const PARALLEL_COLUMN_READS = 32;

/**
 * Views a 2-D `[rows, D]` or 3-D `[sequences, positions, D]` tensor as activation rows.
 * Other ranks are refused with the shape in the message. Fortran order is transposed while
 * reading (one strided read per column); 3-D Fortran order is refused explicitly rather than
 * risk a wrong interleaving.
 */
export function activationReader(src: ByteSource, h: TensorHeader): ArrayReader {
  const code = `${h.format}/bad-shape`;
  const shapeText = `(${h.shape.join(', ')})`;
  if (h.shape.length < 2) {
    fail(
      h.file,
      code,
      `shape ${shapeText} is ${h.shape.length}-D; activations must be [rows, D] or [sequences, positions, D]`,
    );
  }
  if (h.shape.length > 3) {
    fail(
      h.file,
      code,
      `shape ${shapeText} is ${h.shape.length}-D; only 2-D [rows, D] and 3-D [sequences, positions, D] are supported`,
    );
  }
  if (h.order === 'F' && h.shape.length === 3) {
    fail(
      h.file,
      `${h.format}/fortran-3d`,
      `3-D Fortran-order arrays are not supported; save with np.ascontiguousarray(a)`,
    );
  }
  const width = h.shape[h.shape.length - 1];
  const rows = h.shape.length === 3 ? h.shape[0] * h.shape[1] : h.shape[0];
  if (width === 0 && rows > 0) fail(h.file, code, `shape ${shapeText} has rows of width 0`);
  if (rows === 0) h.warnings.push('the array has no rows');
  const isz = ITEM_SIZE[h.dtype];
  const rowBytes = width * isz;

  const readC = (start: number, count: number, into?: Uint8Array) =>
    into && src.readInto
      ? src.readInto(h.dataOffset + start * rowBytes, into.subarray(0, count * rowBytes))
      : src.read(h.dataOffset + start * rowBytes, count * rowBytes);

  // Fortran [rows, D]: element (r, d) is at (d·rows + r); each column slice is contiguous.
  const readF = async (start: number, count: number): Promise<Uint8Array> => {
    const out = new Uint8Array(count * rowBytes);
    for (let d0 = 0; d0 < width; d0 += PARALLEL_COLUMN_READS) {
      const cols = Array.from(
        { length: Math.min(PARALLEL_COLUMN_READS, width - d0) },
        (_, j) => d0 + j,
      );
      const parts = await Promise.all(
        cols.map((d) => src.read(h.dataOffset + (d * rows + start) * isz, count * isz)),
      );
      parts.forEach((col, j) => {
        const d = cols[j];
        for (let r = 0, src = 0, dst = d * isz; r < count; r++, dst += rowBytes) {
          for (let b = 0; b < isz; b++) out[dst + b] = col[src++];
        }
      });
    }
    return out;
  };

  // Fortran order is gathered column by column into a new buffer, so `into` is not used.
  const readRaw = async (start: number, count: number, into?: Uint8Array): Promise<Uint8Array> => {
    checkRows(h.file, rows, start, count);
    return h.order === 'F' ? readF(start, count) : readC(start, count, into);
  };

  // e.g. `model.safetensors [acts]: bf16 (1024, 768)` or `a.npy: f32 big-endian (5, 3) (Fortran order)`
  const where =
    h.tensor !== undefined && h.format === 'safetensors' ? `${h.file} [${h.tensor}]` : h.file;
  const byteOrder = h.littleEndian || isz === 1 ? '' : ' big-endian';
  const order = h.order === 'F' ? ' (Fortran order)' : '';
  const describe = (): string => `${where}: ${h.dtype}${byteOrder} ${shapeText}${order}`;

  // C order: rows [start, end) are one byte range, read as one stream when the source can.
  const openPass =
    h.order === 'C' && src.openReader
      ? (start: number, end: number): RowPass => {
          checkRows(h.file, rows, start, end - start);
          const r = src.openReader!(h.dataOffset + start * rowBytes, (end - start) * rowBytes);
          let at = start;
          return {
            async next(count, into) {
              checkRows(h.file, end, at, count);
              const n = count * rowBytes;
              const raw = await r.readInto(into ? into.subarray(0, n) : new Uint8Array(n));
              at += count;
              return [{ raw, dtype: h.dtype, littleEndian: h.littleEndian, rows: count }];
            },
            close: () => r.close(),
          };
        }
      : undefined;

  const reader: ArrayReader = {
    openPass,
    header: h,
    rows,
    width,
    bytesPerRow: rowBytes,
    describe,
    readRows: async (start, count) =>
      decodeToFloat32(await readRaw(start, count), h.dtype, h.littleEndian),
    readBlocks: async (start, count, into) => [
      {
        raw: await readRaw(start, count, into),
        dtype: h.dtype,
        littleEndian: h.littleEndian,
        rows: count,
      },
    ],
  };
  if (h.shape.length === 3) {
    return Object.assign(reader, { sequences: h.shape[0], positions: h.shape[1] });
  }
  return reader;
}

/**
 * Multiplies dimensions exactly (BigInt), so `(2**40, 2**40)` is seen as 2^80 elements instead of
 * a rounded float; returns the byte count.
 */
export function tensorBytes(shape: readonly bigint[], itemSize: number): bigint {
  let n = 1n;
  for (const d of shape) n *= d;
  return n * BigInt(itemSize);
}
