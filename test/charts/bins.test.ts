import { describe, expect, it } from 'vitest';
import { equalBins, extent, integerBins, integerCounts } from '../../src/charts/bins';

describe('bins', () => {
  it('integerCounts counts each integer value', () => {
    expect(integerCounts([0, 2, 2, 5, 2])).toEqual([1, 0, 3, 0, 0, 1]);
    expect(integerCounts([])).toEqual([]);
    expect(integerBins([4, 1]).edges).toEqual([-0.5, 0.5, 1.5]);
  });

  it('equalBins matches a brute-force count over the same edges', () => {
    const values = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 1000) / 37 - 3);
    const { edges, counts } = equalBins(values, 9);
    expect(edges).toHaveLength(10);
    expect(edges[0]).toBe(Math.min(...values));
    expect(edges[9]).toBe(Math.max(...values));
    const brute = counts.map(
      (_, i) =>
        values.filter((v) => v >= edges[i] && (i === 8 ? v <= edges[9] : v < edges[i + 1])).length,
    );
    expect(counts).toEqual(brute);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it('ignores non-finite and out-of-range values; a constant sample gets one bin', () => {
    expect(equalBins([1, NaN, Infinity, 5, 9], 2, [0, 8]).counts).toEqual([1, 1]);
    expect(equalBins([3, 3, 3], 10)).toEqual({ edges: [2.5, 3.5], counts: [3] });
    expect(extent([NaN])).toEqual([NaN, NaN]);
  });
});
