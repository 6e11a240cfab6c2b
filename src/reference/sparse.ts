/**
 * Float64 references for the sparse-list kernels (shaders/scan.wgsl, sparse-compact.wgsl,
 * sparse-transpose.wgsl, sparse-gather.wgsl, sparse-dot.wgsl). Lists are plain arrays; the
 * discrete outputs (pointers, columns, rows, entries, status) must match the GPU exactly.
 */

type Numbers = ArrayLike<number>;

export interface CsrRef {
  count: number[];
  rowPtr: number[];
  col: number[];
  valA: number[];
  valB: number[];
  /** [total, stored, overflow 0/1, max active in a row] */
  status: number[];
}

/**
 * Active entries (a ≠ 0, or a ≠ 0 ∨ b ≠ 0 with b) of a [B, F] matrix, row by row in column order,
 * truncated at `capacity` entries in total (later entries are dropped).
 */
export function csrFromDense(
  B: number,
  F: number,
  a: Numbers,
  capacity: number,
  b?: Numbers,
): CsrRef {
  const count: number[] = [];
  const rowPtr = [0];
  const col: number[] = [];
  const valA: number[] = [];
  const valB: number[] = [];
  let total = 0;
  for (let r = 0; r < B; r++) {
    let n = 0;
    for (let j = 0; j < F; j++) {
      const o = r * F + j;
      if (a[o] === 0 && (!b || b[o] === 0)) continue;
      n++;
      total++;
      if (col.length < capacity) {
        col.push(j);
        valA.push(a[o]);
        if (b) valB.push(b[o]);
      }
    }
    count.push(n);
    rowPtr.push(col.length);
  }
  const stored = Math.min(total, capacity);
  const status = [total, stored, total > capacity ? 1 : 0, Math.max(0, ...count)];
  return { count, rowPtr, col, valA, valB, status };
}

export interface CscRef {
  colPtr: number[];
  /** Row of each slot, ascending within a feature. */
  cscRow: number[];
  /** CSR entry index of each slot. */
  cscEntry: number[];
}

/** The transposed lists: for each feature j, the rows (ascending) and CSR entries holding j. */
export function cscFromCsr(B: number, F: number, rowPtr: Numbers, col: Numbers): CscRef {
  const perCol: [number, number][][] = Array.from({ length: F }, () => []);
  for (let r = 0; r < B; r++)
    for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) perCol[col[e]].push([r, e]);
  const colPtr = [0];
  const cscRow: number[] = [];
  const cscEntry: number[] = [];
  for (const list of perCol) {
    for (const [r, e] of list) {
      cscRow.push(r);
      cscEntry.push(e);
    }
    colPtr.push(cscRow.length);
  }
  return { colPtr, cscRow, cscEntry };
}

/**
 * out[s, :] = Σ_{i ∈ [ptr[s], ptr[s+1])} v_i · mat[index[i], :] + bias + beta·outOld,
 * v_i = vals[entry[i]] when `entry` is given, else vals[i].
 */
export function segmentGatherRef(
  S: number,
  D: number,
  ptr: Numbers,
  index: Numbers,
  vals: Numbers,
  mat: Numbers,
  opts: { entry?: Numbers; bias?: Numbers; beta?: number; outOld?: Numbers } = {},
): Float64Array {
  const out = new Float64Array(S * D);
  for (let s = 0; s < S; s++) {
    for (let i = ptr[s]; i < ptr[s + 1]; i++) {
      const v = vals[opts.entry ? opts.entry[i] : i];
      const row = index[i] * D;
      for (let d = 0; d < D; d++) out[s * D + d] += v * mat[row + d];
    }
    for (let d = 0; d < D; d++) {
      if (opts.beta && opts.outOld) out[s * D + d] += opts.beta * opts.outOld[s * D + d];
      if (opts.bias) out[s * D + d] += opts.bias[d];
    }
  }
  return out;
}

/** val[e] = g[b, :] · mat[col[e], :] for each CSR entry; dense [B, F] copy with zeros elsewhere. */
export function csrDotRef(
  B: number,
  F: number,
  D: number,
  rowPtr: Numbers,
  col: Numbers,
  g: Numbers,
  mat: Numbers,
): { val: Float64Array; dense: Float64Array } {
  const val = new Float64Array(rowPtr[B]);
  const dense = new Float64Array(B * F);
  for (let b = 0; b < B; b++) {
    for (let e = rowPtr[b]; e < rowPtr[b + 1]; e++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += g[b * D + d] * mat[col[e] * D + d];
      val[e] = s;
      dense[b * F + col[e]] = s;
    }
  }
  return { val, dense };
}
