// The float64 kernel references against hand-computed values.
import { describe, expect, it } from 'vitest';
import { compareArrays } from '../../src/reference/compare';
import { gemmRef } from '../../src/reference/gemm';
import { axpyRef, reduceRef } from '../../src/reference/reduce';

// A = [[1, 2, 3], [4, 5, 6]] (2×3), B = [[1, 0], [0, 1], [1, -1]] (3×2)
// A·B = [[1+3, 2-3], [4+6, 5-6]] = [[4, -1], [10, -1]]
const A = [1, 2, 3, 4, 5, 6];
const B = [1, 0, 0, 1, 1, -1];
const AT = [1, 4, 2, 5, 3, 6]; // A stored transposed (3×2)
const BT = [1, 0, 1, 0, 1, -1]; // B stored transposed (2×3)

describe('gemmRef', () => {
  it('computes the product in all three layouts', () => {
    expect([...gemmRef('nn', 2, 2, 3, A, B)]).toEqual([4, -1, 10, -1]);
    expect([...gemmRef('nt', 2, 2, 3, A, BT)]).toEqual([4, -1, 10, -1]);
    expect([...gemmRef('tn', 2, 2, 3, AT, B)]).toEqual([4, -1, 10, -1]);
  });
  it('applies alpha, beta·C, bias and ReLU in that order', () => {
    const out = gemmRef('nn', 2, 2, 3, A, B, {
      alpha: 2,
      beta: 1,
      c: [1, 1, 1, 1],
      bias: [0, -2],
      relu: true,
    });
    // 2·[[4,-1],[10,-1]] + 1 + [0,-2] = [[9, -3], [21, -3]] → ReLU
    expect([...out]).toEqual([9, 0, 21, 0]);
  });
});

describe('reduceRef and axpyRef', () => {
  it('sums rows and columns, plain and squared', () => {
    expect([...reduceRef('rows', 'sum', 2, 3, A)]).toEqual([6, 15]);
    expect([...reduceRef('cols', 'sum', 2, 3, A)]).toEqual([5, 7, 9]);
    expect([...reduceRef('rows', 'sumsq', 2, 3, A)]).toEqual([14, 77]);
    expect([...reduceRef('cols', 'sumsq', 2, 3, A)]).toEqual([17, 29, 45]);
  });
  it('axpy', () => {
    expect([...axpyRef(-2, [1, 2], [10, 10])]).toEqual([8, 6]);
  });
});

describe('compareArrays', () => {
  it('applies atol + rtol·|ref| and reports the first mismatches', () => {
    const c = compareArrays([1, 2.1, 100.5, NaN], [1, 2, 100, 1], { atol: 0.01, rtol: 0.01 });
    // |2.1−2| = 0.1 > 0.03 fails; |100.5−100| = 0.5 ≤ 1.01 passes; NaN fails.
    expect(c.failures).toBe(2);
    expect(c.firstMismatches.map((m) => m.index)).toEqual([1, 3]);
    expect(c.ok).toBe(false);
    expect(compareArrays([1], [1], { atol: 0, rtol: 0 }).ok).toBe(true);
    expect(() => compareArrays([1], [1, 2], { atol: 0, rtol: 0 })).toThrow(/length/);
  });
});
