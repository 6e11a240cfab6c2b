// Cross-SAE feature matching on the GPU (src/sae/decoderMatch.ts) on decoders sent from the
// test; the test computes the float64 reference in Node (src/reference/match.ts). The runner
// lives in src/selfcheck/featureKernels.ts (the app's self-check uses it too).
import { runDecoderMatch, type MatchArg } from '../../src/selfcheck/featureKernels';
import type { HarnessCheck } from './env';

export type { MatchArg, MatchSide } from '../../src/selfcheck/featureKernels';

export const checks: Record<string, HarnessCheck> = {
  decoderMatch: ({ ctx }, a: MatchArg) => runDecoderMatch(ctx, a),
};
