// SAE kernels run on inputs sent from the test; the test computes the float64 reference in Node
// and compares. The runners live in src/selfcheck/saeKernels.ts (the app's self-check uses them
// too); arrays cross the page boundary as plain number arrays.
import {
  runKEstimate,
  runRowTopK,
  runSoftTopK,
  type KEstimateArg,
  type RowTopKArg,
  type SoftTopKArg,
} from '../../src/selfcheck/saeKernels';
import type { HarnessCheck } from './env';

export type { KEstimateArg, RowTopKArg, SoftTopKArg } from '../../src/selfcheck/saeKernels';

export const checks: Record<string, HarnessCheck> = {
  softTopK: ({ ctx }, a: SoftTopKArg) => runSoftTopK(ctx, a),
  rowTopK: ({ ctx }, a: RowTopKArg) => runRowTopK(ctx, a),
  kEstimate: ({ ctx }, a: KEstimateArg) => runKEstimate(ctx, a),
};
