/**
 * The soft top-k search's bracket (src/reference/sae/softtopkSearch.ts, as the WGSL builds it):
 * it contains the exact threshold, also with loosened bounds (radix buckets), and the candidates
 * plus the count above reproduce S(t) = k̂ on awkward rows: ties, all-equal rows, k̂ at 1 and
 * near F, large k̂ and α from 1e-6 to 1.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/model/rng.ts';
import { solveThreshold } from '../../src/reference/sae/softtopk.ts';
import { thresholdBracket, thresholdCandidates } from '../../src/reference/sae/softtopkSearch.ts';

const cdf = (u: number) => (u <= 0 ? Math.exp(u) / 2 : 1 - Math.exp(-u) / 2);

function rows(): [string, number[]][] {
  const rng = createRng(5);
  const relu = (n: number, s = 1) => Array.from({ length: n }, () => Math.max(0, s * rng.normal()));
  return [
    ['relu normal', relu(300)],
    ['ties on a grid', relu(200).map((v) => Math.round(v * 4) / 4)],
    ['all equal', new Array(64).fill(0.75)],
    ['all zero but three', [...new Array(61).fill(0), 2, 1, 1]],
    ['wide range', relu(256).map((v) => Math.exp(6 * v) - 1)],
  ];
}

describe('soft top-k threshold bracket', () => {
  for (const [name, h] of rows()) {
    const F = h.length;
    for (const alpha of [1e-6, 1e-4, 1e-2, 1])
      for (const kHat of [1, 1.5, 3, 7.999, 8, F / 2 + 0.25, F - 1, F - 1e-3]) {
        it(`${name}, α=${alpha}, k̂=${kHat}: contains t, and the candidates give S(t) = k̂`, () => {
          const t = solveThreshold(h, kHat, alpha);
          const b = thresholdBracket(h, kHat, alpha);
          expect(t).toBeGreaterThanOrEqual(b.lo);
          expect(t).toBeLessThanOrEqual(b.hi);
          // Loosened bounds (a bucket around each order statistic) still bracket t.
          const loose = thresholdBracket(h, kHat, alpha, {
            U: Math.max(...h) * 1.01 + 0.01,
            L: Math.min(...h) - 0.01,
          });
          expect(t).toBeGreaterThanOrEqual(loose.lo);
          expect(t).toBeLessThanOrEqual(loose.hi);
          const { above, candidates } = thresholdCandidates(h, b, alpha);
          const s = above + candidates.reduce((acc, v) => acc + cdf((v - t) / alpha), 0);
          expect(Math.abs(s - kHat)).toBeLessThanOrEqual(1e-9 * Math.max(1, kHat));
        });
      }
  }
});
