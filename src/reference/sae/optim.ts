/**
 * Optimisation pieces of the training step (spec §5), each matching the reference
 * (dictionary_learning helpers + torch.optim.Adam + clip_grad_norm_) in float64.
 */
import { PARAM_NAMES, type ParamGrads, type ParamName, type ParamTensors } from './params.ts';

/**
 * Learning-rate multiplier at `step` (0-based): `step/warmup` during warm-up, 1 until
 * `decayStart`, then `(steps − step)/(steps − decayStart)` (linear to 0 at `steps`).
 * `decayStart = null` means no decay. The step's Adam update uses `lr · lrFactor(step)`.
 */
export function lrFactor(
  step: number,
  steps: number,
  warmupSteps: number,
  decayStart: number | null,
): number {
  if (step < warmupSteps) return step / warmupSteps;
  if (decayStart !== null && step >= decayStart) return (steps - step) / (steps - decayStart);
  return 1;
}

/**
 * k annealing, applied after the step with index `step`: `k ← int(D(1 − r) + k_target·r)`,
 * `r = min(step, annealSteps)/annealSteps` (truncation toward zero, Python's `int`).
 */
export function annealedK(step: number, D: number, kTarget: number, annealSteps: number): number {
  const r = Math.min(step, annealSteps) / annealSteps;
  return Math.trunc(D * (1 - r) + kTarget * r);
}

/** Optional α annealing after step `step`: `α ← (1 − r) + α_target·r`. */
export function annealedAlpha(step: number, alphaTarget: number, annealSteps: number): number {
  const r = Math.min(step, annealSteps) / annealSteps;
  return 1 - r + alphaTarget * r;
}

/**
 * Removes from each decoder-column gradient its component along the column:
 * `g_j −= (g_j·ŵ_j) ŵ_j` with `ŵ_j = w_j/(‖w_j‖ + 1e-6)` (the reference's epsilon). In place.
 */
export function projectDecoderGrad(
  dec: Float64Array,
  grad: Float64Array,
  D: number,
  F: number,
): void {
  for (let j = 0; j < F; j++) {
    let sq = 0;
    for (let d = 0; d < D; d++) sq += dec[d * F + j] ** 2;
    const inv = 1 / (Math.sqrt(sq) + 1e-6);
    let dot = 0;
    for (let d = 0; d < D; d++) dot += grad[d * F + j] * dec[d * F + j] * inv;
    for (let d = 0; d < D; d++) grad[d * F + j] -= dot * dec[d * F + j] * inv;
  }
}

/**
 * `torch.nn.utils.clip_grad_norm_(…, maxNorm)`: the global L2 norm over every present gradient;
 * all are scaled by `min(1, maxNorm/(norm + 1e-6))`. In place; returns the norm before clipping.
 */
export function clipGradNorm(grads: ParamGrads, maxNorm: number): number {
  let sq = 0;
  for (const g of Object.values(grads)) for (const v of g) sq += v * v;
  const norm = Math.sqrt(sq);
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  if (coef < 1)
    for (const g of Object.values(grads)) for (let i = 0; i < g.length; i++) g[i] *= coef;
  return norm;
}

/** Adam moments per parameter; `step[name]` counts the updates that parameter received. */
export interface AdamState {
  m: ParamTensors;
  v: ParamTensors;
  step: Record<ParamName, number>;
}

/** Adam hyper-parameters (spec: β = (0.9, 0.999), ε = 1e-8, no weight decay). */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Zero moments shaped like `tensors`. */
export function createAdamState(tensors: ParamTensors): AdamState {
  const m = {} as ParamTensors;
  const v = {} as ParamTensors;
  const step = {} as Record<ParamName, number>;
  for (const name of PARAM_NAMES) {
    m[name] = new Float64Array(tensors[name].length);
    v[name] = new Float64Array(tensors[name].length);
    step[name] = 0;
  }
  return { m, v, step };
}

/**
 * One torch.optim.Adam update (in place). Parameters without a gradient are skipped entirely,
 * moments and step count included, as PyTorch does for `grad is None`:
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
 *   θ ← θ − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
 */
export function adamStep(
  tensors: ParamTensors,
  grads: ParamGrads,
  state: AdamState,
  lr: number,
): void {
  const { beta1, beta2, eps } = ADAM;
  for (const name of PARAM_NAMES) {
    const g = grads[name];
    if (!g) continue;
    const t = ++state.step[name];
    const m = state.m[name];
    const v = state.v[name];
    const theta = tensors[name];
    const stepSize = lr / (1 - beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    for (let i = 0; i < g.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      theta[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
    }
  }
}

/**
 * Geometric median of rows [N, D] by Weiszfeld's iteration, as in the reference: start at the
 * mean; `w_n = 1/‖x_n − guess‖` normalised; `guess = Σ w_n x_n`; stop after `maxIter` or when the
 * guess moves less than `tol`. Distances are floored at 1e-12 so a row that coincides with the
 * guess cannot produce 1/0 (the reference would return NaN there).
 */
export function geometricMedian(
  x: Float64Array,
  D: number,
  maxIter = 100,
  tol = 1e-5,
): Float64Array {
  const N = x.length / D;
  let guess = new Float64Array(D);
  for (let i = 0; i < x.length; i++) guess[i % D] += x[i] / N;
  for (let iter = 0; iter < maxIter; iter++) {
    const w = new Float64Array(N);
    let wSum = 0;
    for (let n = 0; n < N; n++) {
      let sq = 0;
      for (let d = 0; d < D; d++) sq += (x[n * D + d] - guess[d]) ** 2;
      w[n] = 1 / Math.max(Math.sqrt(sq), 1e-12);
      wSum += w[n];
    }
    const next = new Float64Array(D);
    for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) next[d] += (w[n] / wSum) * x[n * D + d];
    let move = 0;
    for (let d = 0; d < D; d++) move += (next[d] - guess[d]) ** 2;
    guess = next;
    if (Math.sqrt(move) < tol) break;
  }
  return guess;
}
