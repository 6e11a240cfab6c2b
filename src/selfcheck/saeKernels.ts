/**
 * The SAE selection kernels run on given inputs (soft top-k, hard top-k, the k-estimator head,
 * JumpReLU, BatchTopK), returning their outputs as plain arrays. Shared by the Playwright harness
 * (the specs compute the float64 references in Node) and the app's self-check (saeChecks.ts).
 */
import { BatchTopK } from '../gpu/kernels/batchtopk';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { JumpRelu } from '../gpu/kernels/jumprelu';
import { KEstimate } from '../gpu/kernels/kestimate';
import { SoftTopK, type ThresholdSearch } from '../gpu/kernels/softtopk';
import { RowTopK } from '../gpu/kernels/topk';
import { BATCHTOPK_THRESHOLD } from '../model/schedules';
import { scope } from './scope';

type Arr = number[];

export interface SoftTopKArg {
  B: number;
  F: number;
  alpha: number;
  h: Arr;
  kHat: Arr;
  df: Arr;
  /** Threshold search of the forward (default: the engine's). */
  search?: ThresholdSearch;
}

export interface SoftTopKOut {
  t: Arr;
  f: Arr;
  dpre: Arr;
  dkHat: Arr;
}

export interface RowTopKArg {
  B: number;
  F: number;
  h: Arr;
  kHat?: Arr;
  k?: number;
}

export interface KEstimateArg {
  B: number;
  F: number;
  kMax: number;
  z: Arr;
  w2: Arr;
  b2: number;
  dkHat: Arr;
  kLossGrad: number;
}

export interface KEstimateOut {
  kHat: Arr;
  kSig: Arr;
  ds: Arr;
  dz: Arr;
}

export interface JumpReluArg {
  B: number;
  F: number;
  /** Post-ReLU h [B, F], as the encoder leaves it. */
  h: Arr;
  theta: Arr;
}

export interface BatchTopKArg {
  B: number;
  F: number;
  /** Entries kept per batch (k·B). */
  k: number;
  h: Arr;
  /** θ before the call. */
  theta: number;
  updateTheta: boolean;
}

export interface BatchTopKResult {
  f: Arr;
  theta: number;
  /** The select state: [digit, τ key, ties kept, K]. */
  state: Arr;
  /** Threshold inference on the same h with the θ it left: f and per-row L0. */
  fThreshold: Arr;
  l0: Arr;
}

/** Soft top-k forward then backward: t [B], f [B, F], ∂pre [B, F], ∂k̂ [B]. */
export async function runSoftTopK(ctx: KernelContext, a: SoftTopKArg): Promise<SoftTopKOut> {
  const s = scope(ctx.device);
  const k = await SoftTopK.create(ctx, {
    B: a.B,
    F: a.F,
    alpha: a.alpha,
    label: 'SelfCheck.softTopK',
    search: a.search,
  });
  try {
    const b = {
      h: s.from('h', a.h),
      kHat: s.from('kHat', a.kHat),
      t: s.empty('t', a.B),
      f: s.empty('f', a.B * a.F),
      df: s.from('df', a.df),
      dpre: s.empty('dpre', a.B * a.F),
      dkHat: s.empty('dkHat', a.B),
    };
    submitPass(ctx.device, 'SelfCheck.softTopK', (pass) => {
      k.encodeForward(pass, b);
      k.encodeBackward(pass, b);
    });
    return {
      t: await s.f32(b.t, a.B),
      f: await s.f32(b.f, a.B * a.F),
      dpre: await s.f32(b.dpre, a.B * a.F),
      dkHat: await s.f32(b.dkHat, a.B),
    };
  } finally {
    k.destroy();
    s.done();
  }
}

/** Hard top-k per row (⌊k̂⌋ per row, or a constant k): codes f [B, F] and L0 [B]. */
export async function runRowTopK(ctx: KernelContext, a: RowTopKArg): Promise<{ f: Arr; l0: Arr }> {
  const s = scope(ctx.device);
  const mode =
    a.k === undefined ? ({ kind: 'kHat' } as const) : ({ kind: 'constant', k: a.k } as const);
  const k = await RowTopK.create(ctx, { B: a.B, F: a.F, mode, label: 'SelfCheck.rowTopK' });
  try {
    const b = {
      h: s.from('h', a.h),
      kHat: a.kHat ? s.from('kHat', a.kHat) : undefined,
      f: s.empty('f', a.B * a.F),
      l0: s.empty('l0', a.B),
    };
    submitPass(ctx.device, 'SelfCheck.rowTopK', (pass) => k.encode(pass, b));
    return { f: await s.f32(b.f, a.B * a.F), l0: await s.u32(b.l0, a.B) };
  } finally {
    k.destroy();
    s.done();
  }
}

/** The k-estimator head forward then backward. */
export async function runKEstimate(ctx: KernelContext, a: KEstimateArg): Promise<KEstimateOut> {
  const s = scope(ctx.device);
  const k = await KEstimate.create(ctx, {
    B: a.B,
    F: a.F,
    kMax: a.kMax,
    label: 'SelfCheck.kEstimate',
  });
  try {
    const b = {
      z: s.from('z', a.z),
      w2: s.from('w2', a.w2),
      b2: s.from('b2', [a.b2]),
      kHat: s.empty('kHat', a.B),
      kSig: s.empty('kSig', a.B),
      dkHat: s.from('dkHat', a.dkHat),
      kLossGrad: s.from('kLossGrad', [a.kLossGrad]),
      ds: s.empty('ds', a.B),
      dz: s.empty('dz', a.B * a.F),
    };
    submitPass(ctx.device, 'SelfCheck.kEstimate', (pass) => {
      k.encodeForward(pass, b);
      k.encodeBackward(pass, b);
    });
    return {
      kHat: await s.f32(b.kHat, a.B),
      kSig: await s.f32(b.kSig, a.B),
      ds: await s.f32(b.ds, a.B),
      dz: await s.f32(b.dz, a.B * a.F),
    };
  } finally {
    k.destroy();
    s.done();
  }
}

/** JumpReLU / ReLU inference: f = h·1[h > θ] [B, F] and L0 [B]. */
export async function runJumpRelu(
  ctx: KernelContext,
  a: JumpReluArg,
): Promise<{ f: Arr; l0: Arr }> {
  const s = scope(ctx.device);
  const k = await JumpRelu.create(ctx, { B: a.B, F: a.F, label: 'SelfCheck.jumpRelu' });
  try {
    const b = {
      h: s.from('h', a.h),
      theta: s.from('theta', a.theta),
      f: s.empty('f', a.B * a.F),
      l0: s.empty('l0', a.B),
    };
    submitPass(ctx.device, 'SelfCheck.jumpRelu', (pass) => k.encode(pass, b));
    return { f: await s.f32(b.f, a.B * a.F), l0: await s.u32(b.l0, a.B) };
  } finally {
    k.destroy();
    s.done();
  }
}

/** The BatchTopK training selection with its θ update, then threshold inference on the same h. */
export async function runBatchTopK(ctx: KernelContext, a: BatchTopKArg): Promise<BatchTopKResult> {
  const s = scope(ctx.device);
  const { beta } = BATCHTOPK_THRESHOLD;
  const k = await BatchTopK.create(ctx, {
    B: a.B,
    F: a.F,
    k: a.k,
    beta,
    label: 'SelfCheck.batchTopK',
  });
  try {
    k.setStep(a.k, a.updateTheta);
    const b = {
      h: s.from('h', a.h),
      f: s.empty('f', a.B * a.F),
      theta: s.from('theta', [a.theta]),
      fThreshold: s.empty('fThreshold', a.B * a.F),
      l0: s.empty('l0', a.B),
    };
    submitPass(ctx.device, 'SelfCheck.batchTopK', (pass) => {
      k.encode(pass, b);
      k.encodeThreshold(pass, { h: b.h, theta: b.theta, f: b.fThreshold, l0: b.l0 });
    });
    return {
      f: await s.f32(b.f, a.B * a.F),
      theta: (await s.f32(b.theta, 1))[0],
      state: await s.u32(k.state, 4),
      fThreshold: await s.f32(b.fThreshold, a.B * a.F),
      l0: await s.u32(b.l0, a.B),
    };
  } finally {
    k.destroy();
    s.done();
  }
}
