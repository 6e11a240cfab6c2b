/**
 * Operation names of the small GPU kernels (src/gpu/kernels/) that their float64 references
 * (src/reference/) take too, kept here so neither side imports the other.
 */

/** shaders/elementwise.wgsl: see src/gpu/kernels/elementwise.ts. */
export type ElementwiseOp = 'subRow' | 'subScaled' | 'maskNonzero' | 'maskNonzeroAdd';

/** shaders/gemm.wgsl: which of A and B are read transposed (`n` as stored, `t` transposed). */
export type GemmLayout = 'nn' | 'nt' | 'tn';

/** shaders/reduce.wgsl: reduce over rows or over columns. */
export type ReduceAxis = 'rows' | 'cols';

/** shaders/reduce.wgsl: Σx or Σx². */
export type ReduceOp = 'sum' | 'sumsq';
