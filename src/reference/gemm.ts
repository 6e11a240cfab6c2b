/** Float64 reference for shaders/gemm.wgsl (same layouts and epilogue). */
import type { GemmLayout } from '../model/kernelOps';

type Numbers = ArrayLike<number>;

export interface GemmRefOptions {
  alpha?: number;
  beta?: number;
  /** C before the call (read only when beta ≠ 0). */
  c?: Numbers;
  bias?: Numbers;
  relu?: boolean;
}

/**
 * C[M,N] = relu?(alpha · op(A)·op(B) + beta·C + bias), with op per layout:
 * `nn` A[M,K]·B[K,N], `nt` A[M,K]·B[N,K]ᵀ, `tn` A[K,M]ᵀ·B[K,N].
 */
export function gemmRef(
  layout: GemmLayout,
  M: number,
  N: number,
  K: number,
  a: Numbers,
  b: Numbers,
  opts: GemmRefOptions = {},
): Float64Array {
  const { alpha = 1, beta = 0, c, bias, relu = false } = opts;
  const out = new Float64Array(M * N);
  const aAt =
    layout === 'tn'
      ? (m: number, k: number) => a[k * M + m]
      : (m: number, k: number) => a[m * K + k];
  const bAt =
    layout === 'nt'
      ? (k: number, n: number) => b[n * K + k]
      : (k: number, n: number) => b[k * N + n];
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += aAt(m, k) * bAt(k, n);
      let v = alpha * s;
      if (beta !== 0 && c) v += beta * c[m * N + n];
      if (bias) v += bias[n];
      if (relu) v = Math.max(v, 0);
      out[m * N + n] = v;
    }
  }
  return out;
}
