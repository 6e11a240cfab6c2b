/**
 * Loss value and exact gradients (spec §3–§5) for every forward mode.
 *
 * Gradient flow per mode (mirrors the reference's autograd graph, including which tensors get no
 * gradient at all — PyTorch's `grad is None`, which Adam and clipping then skip):
 * - `soft`: everything. Through f = h ⊙ p: ∂ℒ/∂h = ∂ℒ/∂f·p + soft-top-k VJP with u = ∂ℒ/∂f·h;
 *   ∂ℒ/∂k̂ = ū + λ_k·σ(5z)/B flows through the clamp (open on [1, F], ends included, like
 *   torch.clamp), σ and the k-estimator MLP, and via x − b_dec into b_dec.
 * - `hard` (final phase): the codes carry no gradient; L2 trains only decoder.weight and b_dec;
 *   the encoder (and b_dec) learn only through aux, and get no gradient when aux is inactive;
 *   the k-estimator is frozen (no gradient); λ_k is 0.
 * - `topk` / `batchtopk`: straight-through on the kept set: ∂ℒ/∂h = ∂ℒ/∂f on kept entries.
 * - aux (any mode, when active): ∂/∂(W_dec z_aux) = −2(e − W_dec z_aux)/(B·denom), to the decoder
 *   and, through the selected entries of h, to the encoder and b_dec. A non-finite ratio
 *   (denominator 0, e.g. B = 1) gives aux = 0 and no aux gradient (the reference's nan_to_num
 *   would return NaN gradients there).
 * ReLU masks use h > 0 (PyTorch's ReLU passes no gradient at exactly 0).
 */
import type { ParamGrads, SaeParams } from '../../model/params.ts';
import { forward, type ForwardMode, type ForwardResult } from './forward.ts';
import { auxLoss, kLoss, reconstructionLoss, type AuxResult } from './loss.ts';
import { softTopKBackward } from './softtopk.ts';

/** Weights of the loss terms and the current dead set. */
export interface LossOptions {
  /** λ_k (SoftSAE soft path only; the hard phase uses 0). */
  kLossWeight: number;
  /** λ_aux. */
  auxAlpha: number;
  /** [F] features currently dead (after this batch's counter update); null → no aux term. */
  dead: Uint8Array | null;
}

/** Loss value and its parts. */
export interface LossResult {
  total: number;
  l2: number;
  /** softplus₅(mean k̂ − k), unweighted (0 outside the soft path). */
  kLoss: number;
  aux: AuxResult | null;
  /** ‖x_n − x̂‖² per row [B]. */
  sqErr: Float64Array;
}

/** Evaluates ℒ for a forward result. */
export function computeLoss(
  params: SaeParams,
  x: Float64Array,
  fwd: ForwardResult,
  opts: LossOptions,
): LossResult {
  const { l2, sqErr } = reconstructionLoss(x, fwd.xHat, params.D);
  const kl = fwd.mode === 'soft' ? kLoss(fwd.kHat!, params.k).value : 0;
  const aux = opts.dead ? auxLoss(params, x, fwd.xHat, fwd.h, opts.dead) : null;
  const total =
    l2 + (fwd.mode === 'soft' ? opts.kLossWeight * kl : 0) + opts.auxAlpha * (aux?.value ?? 0);
  return { total, l2, kLoss: kl, aux, sqErr };
}

/**
 * Accumulates the gradients of y = W·in + bias (W [O, I]) given gOut [B, O]:
 * gW += gOutᵀ·in, gBias += Σ_b gOut, and returns gIn = gOut·W [B, I].
 */
function linearBackward(
  gOut: Float64Array,
  input: Float64Array,
  W: Float64Array,
  O: number,
  gW: Float64Array,
  gBias: Float64Array,
): Float64Array {
  const I = W.length / O;
  const B = gOut.length / O;
  const gIn = new Float64Array(B * I);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < O; j++) {
      const g = gOut[b * O + j];
      if (g === 0) continue;
      gBias[j] += g;
      for (let d = 0; d < I; d++) {
        gW[j * I + d] += g * input[b * I + d];
        gIn[b * I + d] += g * W[j * I + d];
      }
    }
  }
  return gIn;
}

/** Gradients of `computeLoss(...).total` with respect to the parameters (see module comment). */
export function backward(
  params: SaeParams,
  x: Float64Array,
  fwd: ForwardResult,
  loss: LossResult,
  opts: LossOptions,
): ParamGrads {
  const { D, F, tensors } = params;
  const { B, mode, h, f } = fwd;
  if (mode === 'threshold') throw new Error('backward: threshold mode is inference-only');
  const Wdec = tensors['decoder.weight'];
  const gWdec = new Float64Array(D * F);
  const gBdec = new Float64Array(D);
  const gh = new Float64Array(B * F); // ∂ℒ/∂h (post-ReLU)

  // L2: ∂/∂x̂ = −2(x − x̂)/B; x̂ = W_dec f + b_dec.
  const gf = new Float64Array(B * F);
  for (let b = 0; b < B; b++) {
    for (let d = 0; d < D; d++) {
      const g = (-2 * (x[b * D + d] - fwd.xHat[b * D + d])) / B;
      gBdec[d] += g;
      for (let j = 0; j < F; j++) {
        gWdec[d * F + j] += g * f[b * F + j];
        gf[b * F + j] += g * Wdec[d * F + j];
      }
    }
  }

  const dkHat = new Float64Array(B);
  if (mode === 'soft') {
    const kl = kLoss(fwd.kHat!, params.k);
    for (let b = 0; b < B; b++) {
      const row = (a: Float64Array) => a.subarray(b * F, (b + 1) * F);
      const u = row(gf).map((g, j) => g * h[b * F + j]);
      const vjp = softTopKBackward(row(h), fwd.t![b], params.alpha, u);
      for (let j = 0; j < F; j++) gh[b * F + j] = gf[b * F + j] * fwd.p![b * F + j] + vjp.dh[j];
      dkHat[b] = vjp.dkHat + opts.kLossWeight * kl.dkHat;
    }
  } else if (mode === 'topk' || mode === 'batchtopk') {
    for (let i = 0; i < B * F; i++) if (fwd.mask![i]) gh[i] = gf[i];
  }

  const aux = loss.aux;
  const auxGrad = aux !== null && aux.active && aux.denom > 0 && Number.isFinite(aux.preNorm);
  if (auxGrad) {
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < D; d++) {
        const g = (opts.auxAlpha * -2 * aux.resid[b * D + d]) / (B * aux.denom);
        for (let j = 0; j < F; j++) {
          if (!aux.mask[b * F + j]) continue;
          gWdec[d * F + j] += g * h[b * F + j];
          gh[b * F + j] += g * Wdec[d * F + j];
        }
      }
    }
  }

  const grads: ParamGrads = { 'decoder.weight': gWdec, b_dec: gBdec };
  if (mode !== 'hard' || (aux?.active ?? false)) {
    const gPre = gh.map((g, i) => (h[i] > 0 ? g : 0));
    const gWenc = new Float64Array(F * D);
    const gBenc = new Float64Array(F);
    const gxc = linearBackward(gPre, fwd.xc, tensors['encoder.weight'], F, gWenc, gBenc);
    for (let i = 0; i < B * D; i++) gBdec[i % D] -= gxc[i];
    grads['encoder.weight'] = gWenc;
    grads['encoder.bias'] = gBenc;
  }

  if (mode === 'soft') {
    const w2 = tensors['k_estimator.2.weight'];
    const hidden = fwd.kHidden!;
    const gW1 = new Float64Array(F * D);
    const gB1 = new Float64Array(F);
    const gW2 = new Float64Array(F);
    const gB2 = new Float64Array(1);
    const gHidden = new Float64Array(B * F);
    for (let b = 0; b < B; b++) {
      const raw = fwd.kRaw![b];
      const s = fwd.kSigmoid![b];
      const pass = raw >= 1 && raw <= F ? 1 : 0; // clamp(·, 1, F)
      const gz2 = dkHat[b] * pass * params.kMax * s * (1 - s);
      gB2[0] += gz2;
      for (let j = 0; j < F; j++) {
        gW2[j] += gz2 * hidden[b * F + j];
        gHidden[b * F + j] = hidden[b * F + j] > 0 ? gz2 * w2[j] : 0;
      }
    }
    const gxc = linearBackward(gHidden, fwd.xc, tensors['k_estimator.0.weight'], F, gW1, gB1);
    for (let i = 0; i < B * D; i++) gBdec[i % D] -= gxc[i];
    grads['k_estimator.0.weight'] = gW1;
    grads['k_estimator.0.bias'] = gB1;
    grads['k_estimator.2.weight'] = gW2;
    grads['k_estimator.2.bias'] = gB2;
  }
  return grads;
}

/** Convenience: forward, loss and gradients in one call. */
export function lossAndGrad(
  params: SaeParams,
  x: Float64Array,
  mode: ForwardMode,
  opts: LossOptions,
) {
  const fwd = forward(params, x, mode);
  const loss = computeLoss(params, x, fwd, opts);
  const grads = backward(params, x, fwd, loss, opts);
  return { fwd, loss, grads };
}
