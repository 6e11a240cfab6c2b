// Sparse-list kernels and sparse products on inputs sent from the test (e2e/sparse.spec.ts), which
// computes the float64 references in Node. The runners live in src/selfcheck/sparseKernels.ts
// (the app's self-check uses them too).
import {
  runSparseLists,
  runSparseProducts,
  type SparseListsArg,
  type SparseProductsArg,
} from '../../src/selfcheck/sparseKernels';
import type { HarnessCheck } from './env';

export type {
  SparseListsArg,
  SparseListsOut,
  SparseProductsArg,
  SparseProductsOut,
} from '../../src/selfcheck/sparseKernels';

export const checks: Record<string, HarnessCheck> = {
  sparseLists: ({ ctx }, a: SparseListsArg) => runSparseLists(ctx, a),
  sparseProducts: ({ ctx, errors }, a: SparseProductsArg) => runSparseProducts(ctx, a, errors),
};
