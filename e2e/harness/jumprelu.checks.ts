// The JumpReLU / ReLU inference kernel (shaders/jumprelu.wgsl) on inputs sent from the test,
// which computes the float64 reference (src/reference/sae/jumprelu.ts) in Node. The runner lives
// in src/selfcheck/saeKernels.ts (the app's self-check uses it too).
import { runJumpRelu, type JumpReluArg } from '../../src/selfcheck/saeKernels';
import type { HarnessCheck } from './env';

export type { JumpReluArg } from '../../src/selfcheck/saeKernels';

export const checks: Record<string, HarnessCheck> = {
  jumpRelu: ({ ctx }, a: JumpReluArg) => runJumpRelu(ctx, a),
};
