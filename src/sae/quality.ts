/**
 * The standard SAE quality metrics of one evaluation (docs/evaluation.md, "Quality metrics"), as
 * the page, the report and the command line show them: derived from the GPU accumulators'
 * summary (src/sae/evalSummary.ts) and the decoder-cosine pairs (src/sae/decoderCosine.ts).
 * Every value refers to the space the SAE reads, xn = (x − shift)/norm_factor: raw activations
 * for SAELens-style SAEs (no normalisation), the normalised rows for SoftSAE files.
 */
import type { DecoderCosinePairs } from './decoderCosine';
import type { EvalSummary } from './evalSummary';

export interface QualityMetrics {
  rows: number;
  F: number;
  /** 1 − Σ‖x − x̂‖² / Σ‖x − x̄‖² (SAEBench core's `explained_variance`, the R² of x̂). */
  explainedVariance: number;
  /** 1 − Σ_d Var(x_d − x̂_d) / Σ_d Var(x_d) = 1 − FVU of spec §7 (the residual's mean removed). */
  explainedVarianceResidual: number;
  /** Spec §7's FVU = 1 − explainedVarianceResidual. */
  fvu: number;
  /** Mean over rows and dimensions of (x − x̂)². */
  mse: number;
  /** Mean over rows of cos(x, x̂). */
  cosine: number;
  /** Mean over rows of ‖x̂‖/‖x‖ (SAEBench's `l2_ratio`). */
  l2Ratio: number;
  /** Spec §7's E‖x̂‖ / E‖x‖ (a ratio of means). */
  l2RatioOfMeans: number;
  /** γ = Σ‖x̂‖² / Σ⟨x, x̂⟩ (1: no systematic shrinkage, < 1: x̂ too short). */
  relativeReconstructionBias: number;
  /** Mean L0 per row, fraction of features that fired at least once, features above 1 % / 10 %. */
  l0: number;
  aliveFraction: number;
  featuresOver1pct: number;
  featuresOver10pct: number;
  /** Mean ‖x‖ and ‖x̂‖ per row (in the SAE's space). */
  meanNormX: number;
  meanNormXHat: number;
  /** max over feature pairs i ≠ j of the decoder cosine (0 when none is positive). */
  maxDecoderCosine: number;
  /** The best pairs (i < j), best first. */
  decoderPairs: { i: number; j: number; cos: number }[];
}

/** The metrics of a summary plus the decoder pairs. */
export function qualityOf(s: EvalSummary, decoder: DecoderCosinePairs): QualityMetrics {
  return {
    rows: s.rows,
    F: s.F,
    explainedVariance: s.explainedVarianceR2,
    explainedVarianceResidual: s.explainedVariance,
    fvu: s.fvu,
    mse: s.mse,
    cosine: s.cosineMean,
    l2Ratio: s.l2RatioMean,
    l2RatioOfMeans: s.l2Ratio,
    relativeReconstructionBias: s.relativeReconstructionBias,
    l0: s.l0Mean,
    aliveFraction: s.aliveFraction,
    featuresOver1pct: s.featuresOver1pct,
    featuresOver10pct: s.featuresOver10pct,
    meanNormX: s.meanNormX,
    meanNormXHat: s.meanNormXHat,
    maxDecoderCosine: decoder.max,
    decoderPairs: Array.from(decoder.cosines, (cos, p) => ({
      i: decoder.pairs[2 * p],
      j: decoder.pairs[2 * p + 1],
      cos,
    })),
  };
}

/**
 * The metrics with snake_case keys, for JSON reports (NaN becomes null there). The mean L0 is
 * left to the report's own `mean_l0` (its `l0` is the per-row array).
 */
export function qualityReport(q: QualityMetrics): Record<string, unknown> {
  return {
    explained_variance: q.explainedVariance,
    explained_variance_residual: q.explainedVarianceResidual,
    fvu: q.fvu,
    mse: q.mse,
    cosine_similarity: q.cosine,
    l2_ratio: q.l2Ratio,
    l2_ratio_of_means: q.l2RatioOfMeans,
    relative_reconstruction_bias: q.relativeReconstructionBias,
    frac_alive: q.aliveFraction,
    features_over_1pct: q.featuresOver1pct,
    features_over_10pct: q.featuresOver10pct,
    mean_norm_x: q.meanNormX,
    mean_norm_x_hat: q.meanNormXHat,
    max_decoder_cosine: q.maxDecoderCosine,
    top_decoder_pairs: q.decoderPairs.map((p) => ({ i: p.i, j: p.j, cosine: p.cos })),
  };
}

const g = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : '—');

/** Short human-readable lines (the command line prints them). */
export function qualityLines(q: QualityMetrics): string[] {
  const top = q.decoderPairs[0];
  return [
    `explained variance ${g(q.explainedVariance)} (R²: 1 − Σ‖x − x̂‖²/Σ‖x − x̄‖²), ` +
      `${g(q.explainedVarianceResidual)} (residual variance: 1 − FVU, FVU ${g(q.fvu)})`,
    `MSE ${g(q.mse)}, cosine ${g(q.cosine)}, L2 ratio ${g(q.l2Ratio)}, ` +
      `relative reconstruction bias ${g(q.relativeReconstructionBias)}`,
    `L0 ${g(q.l0)}, alive ${g(100 * q.aliveFraction)} % of ${q.F} features, ` +
      `${q.featuresOver1pct} fire on > 1 % of rows, ${q.featuresOver10pct} on > 10 %`,
    `max decoder cosine ${g(q.maxDecoderCosine)}` +
      (top ? ` (features ${top.i} and ${top.j})` : ' (no pair with a positive cosine)'),
  ];
}
