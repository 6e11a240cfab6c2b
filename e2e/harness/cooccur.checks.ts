// Co-occurrence counts on the GPU (src/sae/cooccurrence.ts) for CSR codes sent from the test
// (e2e/cooccur.spec.ts), which computes the float64 reference in Node. The runner lives in
// src/selfcheck/featureKernels.ts (the app's self-check uses it too).
import { runCooccur, type CooccurArg } from '../../src/selfcheck/featureKernels';
import type { HarnessCheck } from './env';

export type { CooccurArg, CooccurOut } from '../../src/selfcheck/featureKernels';

export const checks: Record<string, HarnessCheck> = {
  cooccur: ({ ctx }, a: CooccurArg) => runCooccur(ctx, a),
};
