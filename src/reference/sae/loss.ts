/**
 * Loss terms of spec §4:
 *   ℒ = mean_b Σ_d (x_n − x̂)²  +  λ_k·softplus₅(mean_b k̂ − k)  +  λ_aux·aux
 * and the dead-feature bookkeeping that decides which features the aux term uses.
 */
import type { SaeParams } from '../../model/params.ts';
import { deadTopKMask } from './select.ts';

/** L2 term: per-row squared error ‖x_n − x̂‖² [B] and its mean over rows. */
export function reconstructionLoss(
  x: Float64Array,
  xHat: Float64Array,
  D: number,
): { l2: number; sqErr: Float64Array } {
  const B = x.length / D;
  const sqErr = new Float64Array(B);
  let total = 0;
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += (x[b * D + d] - xHat[b * D + d]) ** 2;
    sqErr[b] = s;
    total += s;
  }
  return { l2: total / B, sqErr };
}

/**
 * softplus₅(z) = log(1 + e^{5z})/5 in the overflow-free form max(z, 0) + log1p(e^{−5|z|})/5.
 * (PyTorch's F.softplus switches to the identity for 5z > 20; the difference is < 5e-10.)
 */
export function softplus5(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-5 * Math.abs(z))) / 5;
}

/** d softplus₅(z)/dz = σ(5z). */
export function softplus5Grad(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-5 * z)) : Math.exp(5 * z) / (1 + Math.exp(5 * z));
}

/**
 * k-loss softplus₅(mean k̂ − k): one-sided, only a batch mean above the budget k is penalised.
 * Returns the loss and ∂loss/∂k̂_b (the same for every row: σ(5z)/B).
 */
export function kLoss(kHat: Float64Array, k: number): { value: number; dkHat: number } {
  let mean = 0;
  for (const v of kHat) mean += v / kHat.length;
  const z = mean - k;
  return { value: softplus5(z), dkHat: softplus5Grad(z) / kHat.length };
}

/**
 * Dead-feature counters, updated as in the reference *before* the aux term reads them:
 * every counter grows by B, and features that fired (some row has f ≠ 0) reset to 0.
 * Returns the [F] mask of features that fired in this batch.
 *
 * Note: in the soft path every positive h has p > 0, so "fired" means f ≠ 0 in float64; a float32
 * engine sees f = 0 once p underflows (|h − t| > ~100α) and may call such a feature unfired.
 * For TopK the dictionary_learning trainer counts every *selected* index as fired, even with
 * h = 0; here (as in the SoftSAE and BatchTopK trainers) only f ≠ 0 counts.
 */
export function updateDeadCounters(counters: Float64Array, f: Float64Array, B: number): Uint8Array {
  const F = counters.length;
  const fired = new Uint8Array(F);
  for (let i = 0; i < B * F; i++) if (f[i] !== 0) fired[i % F] = 1;
  for (let j = 0; j < F; j++) counters[j] = fired[j] ? 0 : counters[j] + B;
  return fired;
}

/** Features whose counter reached `threshold` rows: `counters ≥ threshold`. */
export function deadMask(counters: Float64Array, threshold: number): Uint8Array {
  return Uint8Array.from(counters, (c) => (c >= threshold ? 1 : 0));
}

/** The aux-k term and what its gradient needs. */
export interface AuxResult {
  /** Whether the term is part of the graph (some feature is dead and D/2 ≥ 1). */
  active: boolean;
  /** Normalised aux loss (0 when inactive or when the ratio is not finite). */
  value: number;
  /** mean_b ‖e − W_dec z_aux‖² before normalisation (−1 when inactive, like the reference). */
  preNorm: number;
  /** mean_b ‖e − mean_b e‖² (the normaliser). */
  denom: number;
  /** Selected dead entries of h, [B, F]. */
  mask: Uint8Array;
  /** e − W_dec z_aux [B, D] (the residual the gradient needs). */
  resid: Float64Array;
}

/**
 * Aux-k term (spec §4, OpenAI-style): each row keeps its top min(⌊D/2⌋, #dead) dead entries of h,
 * unweighted (z_aux); with the residual e = x_n − x̂ treated as a constant,
 *   aux = mean_b ‖e − W_dec z_aux‖² / mean_b ‖e − mean_b e‖²   (non-finite → 0).
 */
export function auxLoss(
  params: SaeParams,
  x: Float64Array,
  xHat: Float64Array,
  h: Float64Array,
  dead: Uint8Array,
): AuxResult {
  const { D, F } = params;
  const W = params.tensors['decoder.weight'];
  const B = x.length / D;
  let nDead = 0;
  for (const v of dead) nDead += v;
  const count = Math.min(Math.floor(D / 2), nDead);
  const mask = deadTopKMask(h, B, F, dead, count);
  const resid = new Float64Array(B * D);
  if (count === 0) return { active: false, value: 0, preNorm: -1, denom: 0, mask, resid };

  const eMean = new Float64Array(D);
  for (let i = 0; i < B * D; i++) eMean[i % D] += (x[i] - xHat[i]) / B;
  let num = 0;
  let denom = 0;
  for (let b = 0; b < B; b++) {
    for (let d = 0; d < D; d++) {
      let rec = 0;
      for (let j = 0; j < F; j++) if (mask[b * F + j]) rec += W[d * F + j] * h[b * F + j];
      const e = x[b * D + d] - xHat[b * D + d];
      resid[b * D + d] = e - rec;
      num += resid[b * D + d] ** 2 / B;
      denom += (e - eMean[d]) ** 2 / B;
    }
  }
  const ratio = num / denom;
  return {
    active: true,
    value: Number.isFinite(ratio) ? ratio : 0,
    preNorm: num,
    denom,
    mask,
    resid,
  };
}
