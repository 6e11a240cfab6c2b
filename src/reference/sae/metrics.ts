/** Evaluation metrics of spec §7, computed on normalised rows. */

/** Per-row and aggregate reconstruction / sparsity statistics. */
export interface Metrics {
  /** ‖x − x̂‖² per row [B]. */
  sqErr: Float64Array;
  /** Nonzero count of f per row [B]. */
  l0: Float64Array;
  /** cos(x, x̂) per row [B] (0 when either vector is zero). */
  cosine: Float64Array;
  /** Mean over rows and dimensions of (x − x̂)². */
  mse: number;
  /** Σ_d Var(x − x̂) / Σ_d Var(x), variances over rows. */
  fvu: number;
  /** 1 − FVU. */
  explainedVariance: number;
  l0Mean: number;
  l0Min: number;
  l0Max: number;
  /** Mean/min/max of k̂ (NaN when no k̂ is given). */
  kHatMean: number;
  kHatMin: number;
  kHatMax: number;
  /** Fraction of rows in which each feature is nonzero [F]. */
  density: Float64Array;
  /** Fraction of features that never fired in this batch / that fired at least once. */
  deadFraction: number;
  aliveFraction: number;
  /** E‖x̂‖ / E‖x‖. */
  l2Ratio: number;
}

function stats(v: ArrayLike<number>): { mean: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) {
    sum += v[i];
    min = Math.min(min, v[i]);
    max = Math.max(max, v[i]);
  }
  return v.length === 0 ? { mean: NaN, min: NaN, max: NaN } : { mean: sum / v.length, min, max };
}

/** Sum over columns of the (population) variance over rows of m [B, D]. */
function totalVariance(m: Float64Array, B: number, D: number): number {
  let total = 0;
  for (let d = 0; d < D; d++) {
    let mean = 0;
    for (let b = 0; b < B; b++) mean += m[b * D + d] / B;
    for (let b = 0; b < B; b++) total += (m[b * D + d] - mean) ** 2;
  }
  // The reference uses unbiased variances; the 1/(B − 1) factor cancels in the ratio.
  return total;
}

/**
 * Computes §7 metrics for rows x [B, D], reconstructions x̂ [B, D], codes f [B, F] and,
 * for SoftSAE, k̂ [B].
 */
export function computeMetrics(
  x: Float64Array,
  xHat: Float64Array,
  f: Float64Array,
  D: number,
  F: number,
  kHat: Float64Array | null = null,
): Metrics {
  const B = x.length / D;
  const sqErr = new Float64Array(B);
  const cosine = new Float64Array(B);
  const l0 = new Float64Array(B);
  const density = new Float64Array(F);
  const resid = new Float64Array(B * D);
  let normX = 0;
  let normXHat = 0;
  for (let b = 0; b < B; b++) {
    let dot = 0;
    let xx = 0;
    let yy = 0;
    for (let d = 0; d < D; d++) {
      const i = b * D + d;
      resid[i] = x[i] - xHat[i];
      sqErr[b] += resid[i] ** 2;
      dot += x[i] * xHat[i];
      xx += x[i] ** 2;
      yy += xHat[i] ** 2;
    }
    cosine[b] = xx > 0 && yy > 0 ? dot / Math.sqrt(xx * yy) : 0;
    normX += Math.sqrt(xx) / B;
    normXHat += Math.sqrt(yy) / B;
    for (let j = 0; j < F; j++) {
      if (f[b * F + j] !== 0) {
        l0[b] += 1;
        density[j] += 1 / B;
      }
    }
  }
  const fvu = totalVariance(resid, B, D) / totalVariance(x, B, D);
  const l0s = stats(l0);
  const ks = stats(kHat ?? []);
  let alive = 0;
  for (const v of density) if (v > 0) alive += 1;
  return {
    sqErr,
    l0,
    cosine,
    mse: stats(sqErr).mean / D,
    fvu,
    explainedVariance: 1 - fvu,
    l0Mean: l0s.mean,
    l0Min: l0s.min,
    l0Max: l0s.max,
    kHatMean: ks.mean,
    kHatMin: ks.min,
    kHatMax: ks.max,
    density,
    deadFraction: 1 - alive / F,
    aliveFraction: alive / F,
    l2Ratio: normXHat / normX,
  };
}
