/**
 * The SAE forward pass on the GPU (spec §2–4, §6), encoded as a sequence of dispatches on the
 * workspace of {@link SaeBuffers}:
 *   xn = (x − shift)/norm;  xc = xn − b_dec
 *   h  = ReLU(xc·W_encᵀ + b_enc)                       GEMM nt + bias + ReLU   [B, F]
 *   SoftSAE: z = ReLU(xc·W₁ᵀ + b₁);  k̂ = clamp(σ(z·w₂ + b₂)·k_max, 1, F)        [B]
 *            f = h ⊙ softTopK(h, k̂, α) (soft)  |  top-⌊k̂⌋ of h (hard)          [B, F]
 *   TopK:    f = top-k of h per row
 *   BatchTopK: f = the k·B largest entries of the whole batch (training; θ updated on the GPU),
 *              or f = h·1[h > θ] (`threshold`, inference)
 *   JumpReLU / ReLU (imported SAEs, inference only): f = h·1[h > θ_j] (θ ≡ 0 for ReLU)
 *   Models that do not centre their input (Gemma Scope) subtract zeros instead of b_dec.
 *   x̂  = f·W_dec + b_dec  (decoder stored [F, D])      GEMM nn + bias          [B, D]
 *   sqErr = Σ_d (xn − x̂)²;  batch scalars (l2, k̄, k-loss) and the k-loss gradient
 * The decoder product runs over the active codes only (sparsePath.ts), falling back to the dense
 * GEMM on the GPU when a batch has more active codes than the lists hold.
 */
import type { KernelContext } from '../gpu/kernels/context';
import { Elementwise } from '../gpu/kernels/elementwise';
import { Gemm } from '../gpu/kernels/gemm';
import { KEstimate } from '../gpu/kernels/kestimate';
import { BatchLoss } from '../gpu/kernels/loss';
import { Reduce } from '../gpu/kernels/reduce';
import { SoftTopK, type ThresholdSearch } from '../gpu/kernels/softtopk';
import { RowTopK } from '../gpu/kernels/topk';
import { BatchTopK } from '../gpu/kernels/batchtopk';
import { BATCHTOPK_THRESHOLD } from '../model/schedules';
import type { SaeBuffers } from './buffers';
import { JumpRelu } from '../gpu/kernels/jumprelu';
import type { ModelArch } from '../io/sae/modelFile';
import { SparsePath, sparseCapacity } from './sparsePath';

/** As the reference's ForwardMode: SoftSAE soft / hard, TopK, BatchTopK training / inference. */
export type GpuForwardMode = 'soft' | 'hard' | 'topk' | 'batchtopk' | 'threshold' | 'jumprelu';

/** The inference (hard-path) mode of each architecture. */
export function inferenceMode(arch: ModelArch): GpuForwardMode {
  if (arch === 'softsae') return 'hard';
  if (arch === 'batchtopk') return 'threshold';
  if (arch === 'relu' || arch === 'jumprelu') return 'jumprelu';
  return 'topk';
}

export interface ForwardSettings {
  arch?: ModelArch;
  /** Subtract b_dec from the input before the encoder (default true). */
  centerInput?: boolean;
  kMax: number;
  alpha: number;
  normFactor: number;
  /**
   * TopK: kept entries per row; BatchTopK: per row on average (k·B per batch). Settable per step
   * with {@link SaeForward.setKTarget}.
   */
  k?: number;
  /** Products over the active entries (default true); false runs every product dense. */
  sparse?: boolean;
  /** Entries the sparse lists hold (default {@link sparseCapacity}); more → dense that step. */
  sparseCapacity?: number;
  /** Soft top-k threshold search (default `select`; `newton` for the benchmarks' comparison). */
  thresholdSearch?: ThresholdSearch;
}

interface SoftSaeKernels {
  kHead: KEstimate;
  soft: SoftTopK;
  hard: RowTopK;
}

export class SaeForward {
  private constructor(
    private readonly bufs: SaeBuffers,
    private readonly k: {
      normalize: Elementwise;
      center: Elementwise;
      encoder: Gemm;
      decoder: Gemm;
      resid: Elementwise;
      sqErr: Reduce;
      loss: BatchLoss;
    },
    private readonly soft: SoftSaeKernels | null,
    private readonly topk: RowTopK | null,
    /** Sparse decoder products and their dense fallback; null → always dense. */
    readonly sparse: SparsePath | null,
    private readonly batchTopK: BatchTopK | null = null,
    private readonly jump: JumpRelu | null = null,
  ) {}

  /** Whether b_dec is subtracted before the encoder (false: zeros are, for Gemma Scope). */
  private centerInput = true;

  static async create(
    ctx: KernelContext,
    bufs: SaeBuffers,
    s: ForwardSettings,
  ): Promise<SaeForward> {
    const fwd = await SaeForward.build(ctx, bufs, s);
    fwd.centerInput = s.centerInput ?? true;
    return fwd;
  }

  private static async build(
    ctx: KernelContext,
    bufs: SaeBuffers,
    s: ForwardSettings,
  ): Promise<SaeForward> {
    const { D, F, B } = bufs;
    const isSoft = (s.arch ?? 'softsae') === 'softsae';
    const [normalize, center, encoder, decoder, resid, sqErr, loss] = await Promise.all([
      Elementwise.create(ctx, 'subRow', B * D, D, 1 / s.normFactor, 'Sae.normalize'),
      Elementwise.create(ctx, 'subRow', B * D, D, 1, 'Sae.center'),
      // SoftSAE: the k-estimator's hidden layer z = ReLU(x_c·W₁ᵀ + b₁) has the encoder's shape
      // and input, so one dispatch computes both (a GEMM pair).
      Gemm.create(ctx, {
        layout: 'nt',
        M: B,
        N: F,
        K: D,
        bias: true,
        relu: true,
        pair: isSoft,
        label: isSoft ? 'Sae.encoder+kHidden' : 'Sae.encoder',
      }),
      Gemm.create(ctx, { layout: 'nn', M: B, N: D, K: F, bias: true, label: 'Sae.decoder' }),
      Elementwise.create(ctx, 'subScaled', B * D, D, 1, 'Sae.resid'),
      Reduce.create(ctx, { axis: 'rows', op: 'sumsq', M: B, N: D, label: 'Sae.sqErr' }),
      BatchLoss.create(ctx, { B, hasKHat: isSoft, label: 'Sae.loss' }),
    ]);
    const common = { normalize, center, encoder, decoder, resid, sqErr, loss };
    const dense = s.arch === 'relu' || s.arch === 'jumprelu';
    const capacity =
      s.sparseCapacity ?? sparseCapacity(B, F, dense ? F : isSoft ? s.kMax : (s.k ?? 1));
    const sparse =
      s.sparse === false
        ? null
        : await SparsePath.create(ctx, { B, F, D, capacity, label: 'Sae.sparse' });
    if (s.arch === 'batchtopk') {
      const { beta } = BATCHTOPK_THRESHOLD;
      const k = (s.k ?? 1) * B;
      const batch = await BatchTopK.create(ctx, { B, F, k, beta, label: 'Sae.batchTopK' });
      return new SaeForward(bufs, common, null, null, sparse, batch);
    }
    if (dense) {
      const jump = await JumpRelu.create(ctx, { B, F, label: 'Sae.jumpRelu' });
      return new SaeForward(bufs, common, null, null, sparse, null, jump);
    }
    if (!isSoft) {
      const mode = { kind: 'constant', k: s.k ?? 1 } as const;
      const topk = await RowTopK.create(ctx, { B, F, mode, label: 'Sae.topK' });
      return new SaeForward(bufs, common, null, topk, sparse);
    }
    const [kHead, soft, hard] = await Promise.all([
      KEstimate.create(ctx, { B, F, kMax: s.kMax, label: 'Sae.kHead' }),
      SoftTopK.create(ctx, {
        B,
        F,
        alpha: s.alpha,
        label: 'Sae.softTopK',
        search: s.thresholdSearch,
      }),
      RowTopK.create(ctx, { B, F, mode: { kind: 'kHat' }, label: 'Sae.hardTopK' }),
    ]);
    return new SaeForward(bufs, common, { kHead, soft, hard }, null, sparse);
  }

  private get softKernels(): SoftSaeKernels {
    if (!this.soft) throw new Error('SaeForward: this model has no k-estimator (TopK/BatchTopK)');
    return this.soft;
  }

  private get batchKernel(): BatchTopK {
    if (!this.batchTopK) throw new Error('SaeForward: BatchTopK mode on another architecture');
    return this.batchTopK;
  }

  /** The soft top-k kernel, shared with the backward pass (same α). */
  get softTopK(): SoftTopK {
    return this.softKernels.soft;
  }

  get kHead(): KEstimate {
    return this.softKernels.kHead;
  }

  setAlpha(alpha: number): void {
    this.soft?.soft.setAlpha(alpha);
  }

  /**
   * SoftSAE: the k budget and λ_k of the k-loss; TopK: the kept count k; BatchTopK: k·B kept per
   * batch, and whether this step blends its smallest kept value into θ (`updateThreshold`, the
   * reference's step > 1000).
   */
  setKTarget(k: number, kLossWeight: number, updateThreshold = false): void {
    this.k.loss.setTarget(k, kLossWeight);
    this.topk?.setK(k);
    this.batchTopK?.setStep(k * this.bufs.B, updateThreshold);
  }

  encode(pass: GPUComputePassEncoder, mode: GpuForwardMode): void {
    const b = this.bufs;
    const w = b.ws;
    const p = (n: Parameters<SaeBuffers['tensor']>[0]) => b.tensor(n);
    const k = this.k;
    k.normalize.encode(pass, { x: w.x, y: b.shift, out: w.xn });
    k.center.encode(pass, { x: w.xn, y: this.centerInput ? p('b_dec') : b.zerosD, out: w.xc });
    // SoftSAE: the same dispatch writes the k-estimator's hidden layer z.
    const kHidden = this.soft
      ? { b2: p('k_estimator.0.weight'), c2: w.z, bias2: p('k_estimator.0.bias') }
      : {};
    k.encoder.encode(pass, {
      a: w.xc,
      b: p('encoder.weight'),
      c: w.h,
      bias: p('encoder.bias'),
      ...kHidden,
    });
    if (mode === 'topk') {
      if (!this.topk) throw new Error('SaeForward: TopK mode on another architecture');
      this.topk.encode(pass, { h: w.h, f: w.f, l0: w.l0 });
    } else if (mode === 'batchtopk') {
      this.batchKernel.encode(pass, { h: w.h, f: w.f, theta: b.threshold });
    } else if (mode === 'jumprelu') {
      if (!this.jump) throw new Error('SaeForward: JumpReLU mode on another architecture');
      this.jump.encode(pass, { h: w.h, theta: b.featureThreshold, f: w.f, l0: w.l0 });
    } else if (mode === 'threshold') {
      this.batchKernel.encodeThreshold(pass, { h: w.h, theta: b.threshold, f: w.f, l0: w.l0 });
    } else {
      const s = this.softKernels;
      s.kHead.encodeForward(pass, {
        z: w.z,
        w2: p('k_estimator.2.weight'),
        b2: p('k_estimator.2.bias'),
        kHat: w.kHat,
        kSig: w.kSig,
      });
      if (mode === 'soft') s.soft.encodeForward(pass, { h: w.h, kHat: w.kHat, t: w.t, f: w.f });
      else s.hard.encode(pass, { h: w.h, kHat: w.kHat, f: w.f, l0: w.l0 });
    }
    const dense = () =>
      k.decoder.encode(pass, { a: w.f, b: p('decoder.weight'), c: w.xHat, bias: p('b_dec') });
    if (this.sparse) {
      const bufs = { f: w.f, wDecT: p('decoder.weight'), bDec: p('b_dec'), xHat: w.xHat };
      this.sparse.decoderForward(pass, bufs, dense);
    } else dense();
    k.resid.encode(pass, { x: w.xn, y: w.xHat, out: w.resid });
    k.sqErr.encode(pass, { x: w.resid, out: w.sqErr });
    k.loss.encode(pass, {
      sqErr: w.sqErr,
      kHat: this.soft ? w.kHat : undefined,
      scalars: w.scalars,
      kLossGrad: w.kLossGrad,
    });
  }

  destroy(): void {
    for (const kernel of Object.values(this.k)) kernel.destroy();
    if (this.soft) for (const kernel of Object.values(this.soft)) kernel.destroy();
    this.topk?.destroy();
    this.sparse?.destroy();
    this.batchTopK?.destroy();
    this.jump?.destroy();
  }
}
