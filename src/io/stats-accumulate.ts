import type { RawBlock } from './dataset.ts';
import { float32View, halfTableF32, scanNonFinite, uint16View } from './dtype.ts';
import { sumRowsF16, sumRowsF32 } from './stats-kernels.ts';

/** Rows of non-finite values listed by index (the count is always exact). */
export const MAX_LISTED_ROWS = 100;

/**
 * Running sums of the statistics pass (softsae-spec §2), fed one block of raw rows at a time.
 *
 * The hot path assumes every value is finite and sums a whole block into block-local sums with
 * the kernels of `stats-kernels.ts`, which report afterwards whether the assumption held. Only a
 * block that holds a NaN/Inf is summed again by {@link addCareful}, which counts them from the
 * raw bit patterns row by row. Real activations are almost always finite, so the per-element bit
 * tests and set lookups of the careful path stay off the common path.
 */
export class StatsAccumulator {
  /** Per-feature sums over finite rows (float64). */
  readonly sum: Float64Array;
  sumSq = 0;
  min = Infinity;
  max = -Infinity;
  finiteRows = 0;
  nanCount = 0;
  infCount = 0;
  overflowCount = 0;
  nonFiniteRows = 0;
  readonly firstNonFiniteRows: number[] = [];
  bytesRead = 0;
  /** Sums and [min, max] of the block being added, merged only when the block is all finite. */
  private readonly part: Float64Array;
  private readonly range = new Float64Array(2);
  /** Reused for dtypes decoded before summing, so a pass does not allocate per chunk. */
  private scratch: Float32Array | undefined;
  private readonly half = halfTableF32();

  constructor(readonly width: number) {
    this.sum = new Float64Array(width);
    this.part = new Float64Array(width);
  }

  /** Adds `b`, whose first row is dataset row `firstRow`. */
  add(b: RawBlock, firstRow: number): void {
    this.bytesRead += b.raw.length;
    if (b.dtype === 'f16' && this.addFinite(b.rows, uint16View(b.raw, b.littleEndian))) return;
    const v = this.floats(b);
    if (b.dtype !== 'f16' && this.addFinite(b.rows, v)) return;
    this.addCareful(b, v, firstRow);
  }

  /** The block as float32: a view for aligned little-endian f32, else decoded into `scratch`. */
  private floats(b: RawBlock): Float32Array {
    const n = b.rows * this.width;
    if (b.dtype !== 'f32' && (this.scratch?.length ?? 0) < n) this.scratch = new Float32Array(n);
    return float32View(b.raw, b.dtype, b.littleEndian, this.scratch);
  }

  /**
   * Adds `rows` rows (float32 values, or float16 bits) if all their values are finite and returns
   * true; otherwise changes nothing and returns false.
   */
  private addFinite(rows: number, x: Float32Array | Uint16Array): boolean {
    const { width: w, part, range } = this;
    part.fill(0);
    range[0] = this.min;
    range[1] = this.max;
    const sq =
      x instanceof Uint16Array
        ? sumRowsF16(x, this.half, rows, w, part, range)
        : sumRowsF32(x, rows, w, part, range);
    if (Number.isNaN(sq)) return false;
    const sum = this.sum;
    for (let d = 0; d < w; d++) sum[d] += part[d];
    this.sumSq += sq;
    this.min = range[0];
    this.max = range[1];
    this.finiteRows += rows;
    return true;
  }

  /**
   * Row by row, for a block known to hold a non-finite value: NaN/Inf are counted from the file's
   * own bits (nothing lost or invented by a conversion), f64 values that overflow float32 from
   * the converted bits, and such rows are left out of the sums.
   */
  private addCareful(b: RawBlock, v: Float32Array, firstRow: number): void {
    const w = this.width;
    const scan = scanNonFinite(b.raw, b.dtype, b.littleEndian, w);
    const bad = new Set(scan.rows);
    this.nanCount += scan.nan;
    this.infCount += scan.inf;
    const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
    for (let r = 0; r < b.rows; r++) {
      const o = r * w;
      let ok = !bad.has(r);
      // Only f64 has finite values that become ±Inf in float32.
      if (ok && b.dtype === 'f64') {
        for (let d = 0; d < w; d++) {
          if ((u[o + d] & 0x7f800000) === 0x7f800000) {
            this.overflowCount++;
            ok = false;
          }
        }
      }
      if (!ok) {
        this.nonFiniteRows++;
        if (this.firstNonFiniteRows.length < MAX_LISTED_ROWS)
          this.firstNonFiniteRows.push(firstRow + r);
        continue;
      }
      if (!this.addFinite(1, v.subarray(o, o + w))) throw new Error('row scan missed a NaN/Inf');
    }
  }
}
