// Optimizer kernels (projection, norm/clip, Adam, renormalisation) and the whole optimizer step.
import { checkAdam, type AdamCase } from '../../src/selfcheck/optimAdam';
import {
  checkAtoms,
  checkGradNorm,
  type AtomCase,
  type GradNormCase,
} from '../../src/selfcheck/optimKernels';
import { checkOptimStep, type OptimStepCase } from '../../src/selfcheck/optimStep';
import type { HarnessCheck } from './env';

export const checks: Record<string, HarnessCheck> = {
  atoms: ({ ctx }, c: AtomCase) => checkAtoms(ctx, c),
  gradNorm: ({ ctx }, c: GradNormCase) => checkGradNorm(ctx, c),
  adam: ({ ctx }, c: AdamCase) => checkAdam(ctx, c),
  optimStep: ({ ctx }, c: OptimStepCase) => checkOptimStep(ctx, c),
};
