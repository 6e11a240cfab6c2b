// The float64 sparse-list references: hand-checked lists, and sparse products equal to the dense
// GEMM reference on random sparse matrices.
import { describe, expect, it } from 'vitest';
import { gemmRef } from '../../src/reference/gemm';
import { createRng } from '../../src/model/rng';
import { csrDotRef, csrFromDense, cscFromCsr, segmentGatherRef } from '../../src/reference/sparse';

// 3×4: row 0 = [0, 2, 0, 3], row 1 = all zero, row 2 = [5, 0, 0, 7]
const A = [0, 2, 0, 3, 0, 0, 0, 0, 5, 0, 0, 7];

describe('csrFromDense / cscFromCsr', () => {
  it('lists the nonzero entries by row and by column', () => {
    const csr = csrFromDense(3, 4, A, 12);
    expect(csr.rowPtr).toEqual([0, 2, 2, 4]);
    expect(csr.col).toEqual([1, 3, 0, 3]);
    expect(csr.valA).toEqual([2, 3, 5, 7]);
    expect(csr.status).toEqual([4, 4, 0, 2]);
    const csc = cscFromCsr(3, 4, csr.rowPtr, csr.col);
    expect(csc.colPtr).toEqual([0, 1, 2, 2, 4]);
    expect(csc.cscRow).toEqual([2, 0, 0, 2]);
    expect(csc.cscEntry).toEqual([2, 0, 1, 3]);
  });

  it('truncates at the capacity and reports the overflow', () => {
    const csr = csrFromDense(3, 4, A, 3);
    expect(csr.rowPtr).toEqual([0, 2, 2, 3]);
    expect(csr.col).toEqual([1, 3, 0]);
    expect(csr.count).toEqual([2, 0, 2]);
    expect(csr.status).toEqual([4, 3, 1, 2]);
  });

  it('takes the union of two supports, gathering both values', () => {
    const b = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0];
    const csr = csrFromDense(3, 4, A, 12, b);
    expect(csr.col).toEqual([0, 1, 3, 0, 2, 3]);
    expect(csr.valA).toEqual([0, 2, 3, 5, 0, 7]);
    expect(csr.valB).toEqual([1, 0, 0, 0, 4, 0]);
  });
});

describe('sparse products equal the dense GEMM reference', () => {
  const B = 7;
  const F = 23;
  const D = 5;
  const rng = createRng(3);
  const f = Array.from({ length: B * F }, () => (rng.uniform() < 0.2 ? rng.normal() : 0));
  const g = Array.from({ length: B * D }, () => rng.normal());
  const w = Array.from({ length: F * D }, () => rng.normal()); // W_decᵀ [F, D]
  const bias = Array.from({ length: D }, () => rng.normal());
  const csr = csrFromDense(B, F, f, B * F);
  const csc = cscFromCsr(B, F, csr.rowPtr, csr.col);
  const close = (x: ArrayLike<number>, y: ArrayLike<number>) =>
    Array.from(x).forEach((v, i) => expect(v).toBeCloseTo(y[i], 12));

  it('x̂ = f·W_decᵀ + b (GEMM nn)', () => {
    const sparse = segmentGatherRef(B, D, csr.rowPtr, csr.col, csr.valA, w, { bias });
    close(sparse, gemmRef('nn', B, D, F, f, w, { bias }));
  });
  it('∂W_decᵀ = fᵀ·g (GEMM tn), zero rows for inactive features', () => {
    const sparse = segmentGatherRef(F, D, csc.colPtr, csc.cscRow, csr.valA, g, {
      entry: csc.cscEntry,
    });
    close(sparse, gemmRef('tn', F, D, B, f, g));
  });
  it('∂f = g·W_dec (GEMM nt) at the active entries', () => {
    const dense = gemmRef('nt', B, F, D, g, w);
    const { dense: sparse } = csrDotRef(B, F, D, csr.rowPtr, csr.col, g, w);
    close(
      sparse,
      dense.map((v, i) => (f[i] !== 0 ? v : 0)),
    );
  });
});
