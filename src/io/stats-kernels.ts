/**
 * The inner loops of the statistics pass, which touch every value of a dataset.
 *
 * Each adds `rows` rows of width `w` to `part` (per-feature sums, float64) and returns Σx² over
 * them, updating `range = [min, max]`; it returns NaN, with `part` and `range` partly updated,
 * as soon as a group of rows holds a NaN or ±Inf. That check costs nothing per element: Σx² of
 * float32 values, in float64, is finite exactly when every x is (x² ≤ 1.2e77 cannot overflow).
 *
 * Why they look like this (each measured in Chromium's V8 on 2304-wide rows):
 * - four rows per sweep, so `part[d]` is loaded and stored once per four values (~1.5×);
 * - min/max behind one test that is almost always false, instead of eight data-dependent
 *   branches or ternaries (~1.5×: the branch predictor sees one predictable branch);
 * - one copy per element type rather than one loop over an accessor: a call or a polymorphic
 *   array in the inner loop costs ~2×, so float16 is decoded inline through a 65536-entry table
 *   (~2× faster than decoding into a buffer first, because the float32 values are never stored).
 */

/** Rows of float32 values `v`. */
export function sumRowsF32(
  v: Float32Array,
  rows: number,
  w: number,
  part: Float64Array,
  range: Float64Array,
): number {
  let min = range[0];
  let max = range[1];
  let sq = 0;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * w;
    const o1 = o0 + w;
    const o2 = o1 + w;
    const o3 = o2 + w;
    let q0 = 0;
    let q1 = 0;
    let q2 = 0;
    let q3 = 0;
    for (let d = 0; d < w; d++) {
      const a = v[o0 + d];
      const b = v[o1 + d];
      const c = v[o2 + d];
      const e = v[o3 + d];
      q0 += a * a;
      q1 += b * b;
      q2 += c * c;
      q3 += e * e;
      part[d] += a + b + (c + e);
      // NaN fails every comparison; ±Inf is caught by the Σx² check below.
      if (a < min || b < min || c < min || e < min || a > max || b > max || c > max || e > max) {
        if (a < min) min = a;
        if (a > max) max = a;
        if (b < min) min = b;
        if (b > max) max = b;
        if (c < min) min = c;
        if (c > max) max = c;
        if (e < min) min = e;
        if (e > max) max = e;
      }
    }
    const q = q0 + q1 + q2 + q3;
    if (!(q < Infinity)) return NaN;
    sq += q;
  }
  for (; r < rows; r++) {
    const o = r * w;
    let q = 0;
    for (let d = 0; d < w; d++) {
      const a = v[o + d];
      q += a * a;
      part[d] += a;
      if (a < min) min = a;
      if (a > max) max = a;
    }
    if (!(q < Infinity)) return NaN;
    sq += q;
  }
  range[0] = min;
  range[1] = max;
  return sq;
}

/** Rows of float16 bit patterns `h`, decoded through `table` (see `halfTableF32`). */
export function sumRowsF16(
  h: Uint16Array,
  table: Float32Array,
  rows: number,
  w: number,
  part: Float64Array,
  range: Float64Array,
): number {
  let min = range[0];
  let max = range[1];
  let sq = 0;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * w;
    const o1 = o0 + w;
    const o2 = o1 + w;
    const o3 = o2 + w;
    let q0 = 0;
    let q1 = 0;
    let q2 = 0;
    let q3 = 0;
    for (let d = 0; d < w; d++) {
      const a = table[h[o0 + d]];
      const b = table[h[o1 + d]];
      const c = table[h[o2 + d]];
      const e = table[h[o3 + d]];
      q0 += a * a;
      q1 += b * b;
      q2 += c * c;
      q3 += e * e;
      part[d] += a + b + (c + e);
      if (a < min || b < min || c < min || e < min || a > max || b > max || c > max || e > max) {
        if (a < min) min = a;
        if (a > max) max = a;
        if (b < min) min = b;
        if (b > max) max = b;
        if (c < min) min = c;
        if (c > max) max = c;
        if (e < min) min = e;
        if (e > max) max = e;
      }
    }
    const q = q0 + q1 + q2 + q3;
    if (!(q < Infinity)) return NaN;
    sq += q;
  }
  for (; r < rows; r++) {
    const o = r * w;
    let q = 0;
    for (let d = 0; d < w; d++) {
      const a = table[h[o + d]];
      q += a * a;
      part[d] += a;
      if (a < min) min = a;
      if (a > max) max = a;
    }
    if (!(q < Infinity)) return NaN;
    sq += q;
  }
  range[0] = min;
  range[1] = max;
  return sq;
}
