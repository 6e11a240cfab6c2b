/** The app's visible self-check: each kernel once on an awkward shape, small enough for a CPU adapter. */
import type { AxpyCase, GemmCase, ReduceCase } from './kernels';

export type SelfCheckCase =
  | { kernel: 'gemm'; spec: GemmCase }
  | { kernel: 'reduce'; spec: ReduceCase }
  | { kernel: 'axpy'; spec: AxpyCase };

export const SELF_CHECK_CASES: SelfCheckCase[] = [
  { kernel: 'gemm', spec: { layout: 'nt', M: 37, K: 53, N: 129, bias: true, relu: true } },
  { kernel: 'gemm', spec: { layout: 'nn', M: 37, K: 53, N: 129, alpha: 0.5 } },
  { kernel: 'gemm', spec: { layout: 'tn', M: 53, K: 37, N: 129, beta: 1 } },
  { kernel: 'reduce', spec: { axis: 'rows', op: 'sumsq', M: 37, N: 129 } },
  { kernel: 'reduce', spec: { axis: 'cols', op: 'sum', M: 37, N: 129 } },
  { kernel: 'axpy', spec: { n: 4097, alpha: -0.25 } },
];
