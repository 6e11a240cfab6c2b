/**
 * Training constants and schedules (spec §5) shared by the engine and the float64 reference:
 * Adam's hyper-parameters, the learning-rate and annealing schedules, the clipping norm, the
 * decoder renormalisation epsilon and the BatchTopK threshold tracking.
 */

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

/** Adam hyper-parameters (spec: β = (0.9, 0.999), ε = 1e-8, no weight decay). */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** BatchTopK threshold tracking (reference defaults). */
export const BATCHTOPK_THRESHOLD = { beta: 0.999, startStep: 1000 } as const;

/** Maximum global gradient norm. */
export const CLIP_NORM = 1.0;

/** Epsilon of the post-step decoder renormalisation: float32 machine epsilon, as the reference. */
export const RENORM_EPS = 2 ** -23;
