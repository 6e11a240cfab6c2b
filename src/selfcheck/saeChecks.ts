/**
 * The app's self-check cases for the SAE selection kernels (soft top-k with both threshold
 * searches, hard top-k, the k-estimator head, JumpReLU, BatchTopK): one small awkward shape each,
 * run on the GPU (saeKernels.ts) and compared with the float64 side (saeReference.ts).
 */
import type { KernelContext } from '../gpu/kernels/context';
import { createRng } from '../model/rng';
import { jumpRelu } from '../reference/sae/jumprelu';
import { batchTopKMask, thresholdMask } from '../reference/sae/select';
import type { CheckResult } from './kernels';
import { combine, compared, exactly, normals, reluNormal } from './result';
import {
  runBatchTopK,
  runJumpRelu,
  runKEstimate,
  runRowTopK,
  runSoftTopK,
  type BatchTopKArg,
  type KEstimateArg,
  type RowTopKArg,
  type SoftTopKArg,
} from './saeKernels';
import {
  gpuThreshold,
  jumpReluInputs,
  kEstimateReference,
  KESTIMATE_TOL,
  rowTopKReference,
  softTopKReference,
  thetaReference,
} from './saeReference';

export interface SoftTopKCase {
  B: number;
  F: number;
  alpha: number;
  kHat: number[];
  seed: number;
  /** Round h to multiples of this (ties). */
  grid?: number;
  search: 'select' | 'newton';
}

export async function checkSoftTopK(ctx: KernelContext, c: SoftTopKCase): Promise<CheckResult> {
  let h = reluNormal(c.B * c.F, c.seed);
  if (c.grid) h = h.map((v) => Math.round(v / c.grid!) * c.grid!);
  const arg: SoftTopKArg = {
    ...c,
    h,
    kHat: c.kHat.map(Math.fround),
    df: normals(c.B * c.F, c.seed + 1),
  };
  const out = await runSoftTopK(ctx, arg);
  const ref = softTopKReference(arg);
  const gpuT = gpuThreshold(out);
  // −∞ (k̂ = F: every p = 1) must be −∞ on both sides; otherwise within 4 float32 ulps of t.
  const both = (t: number[], r: number) =>
    t.map((v, b) => (v === -Infinity && ref.t[b] === -Infinity ? r : v));
  const name = `softtopk ${c.search} ${c.B}×${c.F} α=${c.alpha}`;
  return combine(name, [
    compared('t', both(gpuT, 0), both(ref.t, 0), { atol: 4 * ref.epsT, rtol: 0 }),
    compared('f', out.f, ref.f, ref.tol.f),
    compared('∂pre', out.dpre, ref.dpre, ref.tol.dpre),
    compared('∂k̂', out.dkHat, ref.dkHat, ref.tol.dkHat),
  ]);
}

export async function checkRowTopK(ctx: KernelContext, a: RowTopKArg): Promise<CheckResult> {
  const out = await runRowTopK(ctx, a);
  const ref = rowTopKReference(a);
  return combine(`topk ${a.B}×${a.F}`, [
    exactly('L0', out.l0, ref.l0),
    exactly('f', out.f, ref.f.map(Math.fround)),
  ]);
}

export async function checkKEstimate(
  ctx: KernelContext,
  c: { B: number; F: number; kMax: number; seed: number },
): Promise<CheckResult> {
  const rng = createRng(c.seed);
  const z = reluNormal(c.B * c.F, c.seed + 1, 0.5);
  const w2 = normals(c.F, c.seed + 2, 0.05);
  // Row 0 pushed into the lower clamp (k̂ = 1, no gradient) by a large negative logit.
  for (let j = 0; j < c.F; j++) z[j] = j < 10 ? 50 : 0;
  for (let j = 0; j < 10; j++) w2[j] = -1;
  const dkHat = Array.from({ length: c.B }, () => Math.fround(rng.normal()));
  const arg: KEstimateArg = { ...c, z, w2, b2: Math.fround(-0.3), dkHat, kLossGrad: 0.125 };
  const out = await runKEstimate(ctx, arg);
  const ref = kEstimateReference(arg);
  return combine(`kestimate ${c.B}×${c.F} k_max=${c.kMax}`, [
    compared('σ', out.kSig, ref.sig, KESTIMATE_TOL.sig),
    compared('k̂', out.kHat, ref.kHat, KESTIMATE_TOL.kHat),
    compared('∂s', out.ds, ref.ds, KESTIMATE_TOL.ds),
    compared('∂z', out.dz, ref.dz, KESTIMATE_TOL.dz),
  ]);
}

export async function checkJumpRelu(
  ctx: KernelContext,
  c: { B: number; F: number; kind: string },
): Promise<CheckResult> {
  const { arg, pre } = jumpReluInputs(c.B, c.F, c.kind);
  const out = await runJumpRelu(ctx, arg);
  const ref = jumpRelu(pre, arg.theta, c.B, c.F);
  return combine(`jumprelu ${c.kind} ${c.B}×${c.F}`, [
    exactly('f', out.f, ref.f),
    exactly('L0', out.l0, ref.l0),
  ]);
}

/** The batch selection (exact kept set, K, θ update) and threshold inference with the new θ. */
export async function checkBatchTopK(ctx: KernelContext, a: BatchTopKArg): Promise<CheckResult> {
  const out = await runBatchTopK(ctx, a);
  const h = Float64Array.from(a.h);
  const mask = batchTopKMask(h, a.k);
  const fRef = h.map((v, i) => (mask[i] ? v : 0));
  const positives = a.h.filter((v) => v > 0).length;
  const want = a.updateTheta ? thetaReference(a.theta, fRef) : a.theta;
  const tm = thresholdMask(h, out.theta);
  const fThr = h.map((v, i) => (tm[i] ? v : 0));
  const l0 = Array.from(
    { length: a.B },
    (_, b) => fThr.subarray(b * a.F, (b + 1) * a.F).filter((v) => v !== 0).length,
  );
  return combine(`batchtopk ${a.B}×${a.F} k·B=${a.k}`, [
    exactly('f', out.f, fRef),
    exactly('K', [out.state[3]], [Math.min(a.k, positives)]),
    compared('θ', [out.theta], [want], { atol: 1e-30, rtol: 1e-6 }),
    exactly('threshold f', out.fThreshold, fThr),
    exactly('threshold L0', out.l0, l0),
  ]);
}
