/** Lab metrics against hand-computed values: average ranks, Spearman's ρ, feature recovery. */
import { describe, expect, it } from 'vitest';
import { averageRanks, featureRecovery, spearman } from '../../src/data/metrics.ts';
import { generateLab } from '../../src/data/synthetic.ts';
import { createRng } from '../../src/model/rng.ts';

describe('averageRanks', () => {
  it('ranks from 1 and averages ties', () => {
    expect(Array.from(averageRanks([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
    expect(Array.from(averageRanks([5, 5, 5]))).toEqual([2, 2, 2]);
  });
});

describe('spearman', () => {
  const a = [1, 2, 3, 4, 5];

  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    expect(spearman(a, [-3, 0.1, 7, 100, 1e6])).toBeCloseTo(1, 12);
    expect(spearman(a, [9, 8, 7, 1, -4])).toBeCloseTo(-1, 12);
  });

  it('matches 1 − 6Σd²/(n(n² − 1)) without ties', () => {
    // Rank differences d = (−1, 1, −1, 1, 0): ρ = 1 − 6·4 / (5·24) = 0.8.
    expect(spearman(a, [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });

  it('uses average ranks with ties', () => {
    // Ranks of b = [5, 6, 7, 8, 7] are [1, 2, 3.5, 5, 3.5]; centred: a → (−2, −1, 0, 1, 2),
    // b → (−2, −1, 0.5, 2, 0.5); Σ products = 8, Σa² = 10, Σb² = 9.5, so ρ = 8/√95.
    expect(spearman(a, [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
    expect(spearman([1, 1, 2, 2], [3, 3, 9, 9])).toBeCloseTo(1, 12);
  });

  it('is NaN for a constant input and rejects mismatched lengths', () => {
    expect(spearman(a, [2, 2, 2, 2, 2])).toBeNaN();
    expect(() => spearman(a, [1, 2])).toThrow();
  });
});

describe('featureRecovery', () => {
  const { dictionary, D, G } = generateLab({ seed: 11, D: 16, G: 40, rows: 0 });

  /** decoder.weight [D, F] whose column j is true atom perm[j] times ±scale. */
  function decoderFrom(perm: number[], flip: (j: number) => number): Float64Array {
    const F = perm.length;
    const w = new Float64Array(D * F);
    for (let j = 0; j < F; j++) {
      for (let d = 0; d < D; d++) w[d * F + j] = flip(j) * dictionary[perm[j] * D + d];
    }
    return w;
  }

  it('is 1 for the true dictionary with permuted, sign-flipped, rescaled columns', () => {
    const perm = Array.from({ length: G }, (_, j) => (j * 7 + 3) % G); // 7 is coprime with 40
    const rec = featureRecovery(
      dictionary,
      decoderFrom(perm, (j) => (j % 3 ? 2.5 : -0.4)),
      D,
      G,
    );
    expect(rec.meanBestCosine).toBeCloseTo(1, 6);
    expect(rec.recoveredFraction).toBe(1);
    for (let j = 0; j < G; j++) expect(rec.bestColumn[perm[j]]).toBe(j);
  });

  it('is lower for random columns', () => {
    const rng = createRng(5);
    const random = Float64Array.from({ length: D * G }, () => rng.normal());
    const rec = featureRecovery(dictionary, random, D, G);
    expect(rec.meanBestCosine).toBeLessThan(0.8);
    expect(rec.recoveredFraction).toBeLessThan(0.1);
  });

  it('reads decoder.weight as [D, F] with atoms in columns', () => {
    // True atoms e1, e2, e3 (D = 3); decoder [3, 2] = [[1, 0], [1, 0], [0, 1]] has columns
    // (1, 1, 0)/√2 and (0, 0, 1): best |cos| = 1/√2, 1/√2, 1; a zero column scores 0.
    const eye = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const rec = featureRecovery(eye, [1, 0, 1, 0, 0, 1], 3, 2);
    expect(Array.from(rec.bestCosine)).toEqual(
      [Math.SQRT1_2, Math.SQRT1_2, 1].map((v) => expect.closeTo(v, 12)),
    );
    expect(rec.meanBestCosine).toBeCloseTo((Math.SQRT2 + 1) / 3, 12);
    expect(rec.recoveredFraction).toBeCloseTo(1 / 3, 12);
    // The same atoms given as rows [F, D] = [[1, 1, 0], [0, 0, 1]].
    const rows = featureRecovery(eye, [1, 1, 0, 0, 0, 1], 3, 2, { layout: 'FD' });
    expect(Array.from(rows.bestCosine)).toEqual(Array.from(rec.bestCosine));
    expect(
      featureRecovery(eye, [1, 0, 1, 0, 0, 1], 3, 2, { threshold: 0.7 }).recoveredFraction,
    ).toBe(1);
    const zero = featureRecovery([1, 0], [0, 0], 2, 1);
    expect(zero.meanBestCosine).toBe(0);
  });
});
