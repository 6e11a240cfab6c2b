/** Runs one self-check case (cases.ts) on the GPU against its float64 reference: one row. */
import type { KernelContext } from '../gpu/kernels/context';
import type { SelfCheckCase } from './cases';
import { checkEval } from './evalChecks';
import { checkBestMatch, checkCooccur } from './featureChecks';
import { checkAxpy, checkGemm, checkReduce, gemmCaseName, type CheckResult } from './kernels';
import { checkAdam } from './optimAdam';
import { checkAtoms, checkGradNorm } from './optimKernels';
import { combine, exactly } from './result';
import {
  checkBatchTopK,
  checkJumpRelu,
  checkKEstimate,
  checkRowTopK,
  checkSoftTopK,
} from './saeChecks';
import { checkSparseLists, checkSparseProducts } from './sparseChecks';
import { checkBatchLoss, checkDead, checkElementwise } from './stepChecks';
import { checkAuxK, checkGate } from './stepExtraChecks';

export async function runSelfCheckCase(ctx: KernelContext, c: SelfCheckCase): Promise<CheckResult> {
  switch (c.kernel) {
    case 'gemm':
      return checkGemm(ctx, c.spec);
    case 'reduce':
      return checkReduce(ctx, c.spec);
    case 'axpy':
      return checkAxpy(ctx, c.spec);
    case 'softtopk':
      return checkSoftTopK(ctx, c.spec);
    case 'topk':
      return checkRowTopK(ctx, c.spec);
    case 'kestimate':
      return checkKEstimate(ctx, c.spec);
    case 'jumprelu':
      return checkJumpRelu(ctx, c.spec);
    case 'batchtopk':
      return checkBatchTopK(ctx, c.spec);
    case 'auxk':
      return checkAuxK(ctx, c.spec);
    case 'elementwise':
      return checkElementwise(ctx, c.spec);
    case 'loss':
      return checkBatchLoss(ctx, c.spec);
    case 'dead':
      return checkDead(ctx, c.spec);
    case 'atoms': {
      const r = await checkAtoms(ctx, c.spec);
      return combine(`atoms D=${c.spec.D} F=${c.spec.F}`, [
        ...r.results,
        exactly('floats changed outside the decoder', [r.changedOutside], [0]),
      ]);
    }
    case 'gradnorm': {
      const r = await checkGradNorm(ctx, c.spec);
      return combine(`gradnorm D=${c.spec.D} F=${c.spec.F} scale ${c.spec.scale}`, [
        ...r.results,
        exactly('non-finite flag', [+r.nonFinite], [+r.expectedNonFinite]),
        exactly('step counts', r.steps, r.expectedSteps),
        exactly('skipped', [r.skipped], [r.expectedSkipped]),
      ]);
    }
    case 'adam': {
      const r = await checkAdam(ctx, c.spec);
      return combine(`adam D=${c.spec.D} F=${c.spec.F}`, [
        ...r.results,
        exactly('floats changed without a gradient or in padding', [r.changedOutside], [0]),
      ]);
    }
    case 'eval':
      return checkEval(ctx, c.spec);
    case 'sparseLists':
      return checkSparseLists(ctx, c.spec);
    case 'sparseProducts':
      return checkSparseProducts(ctx, c.spec);
    case 'cooccur':
      return checkCooccur(ctx, c.spec);
    case 'gate':
      return checkGate(ctx, c.spec);
    case 'bestmatch':
      return checkBestMatch(ctx, c.spec);
  }
}

/** The row name of a case whose check threw before it could name itself. */
export function selfCheckCaseName(c: SelfCheckCase): string {
  return c.kernel === 'gemm' ? gemmCaseName(c.spec) : c.kernel;
}
