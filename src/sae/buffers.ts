/**
 * GPU memory of one SAE: the parameters and their three twins (gradients, Adam m and v), one
 * buffer per tensor and kind (src/sae/paramBuffers.ts), plus the per-batch workspace of
 * activations. Everything is allocated once for (D, F, B) and reused every step; each buffer is
 * labelled `Sae.<name>` (`Sae.params.encoder.weight`, `Sae.h`, …).
 */
import { createBuffer, STORAGE, upload } from '../gpu/buffers';
import type { ParamName } from '../model/params';
import { arenaLayout, type ArenaLayout } from './arena';
import {
  createTensorSet,
  destroyTensorSet,
  PARAM_KINDS,
  type ParamKind,
  type TensorSet,
} from './paramBuffers';

/** Per-batch activations and their gradients, all float32 row-major (u32 for l0). */
export const WORKSPACE = {
  x: 'BD', // raw rows as uploaded
  xn: 'BD', // normalised (x − shift) / norm
  xc: 'BD', // xn − b_dec
  h: 'BF', // ReLU(W_enc xc + b_enc)
  z: 'BF', // k-estimator hidden ReLU(W₁ xc + b₁)
  kHat: 'B',
  kSig: 'B',
  t: 'B', // soft top-k thresholds
  f: 'BF', // codes
  l0: 'B', // kept counts (u32) of the hard path
  xHat: 'BD',
  resid: 'BD', // xn − x̂
  sqErr: 'B',
  gxHat: 'BD', // ∂ℒ/∂x̂ = 2(x̂ − xn)/B
  df: 'BF',
  dpre: 'BF',
  dkHat: 'B',
  ds: 'B',
  dz: 'BF',
  // Σ_b ∂pre and Σ_b ∂z again, apart from the gradients (∂b_dec −= Σ_b ∂pre·W_enc + Σ_b ∂z·W₁
  // reads them while writing ∂b_dec).
  dpreSum: 'F',
  dzSum: 'F',
  // Read back each step (metrics): [0..5] loss.wgsl (LOSS_SCALARS), [6] dead count (u32), [7] aux,
  // [8..11] code-list status (u32), [12] BatchTopK θ; see src/sae/stepMetrics.ts.
  scalars: '16',
  kLossGrad: '1',
} as const;

export type WorkspaceName = keyof typeof WORKSPACE;

export class SaeBuffers {
  /** Tensor sizes and device shapes (the offsets are those of a packed host image only). */
  readonly layout: ArenaLayout;
  /** One buffer per tensor, for each of parameters, gradients, Adam m and v. */
  readonly tensors: Record<ParamKind, TensorSet>;
  readonly ws: Record<WorkspaceName, GPUBuffer>;
  /** Normalisation: shift [D]. */
  readonly shift: GPUBuffer;
  /**
   * BatchTopK inference threshold θ [1] (−1 until the first update, as in the reference): the
   * training selection updates it, `threshold` mode reads it.
   */
  readonly threshold: GPUBuffer;
  /** JumpReLU / ReLU per-feature thresholds θ_j [F] (imported SAEs; zeros = ReLU). */
  readonly featureThreshold: GPUBuffer;
  /** Zeros [D]: subtracted instead of b_dec when a model does not centre its input. */
  readonly zerosD: GPUBuffer;

  constructor(
    readonly device: GPUDevice,
    readonly D: number,
    readonly F: number,
    readonly B: number,
  ) {
    this.layout = arenaLayout(D, F);
    this.tensors = Object.fromEntries(
      PARAM_KINDS.map((k) => [k, createTensorSet(device, this.layout, k)]),
    ) as Record<ParamKind, TensorSet>;
    const sizes = { BD: B * D, BF: B * F, B, F, '16': 16, '1': 1 };
    this.ws = Object.fromEntries(
      Object.entries(WORKSPACE).map(([name, s]) => [
        name,
        createBuffer(device, `Sae.${name}`, sizes[s] * 4, STORAGE),
      ]),
    ) as Record<WorkspaceName, GPUBuffer>;
    this.shift = createBuffer(device, 'Sae.shift', D * 4);
    this.threshold = createBuffer(device, 'Sae.threshold', 4);
    this.setThreshold(-1);
    this.featureThreshold = createBuffer(device, 'Sae.featureThreshold', F * 4);
    this.zerosD = createBuffer(device, 'Sae.zerosD', D * 4);
  }

  /** Sets θ (BatchTopK); takes effect at the next submit. */
  setThreshold(theta: number): void {
    upload(this.device, this.threshold, Float32Array.of(theta));
  }

  /** θ_j of a JumpReLU model (zeros when absent: a ReLU model); next submit. */
  setFeatureThreshold(theta: Float32Array | undefined): void {
    if (theta && theta.length !== this.F)
      throw new Error(`featureThreshold has ${theta.length} values, F = ${this.F}`);
    upload(this.device, this.featureThreshold, theta ?? new Float32Array(this.F));
  }

  /** The buffer of one tensor (parameters by default, or its gradient or a moment). */
  tensor(name: ParamName, kind: ParamKind = 'params'): GPUBuffer {
    return this.tensors[kind][name];
  }

  /** Bytes held on the GPU (for the leak checks and the limits display). */
  get bytes(): number {
    let total = 0;
    for (const set of Object.values(this.tensors))
      for (const b of Object.values(set)) total += b.size;
    for (const b of Object.values(this.ws)) total += b.size;
    const extra = this.featureThreshold.size + this.zerosD.size;
    return total + this.shift.size + this.threshold.size + extra;
  }

  destroy(): void {
    for (const set of Object.values(this.tensors)) destroyTensorSet(set);
    for (const b of Object.values(this.ws)) b.destroy();
    this.shift.destroy();
    this.threshold.destroy();
    this.featureThreshold.destroy();
    this.zerosD.destroy();
  }
}
