/** Float64 references for shaders/reduce.wgsl and shaders/axpy.wgsl. */
import type { ReduceAxis, ReduceOp } from '../model/kernelOps';

/** Σ over columns (axis `rows`, length M) or over rows (axis `cols`, length N) of φ(X). */
export function reduceRef(
  axis: ReduceAxis,
  op: ReduceOp,
  M: number,
  N: number,
  x: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(axis === 'rows' ? M : N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const v = x[m * N + n];
      out[axis === 'rows' ? m : n] += op === 'sumsq' ? v * v : v;
    }
  }
  return out;
}

/** y ← alpha·x + y, returned as a new array. */
export function axpyRef(alpha: number, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = alpha * x[i] + y[i];
  return out;
}
