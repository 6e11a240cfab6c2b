/**
 * A dataset's codes f [rows, F] kept sparse (CSR) in the engine worker after the evaluation pass,
 * and the inspection queries answered from them and from the decoder. Pure: no GPU, no DOM.
 */

/** Compressed sparse rows: row r's entries are `col/val[rowPtr[r] … rowPtr[r + 1])`. */
export interface Csr {
  rows: number;
  rowPtr: Uint32Array;
  col: Uint32Array;
  val: Float32Array;
  /**
   * Rows whose entries are kept (all rows unless the codes outgrew {@link MAX_KEPT_CODES}):
   * rows from here on are stored empty and their queries are refused, not answered with zeros.
   */
  keptRows?: number;
}

/**
 * Most code entries kept after an evaluation (8 bytes each: 256 MiB). Per-row results are always
 * kept for every row (12 bytes a row); the codes of a 10-million-row file at L0 32 would need
 * 2.4 GiB, so beyond this budget only the first rows' codes stay.
 */
export const MAX_KEPT_CODES = 32 * 2 ** 20;

/** Appends per-batch CSR lists (row pointers relative to the batch) into one dataset CSR. */
export class CsrBuilder {
  private readonly rowPtr: Uint32Array;
  private col: Uint32Array;
  private val: Float32Array;
  private row = 0;
  /** Rows appended before the entry budget ran out (then every later row is stored empty). */
  private keptRows = -1;

  constructor(
    private readonly rows: number,
    capacity: number,
    private readonly maxEntries = Infinity,
  ) {
    this.rowPtr = new Uint32Array(rows + 1);
    this.col = new Uint32Array(Math.max(1, capacity));
    this.val = new Float32Array(Math.max(1, capacity));
  }

  /**
   * @param ptr [n + 1] the batch's row pointers (ptr[0] = 0)
   * @param col, val the batch's entries (at least ptr[n] of them)
   */
  appendRows(ptr: ArrayLike<number>, col: Uint32Array, val: Float32Array, n: number): void {
    if (this.row + n > this.rows) throw new Error('CsrBuilder: more rows than declared');
    const base = this.rowPtr[this.row];
    const count = ptr[n] - ptr[0];
    if (this.keptRows < 0 && base + count > this.maxEntries) this.keptRows = this.row;
    if (this.keptRows >= 0) {
      this.rowPtr.fill(base, this.row + 1, this.row + n + 1);
      this.row += n;
      return;
    }
    if (base + count > this.col.length) {
      const size = Math.max(base + count, 2 * this.col.length);
      const c = new Uint32Array(size);
      c.set(this.col.subarray(0, base));
      const v = new Float32Array(size);
      v.set(this.val.subarray(0, base));
      this.col = c;
      this.val = v;
    }
    this.col.set(col.subarray(ptr[0], ptr[n]), base);
    this.val.set(val.subarray(ptr[0], ptr[n]), base);
    for (let i = 1; i <= n; i++) this.rowPtr[this.row + i] = base + ptr[i] - ptr[0];
    this.row += n;
  }

  finish(): Csr {
    if (this.row !== this.rows) throw new Error(`CsrBuilder: ${this.row} of ${this.rows} rows`);
    const nnz = this.rowPtr[this.rows];
    return {
      rows: this.rows,
      rowPtr: this.rowPtr,
      col: this.col.slice(0, nnz),
      val: this.val.slice(0, nnz),
      ...(this.keptRows >= 0 ? { keptRows: this.keptRows } : {}),
    };
  }
}

/** Refuses a query on a row whose codes were not kept (the evaluation outgrew its budget). */
function refuseUnkept(codes: Csr, row: number): void {
  if (codes.keptRows !== undefined && row >= codes.keptRows)
    throw new Error(
      `the codes of row ${row} were not kept: this dataset's codes outgrew the ` +
        `${(MAX_KEPT_CODES * 8) / 2 ** 20} MiB kept after an evaluation, which holds rows ` +
        `0…${codes.keptRows - 1}; its k̂, L0 and error are kept for every row`,
    );
}

/** One row's nonzero features, largest value first (ties: lower feature index first). */
export function rowFeatures(
  codes: Csr,
  row: number,
): { features: Uint32Array; values: Float32Array } {
  if (!(Number.isInteger(row) && row >= 0 && row < codes.rows))
    throw new Error(`row ${row} is outside 0…${codes.rows - 1}`);
  refuseUnkept(codes, row);
  const start = codes.rowPtr[row];
  const end = codes.rowPtr[row + 1];
  const order: number[] = [];
  for (let e = start; e < end; e++) if (codes.val[e] !== 0) order.push(e);
  order.sort((a, b) => codes.val[b] - codes.val[a] || codes.col[a] - codes.col[b]);
  return {
    features: Uint32Array.from(order, (e) => codes.col[e]),
    values: Float32Array.from(order, (e) => codes.val[e]),
  };
}

/**
 * Feature j's activation on every row [rows] (0 where it is not active, and on rows whose codes
 * were not kept — `Csr.keptRows`). O(nnz).
 */
export function featureColumn(codes: Csr, feature: number): Float32Array {
  const out = new Float32Array(codes.rows);
  for (let r = 0; r < codes.rows; r++)
    for (let e = codes.rowPtr[r]; e < codes.rowPtr[r + 1]; e++)
      if (codes.col[e] === feature) out[r] = codes.val[e];
  return out;
}

/**
 * The n features whose dictionary atoms (decoder columns) are most similar to feature j's:
 * cos(d_i, d_j) = d_i·d_j / (‖d_i‖‖d_j‖) in float64, most similar first (ties: lower index),
 * j itself excluded; a zero atom has cosine 0 with everything.
 * @param decoder reference layout `decoder.weight` [D, F] (atom j = column j, strided by F)
 */
export function decoderNeighbors(
  decoder: ArrayLike<number>,
  D: number,
  F: number,
  feature: number,
  n: number,
): { neighbors: Uint32Array; cosines: Float32Array } {
  if (!(Number.isInteger(feature) && feature >= 0 && feature < F))
    throw new Error(`feature ${feature} is outside 0…${F - 1}`);
  const dot = new Float64Array(F);
  const norm2 = new Float64Array(F);
  for (let d = 0; d < D; d++) {
    const a = decoder[d * F + feature];
    for (let i = 0; i < F; i++) {
      const v = decoder[d * F + i];
      dot[i] += v * a;
      norm2[i] += v * v;
    }
  }
  const cos = (i: number) => {
    const den = Math.sqrt(norm2[i] * norm2[feature]);
    return den > 0 ? dot[i] / den : 0;
  };
  const others = Array.from({ length: F }, (_, i) => i).filter((i) => i !== feature);
  const c = Float64Array.from({ length: F }, (_, i) => cos(i));
  others.sort((a, b) => c[b] - c[a] || a - b);
  const top = others.slice(0, Math.max(0, Math.min(n, others.length)));
  return {
    neighbors: Uint32Array.from(top),
    cosines: Float32Array.from(top, (i) => c[i]),
  };
}

/** Per-feature sums over a set of rows: only features active on at least one of them. */
export interface SelectionSums {
  /** Distinct rows in the selection. */
  rows: number;
  /** Ascending feature indices. */
  features: Uint32Array;
  /** Selected rows where the feature is nonzero. */
  counts: Uint32Array;
  /** Σ f_j over the selected rows (float64). */
  sums: Float64Array;
}

/**
 * Sums the codes of the selected rows (duplicates counted once). O(Σ L0 over the selection + F)
 * time; refuses rows out of range or whose codes were not kept.
 */
export function selectionSums(codes: Csr, F: number, rows: ArrayLike<number>): SelectionSums {
  const seen = new Set<number>();
  const count = new Uint32Array(F);
  const sum = new Float64Array(F);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (!(Number.isInteger(r) && r >= 0 && r < codes.rows))
      throw new Error(`row ${r} is outside 0…${codes.rows - 1}`);
    refuseUnkept(codes, r);
    if (seen.has(r)) continue;
    seen.add(r);
    for (let e = codes.rowPtr[r]; e < codes.rowPtr[r + 1]; e++) {
      const v = codes.val[e];
      if (v === 0) continue;
      count[codes.col[e]]++;
      sum[codes.col[e]] += v;
    }
  }
  const features: number[] = [];
  for (let j = 0; j < F; j++) if (count[j] > 0) features.push(j);
  return {
    rows: seen.size,
    features: Uint32Array.from(features),
    counts: Uint32Array.from(features, (j) => count[j]),
    sums: Float64Array.from(features, (j) => sum[j]),
  };
}
