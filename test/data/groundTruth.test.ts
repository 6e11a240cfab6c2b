/** Inspect's ground-truth numbers: quantiles, boxes per count and the summary, by hand. */
import { describe, expect, it } from 'vitest';
import { boxesByCount, groundTruthSummary, quantileSorted } from '../../src/data/groundTruth.ts';

describe('quantileSorted', () => {
  it('interpolates between order statistics at p·(n − 1)', () => {
    // Positions 0.75, 1.5, 2.25 of [1, 2, 3, 4].
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(quantileSorted([7], 0.3)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('boxesByCount', () => {
  it('groups by count, ascending, with Tukey whiskers', () => {
    // Count 2: [1, 2, 3, 4, 100] → q1 2, median 3, q3 4; IQR 2, so whiskers reach [−1, 7]:
    // lo = 1, hi = 4 (100 is an outlier); mean 110/5 = 22. Count 1: [5, 5] → all 5.
    const boxes = boxesByCount([3, 5, 1, 100, 2, 5, 4], [2, 1, 2, 2, 2, 1, 2]);
    expect(boxes).toEqual([
      { count: 1, n: 2, q1: 5, median: 5, q3: 5, lo: 5, hi: 5, mean: 5 },
      { count: 2, n: 5, q1: 2, median: 3, q3: 4, lo: 1, hi: 4, mean: 22 },
    ]);
  });
});

describe('groundTruthSummary', () => {
  // Two true atoms e₀, e₁ in R³ ([G, D]); a decoder [D, F] whose columns are e₁, (e₀ + e₂)/√2, e₂.
  const dictionary = [1, 0, 0, 0, 1, 0];
  const s = Math.SQRT1_2;
  const decoder = [0, s, 0, 1, 0, 0, 0, s, 1];

  it('reports recovery as the mean best |cosine|, and both rank correlations', () => {
    const activeCount = [1, 2, 3, 4];
    const sum = groundTruthSummary(
      { activeCount, dictionary },
      { kHat: [1.5, 2.5, 2.7, 9], l0: [4, 3, 2, 1] },
      decoder,
      3,
      3,
    );
    // e₀'s best is (e₀ + e₂)/√2 at cos 1/√2; e₁ is column 0 at cos 1.
    expect(sum.recovery).toBeCloseTo((s + 1) / 2, 12);
    expect(sum.recoveredFraction).toBe(0.5);
    expect(sum.G).toBe(2);
    // k̂ increases with the count (ρ = 1); L0 decreases (ρ = −1).
    expect(sum.spearmanKHat).toBe(1);
    expect(sum.spearmanL0).toBe(-1);
    expect(sum.measure).toBe('kHat');
    expect(sum.byCount.map((b) => [b.count, b.median])).toEqual([
      [1, 1.5],
      [2, 2.5],
      [3, 2.7],
      [4, 9],
    ]);
  });

  it('uses L0 per count when the model has no k̂ (TopK)', () => {
    const sum = groundTruthSummary(
      { activeCount: [1, 1, 2], dictionary },
      { kHat: null, l0: [3, 3, 3] },
      decoder,
      3,
      3,
    );
    expect(sum.measure).toBe('l0');
    expect(sum.spearmanKHat).toBeNull();
    expect(sum.spearmanL0).toBeNaN(); // constant L0: no ranking
    expect(sum.byCount.map((b) => b.median)).toEqual([3, 3]);
  });
});
