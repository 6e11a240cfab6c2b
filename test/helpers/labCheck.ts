/**
 * Independent checks of a lab dataset against its own ground truth, shared by the generator
 * tests: recompute x from the CSR support in float64 and compare.
 */
import { expect } from 'vitest';
import type { LabData } from '../../src/data/synthetic.ts';

/** Σ coeff·atom per row, in float64, straight from the CSR support and the dictionary [rows, D]. */
export function sumFromSupport(data: LabData): Float64Array {
  const { D, rows, dictionary, support } = data;
  const ref = new Float64Array(rows * D);
  for (let r = 0; r < rows; r++) {
    for (let e = support.offsets[r]; e < support.offsets[r + 1]; e++) {
      const g = support.indices[e];
      for (let d = 0; d < D; d++) ref[r * D + d] += support.coeffs[e] * dictionary[g * D + d];
    }
  }
  return ref;
}

/**
 * Noise-free x must be the float32 rounding of the exact sum: within one float32 ulp of it
 * (2^−23 relative; a summation order different from the generator's may flip the last bit).
 */
export function expectExactSums(data: LabData): void {
  const ref = sumFromSupport(data);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < ref.length; i++) {
    const excess = Math.abs(data.x[i] - ref[i]) - (2 ** -23 * Math.abs(ref[i]) + 1e-30);
    if (excess > worst) {
      worst = excess;
      worstAt = i;
    }
  }
  expect(worstAt, `x[${worstAt}] = ${data.x[worstAt]} vs Σ = ${ref[worstAt]}`).toBe(-1);
}

/** Checks CSR structure: offsets, counts, sorted distinct indices < G, positive coefficients. */
export function expectConsistentSupport(data: LabData): void {
  const { offsets, indices, coeffs } = data.support;
  expect(offsets.length).toBe(data.rows + 1);
  expect(offsets[0]).toBe(0);
  expect(offsets[data.rows]).toBe(indices.length);
  expect(coeffs.length).toBe(indices.length);
  for (let r = 0; r < data.rows; r++) {
    const n = offsets[r + 1] - offsets[r];
    if (n !== data.activeCount[r]) expect(n, `row ${r} count`).toBe(data.activeCount[r]);
    for (let e = offsets[r]; e < offsets[r + 1]; e++) {
      if (e > offsets[r] && !(indices[e] > indices[e - 1])) {
        expect.fail(`row ${r}: indices not strictly ascending at entry ${e}`);
      }
      if (!(indices[e] < data.G)) expect.fail(`row ${r}: index ${indices[e]} ≥ G`);
      if (!(coeffs[e] > 0)) expect.fail(`row ${r}: coefficient ${coeffs[e]} not > 0`);
    }
  }
}

/** True when every pair of same-length typed arrays holds identical bytes. */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
