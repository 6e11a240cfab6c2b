// The small kernels of the SAE step (elementwise maps, batch loss scalars, dead-feature counters)
// run on inputs sent from the test. The runners live in src/selfcheck/smallKernels.ts (the app's
// self-check uses them too).
import {
  runBatchLoss,
  runDead,
  runElementwise,
  type BatchLossArg,
  type DeadArg,
  type ElementwiseArg,
} from '../../src/selfcheck/smallKernels';
import type { HarnessCheck } from './env';

export type { BatchLossArg, DeadArg, ElementwiseArg } from '../../src/selfcheck/smallKernels';

export const checks: Record<string, HarnessCheck> = {
  elementwise: ({ ctx }, a: ElementwiseArg) => runElementwise(ctx, a),
  batchLoss: ({ ctx }, a: BatchLossArg) => runBatchLoss(ctx, a),
  dead: ({ ctx }, a: DeadArg) => runDead(ctx, a),
};
