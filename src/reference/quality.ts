/**
 * Float64 reference of the standard SAE quality metrics (docs/evaluation.md), computed straight
 * from their definitions over all rows at once — two passes (the mean row first), no running
 * moments, no batches — so it shares no method with the GPU accumulators it checks.
 * Rows are in the space the SAE reads (xn); codes are given per row as the features that fired.
 */

export interface QualityRows {
  rows: number;
  D: number;
  F: number;
  /** [rows, D] inputs and reconstructions. */
  xn: ArrayLike<number>;
  xHat: ArrayLike<number>;
  /** Features that fired (f ≠ 0) on each row. */
  active: ArrayLike<number>[];
}

export interface QualityReference {
  /** 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖². */
  explainedVarianceR2: number;
  /** 1 − Σ_d Var(x_d − x̂_d) / Σ_d Var(x_d) (population variances). */
  explainedVarianceResidual: number;
  /** mean over rows and dimensions of (x − x̂)². */
  mse: number;
  /** mean over rows of cos(x, x̂), 0 for a row where either is 0. */
  cosineMean: number;
  /** mean over rows with ‖x‖ > 0 of ‖x̂‖ / ‖x‖. */
  l2RatioMean: number;
  /** Σ‖x̂‖² / Σ⟨x, x̂⟩. */
  relativeReconstructionBias: number;
  l0Mean: number;
  aliveFraction: number;
  featuresOver1pct: number;
  featuresOver10pct: number;
  /** count_j / rows. */
  density: Float64Array;
}

export function qualityReference(q: QualityRows): QualityReference {
  const { rows, D, F, xn, xHat } = q;
  const mean = new Float64Array(D);
  const meanE = new Float64Array(D);
  for (let r = 0; r < rows; r++)
    for (let d = 0; d < D; d++) {
      mean[d] += xn[r * D + d] / rows;
      meanE[d] += (xn[r * D + d] - xHat[r * D + d]) / rows;
    }
  let sse = 0;
  let sst = 0;
  let varE = 0;
  let cos = 0;
  let ratio = 0;
  let ratioRows = 0;
  let xHatSq = 0;
  let dot = 0;
  for (let r = 0; r < rows; r++) {
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let d = 0; d < D; d++) {
      const x = xn[r * D + d];
      const y = xHat[r * D + d];
      sse += (x - y) ** 2;
      sst += (x - mean[d]) ** 2;
      varE += (x - y - meanE[d]) ** 2;
      xx += x * x;
      yy += y * y;
      xy += x * y;
    }
    cos += xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
    if (xx > 0) {
      ratio += Math.sqrt(yy / xx);
      ratioRows++;
    }
    xHatSq += yy;
    dot += xy;
  }
  const count = new Float64Array(F);
  let fired = 0;
  for (const a of q.active)
    for (let i = 0; i < a.length; i++) {
      count[a[i]]++;
      fired++;
    }
  const density = count.map((c) => c / rows);
  return {
    explainedVarianceR2: 1 - sse / sst,
    explainedVarianceResidual: 1 - varE / sst,
    mse: sse / (rows * D),
    cosineMean: cos / rows,
    l2RatioMean: ratio / ratioRows,
    relativeReconstructionBias: xHatSq / dot,
    l0Mean: fired / rows,
    aliveFraction: count.filter((c) => c > 0).length / F,
    featuresOver1pct: density.filter((p) => p > 0.01).length,
    featuresOver10pct: density.filter((p) => p > 0.1).length,
    density,
  };
}

/**
 * Every pair i < j of decoder atoms (W_dec [D, F], column j = atom j) by cosine, the largest
 * first; the best `top` of them. Brute force in float64.
 */
export function decoderPairsReference(
  decoder: ArrayLike<number>,
  D: number,
  F: number,
  top: number,
): { i: number; j: number; cos: number }[] {
  const norm = new Float64Array(F);
  for (let j = 0; j < F; j++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += decoder[d * F + j] ** 2;
    norm[j] = Math.sqrt(s);
  }
  const all: { i: number; j: number; cos: number }[] = [];
  for (let i = 0; i < F; i++)
    for (let j = i + 1; j < F; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += decoder[d * F + i] * decoder[d * F + j];
      const den = norm[i] * norm[j];
      all.push({ i, j, cos: den > 0 ? s / den : 0 });
    }
  return all.sort((a, b) => b.cos - a.cos).slice(0, top);
}
