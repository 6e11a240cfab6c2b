/**
 * Forward passes (spec §3 and §6) on already-normalised rows x [B, D]:
 *   h  = ReLU(W_enc (x − b_dec) + b_enc)                         [B, F]
 *   k̂  = clamp(σ(w₂·ReLU(W₁ (x − b_dec) + b₁) + b₂)·k_max, 1, F)  [B]
 *   f  = h ⊙ p (soft), or h restricted to a kept set (hard / TopK / BatchTopK / threshold)
 *   x̂  = W_dec f + b_dec                                          [B, D]
 */
import { estimateK, linear, relu } from '../../model/kEstimator.ts';
import type { SaeParams } from '../../model/params.ts';
import { softTopK } from './softtopk.ts';
import { batchTopKMask, rowTopKMask, thresholdMask } from './select.ts';

export { estimateK, linear, sigmoid, type KEstimate } from '../../model/kEstimator.ts';

/**
 * - `soft`: SoftSAE training path, f = h ⊙ softTopK(h, k̂, α).
 * - `hard`: SoftSAE inference / final phase, top-⌊k̂⌋ of h per row.
 * - `topk`: TopK baseline, top-k per row with k = params.k.
 * - `batchtopk`: BatchTopK training, top k·B entries of the whole batch.
 * - `threshold`: BatchTopK inference, f = h·1[h > params.threshold].
 */
export type ForwardMode = 'soft' | 'hard' | 'topk' | 'batchtopk' | 'threshold';

/** Everything the loss, the backward pass and a GPU comparison need. */
export interface ForwardResult {
  mode: ForwardMode;
  B: number;
  /** x − b_dec [B, D] (input of both the encoder and the k-estimator). */
  xc: Float64Array;
  /** Post-ReLU pre-activations h [B, F]. */
  h: Float64Array;
  /** k-estimator hidden layer ReLU(W₁ xc + b₁) [B, F]; null for TopK/BatchTopK modes. */
  kHidden: Float64Array | null;
  /** σ(w₂·hidden + b₂) [B]; null for TopK/BatchTopK modes. */
  kSigmoid: Float64Array | null;
  /** σ·k_max before clamping [B]; null for TopK/BatchTopK modes. */
  kRaw: Float64Array | null;
  /** k̂ = clamp(kRaw, 1, F) [B]; null for TopK/BatchTopK modes. */
  kHat: Float64Array | null;
  /** Soft top-k weights p [B, F] (soft mode only). */
  p: Float64Array | null;
  /** Soft top-k thresholds t [B] (soft mode only; −∞ where k̂ = F). */
  t: Float64Array | null;
  /** Kept set [B, F] of the hard modes (1 = kept); null in soft mode. */
  mask: Uint8Array | null;
  /** Codes f [B, F]. */
  f: Float64Array;
  /** Reconstruction x̂ [B, D]. */
  xHat: Float64Array;
}

/** Encoder: xc = x − b_dec and h = ReLU(W_enc xc + b_enc). */
export function encode(params: SaeParams, x: Float64Array): { xc: Float64Array; h: Float64Array } {
  const { D, F, tensors } = params;
  const B = rowCount(x, D);
  const xc = new Float64Array(B * D);
  for (let i = 0; i < xc.length; i++) xc[i] = x[i] - tensors.b_dec[i % D];
  const h = relu(linear(xc, B, tensors['encoder.weight'], tensors['encoder.bias'], F));
  return { xc, h };
}

/** x̂ = W_dec f + b_dec for f [B, F]. */
export function decode(params: SaeParams, f: Float64Array): Float64Array {
  const { D, F, tensors } = params;
  // decoder.weight is [D, F] = [out, in], exactly the layout `linear` expects.
  return linear(f, rowCount(f, F), tensors['decoder.weight'], tensors.b_dec, D);
}

function rowCount(x: Float64Array, width: number): number {
  const B = x.length / width;
  if (!Number.isInteger(B)) throw new Error(`length ${x.length} is not a multiple of ${width}`);
  return B;
}

/** Runs the model on normalised rows x [B, D] in the given mode. */
export function forward(params: SaeParams, x: Float64Array, mode: ForwardMode): ForwardResult {
  const { F } = params;
  const { xc, h } = encode(params, x);
  const B = rowCount(x, params.D);
  const usesK = mode === 'soft' || mode === 'hard';
  const est = usesK ? estimateK(params, xc, B) : null;
  let p: Float64Array | null = null;
  let t: Float64Array | null = null;
  let mask: Uint8Array | null = null;
  const f = new Float64Array(B * F);

  if (mode === 'soft') {
    p = new Float64Array(B * F);
    t = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      const row = softTopK(h.subarray(b * F, (b + 1) * F), est!.kHat[b], params.alpha);
      p.set(row.p, b * F);
      t[b] = row.t;
    }
    for (let i = 0; i < f.length; i++) f[i] = h[i] * p[i];
  } else {
    if (mode === 'hard') mask = rowTopKMask(h, B, F, est!.kHat.map(Math.floor));
    else if (mode === 'topk') mask = rowTopKMask(h, B, F, new Array<number>(B).fill(params.k));
    else if (mode === 'batchtopk') mask = batchTopKMask(h, params.k * B);
    else mask = thresholdMask(h, params.threshold);
    for (let i = 0; i < f.length; i++) f[i] = mask[i] ? h[i] : 0;
  }

  return {
    mode,
    B,
    xc,
    h,
    kHidden: est?.hidden ?? null,
    kSigmoid: est?.sig ?? null,
    kRaw: est?.raw ?? null,
    kHat: est?.kHat ?? null,
    p,
    t,
    mask,
    f,
    xHat: decode(params, f),
  };
}
