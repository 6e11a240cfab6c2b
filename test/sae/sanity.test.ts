// The import sanity rule (src/sae/sanity.ts): FVU > 1 or an L2 ratio outside [0.5, 2] warns, and
// the warning names the causes and what the app applied; a plausible evaluation does not warn.
import { describe, expect, it } from 'vitest';
import type { QualityMetrics } from '../../src/sae/quality';
import { importWarning } from '../../src/sae/sanity';

const base: QualityMetrics = {
  rows: 100,
  F: 64,
  explainedVariance: 0.8,
  explainedVarianceResidual: 0.82,
  fvu: 0.18,
  mse: 0.1,
  cosine: 0.9,
  l2Ratio: 0.95,
  l2RatioOfMeans: 0.95,
  relativeReconstructionBias: 0.97,
  l0: 8,
  aliveFraction: 1,
  featuresOver1pct: 60,
  featuresOver10pct: 10,
  meanNormX: 10,
  meanNormXHat: 9.5,
  maxDecoderCosine: 0.5,
  decoderPairs: [],
};
const ctx = { normFactor: 1, shifted: false, source: 'SAELens topk k=8, cfg v6' };

describe('import sanity warning', () => {
  it('stays silent for a plausible SAE, including the edges of the band', () => {
    expect(importWarning(base, ctx)).toBeNull();
    expect(importWarning({ ...base, explainedVariance: 0 }, ctx)).toBeNull(); // FVU exactly 1
    expect(importWarning({ ...base, l2Ratio: 0.5 }, ctx)).toBeNull();
    expect(importWarning({ ...base, l2Ratio: 2 }, ctx)).toBeNull();
  });

  it('warns when the FVU exceeds 1, naming the causes and what was applied', () => {
    const w = importWarning({ ...base, explainedVariance: -0.25 }, ctx)!;
    expect(w).toContain('FVU 1.25 > 1');
    expect(w).toMatch(/hook point or layer/);
    expect(w).toMatch(/normalisation/);
    expect(w).toMatch(/TopK SAE loaded as ReLU/);
    expect(w).toContain('SAELens topk k=8, cfg v6');
    expect(w).toContain('norm factor 1');
    expect(w).not.toContain('L2 ratio');
  });

  it('warns when the L2 ratio leaves [0.5, 2] either way (or is not a number)', () => {
    for (const r of [0.49, 2.01, 10, NaN]) {
      const w = importWarning({ ...base, l2Ratio: r }, ctx);
      expect(w, `L2 ratio ${r}`).toContain('L2 ratio');
      expect(w).not.toContain('FVU');
    }
  });

  it("reports a SoftSAE file's own norm factor and shift", () => {
    const w = importWarning(
      { ...base, explainedVariance: -3, l2Ratio: 0.1 },
      { normFactor: 1.7, shifted: true, source: 'SoftSAE softsae' },
    )!;
    expect(w).toContain("divided by the SAE's norm factor 1.7 after its input shift");
    expect(w).toContain('FVU 4 > 1');
    expect(w).toContain('L2 ratio ‖x̂‖/‖x‖ = 0.1');
  });
});
