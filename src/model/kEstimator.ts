/**
 * The k-estimator (spec §3 step 2) in float64 and the dense pieces it is built from: used by the
 * reference forward pass and by `softsae convert`, which needs a SoftSAE's mean k̂ without a GPU.
 */
import type { SaeParams } from './params.ts';

/** y[b, j] = Σ_d W[j, d]·x[b, d] + bias[j] for W [O, I] row-major, x [B, I]; returns [B, O]. */
export function linear(
  x: Float64Array,
  B: number,
  W: Float64Array,
  bias: Float64Array,
  O: number,
): Float64Array {
  const I = W.length / O;
  const y = new Float64Array(B * O);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < O; j++) {
      let s = bias[j];
      for (let d = 0; d < I; d++) s += W[j * I + d] * x[b * I + d];
      y[b * O + j] = s;
    }
  }
  return y;
}

/** In-place ReLU. */
export function relu(v: Float64Array): Float64Array {
  for (let i = 0; i < v.length; i++) if (v[i] < 0) v[i] = 0;
  return v;
}

/** Logistic sigmoid, accurate for both signs. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Outputs of {@link estimateK}, each per row. */
export interface KEstimate {
  /** ReLU(W₁ xc + b₁) [B, F]. */
  hidden: Float64Array;
  /** σ(w₂·hidden + b₂) [B]. */
  sig: Float64Array;
  /** σ·k_max [B]. */
  raw: Float64Array;
  /** clamp(σ·k_max, 1, F) [B]. */
  kHat: Float64Array;
}

/** k-estimator on xc = x − b_dec: hidden layer, σ, σ·k_max and k̂ = clamp(σ·k_max, 1, F). */
export function estimateK(params: SaeParams, xc: Float64Array, B: number): KEstimate {
  const { F, tensors } = params;
  const hidden = relu(
    linear(xc, B, tensors['k_estimator.0.weight'], tensors['k_estimator.0.bias'], F),
  );
  const logit = linear(
    hidden,
    B,
    tensors['k_estimator.2.weight'],
    tensors['k_estimator.2.bias'],
    1,
  );
  const sig = logit.map(sigmoid);
  const raw = sig.map((s) => s * params.kMax);
  const kHat = raw.map((r) => Math.min(F, Math.max(1, r)));
  return { hidden, sig, raw, kHat };
}
