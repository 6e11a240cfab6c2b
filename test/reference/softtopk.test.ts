/**
 * Soft top-k (spec §3): the defining equation Σp = k̂, limits, ties, and the exact backward
 * against central finite differences and hand-derived closed forms.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/model/rng.ts';
import { softTopK, softTopKBackward } from '../../src/reference/sae/softtopk.ts';
import { expectClose } from '../helpers/compare.ts';

/** Laplace CDF written independently of the code under test. */
const cdf = (u: number) => (u <= 0 ? Math.exp(u) / 2 : 1 - Math.exp(-u) / 2);

function randomRow(seed: number, F: number, zeros = 0): Float64Array {
  const rng = createRng(seed);
  const h = Float64Array.from({ length: F }, () => Math.abs(rng.normal()) * 2);
  for (let i = 0; i < zeros; i++) h[(i * 7) % F] = 0; // ReLU zeros, tied
  return h;
}

const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);

describe('soft top-k forward', () => {
  const F = 40;
  const cases: [number, number][] = [];
  for (const alpha of [1e-4, 0.01, 0.05, 1, 10]) {
    for (const kHat of [1, 1.0001, 2.5, 7.3, 20, 39, 39.9999, F - 1e-9]) cases.push([alpha, kHat]);
  }

  it.each(cases)('α=%s, k̂=%s: t solves Σ L((h − t)/α) = k̂ and Σp = k̂ to 1e-9', (alpha, kHat) => {
    const h = randomRow(Math.round(kHat * 1000 + alpha * 1e5), F, 6);
    const { p, t } = softTopK(h, kHat, alpha);
    expect(Math.abs(sum(p) - kHat)).toBeLessThanOrEqual(1e-9);
    const direct = sum(Array.from(h, (v) => (t === -Infinity ? 1 : cdf((v - t) / alpha))));
    expect(Math.abs(direct - kHat)).toBeLessThanOrEqual(1e-9);
    for (let i = 0; i < F; i++) expect(p[i]).toBeGreaterThanOrEqual(0);
  });

  it('uses |α| (the sign of α does not matter)', () => {
    const h = randomRow(3, 10);
    expect(Array.from(softTopK(h, 3.5, -0.1).p)).toEqual(Array.from(softTopK(h, 3.5, 0.1).p));
  });

  // Accuracy is bounded by the float64 spacing of t: an ulp of t moves p by up to ulp(t)/(2α),
  // about 5e-10 at α = 1e-7 for t ≈ 1 — irrelevant at the method's α ≥ 1e-4.
  it('approaches hard top-k as α → 0 (k̂ = 3.4: top 3 get 1, the 4th gets 0.4)', () => {
    const h = Float64Array.from([0.3, 2.0, 0.9, 1.5, 0.1, 1.2, 0.0, 0.7]);
    const order = [1, 3, 5, 2]; // indices of the 4 largest, descending
    for (const alpha of [1e-3, 1e-5, 1e-7]) {
      const { p } = softTopK(h, 3.4, alpha);
      const want = new Float64Array(h.length);
      want[order[0]] = want[order[1]] = want[order[2]] = 1;
      want[order[3]] = 0.4;
      expectClose(`p at α=${alpha}`, p, want, 2e-9 + 200 * Math.exp(-0.3 / alpha), 0);
    }
  });

  it('gives tied entries equal weights', () => {
    const h = Float64Array.from([1, 0.2, 1, 1, 0.2, 0]);
    for (const alpha of [1e-4, 0.1, 2]) {
      const { p } = softTopK(h, 1.5, alpha);
      expect(p[2]).toBe(p[0]);
      expect(p[3]).toBe(p[0]);
      expect(p[4]).toBe(p[1]);
      expect(Math.abs(sum(p) - 1.5)).toBeLessThan(1e-12);
    }
    // α → 0: the three tied maxima share k̂ = 1.5 equally.
    expectClose(
      'tied maxima',
      softTopK(h, 1.5, 1e-6).p.subarray(0, 4),
      [0.5, 0, 0.5, 0.5],
      1e-12,
      0,
    );
  });

  it('gives p = k̂/F on an all-equal row (e.g. an all-zero ReLU row), k̂ near 1 and near F', () => {
    const h = new Float64Array(16);
    for (const kHat of [1, 1 + 1e-7, 8, 16 - 1e-7]) {
      expectClose(
        `k̂=${kHat}`,
        softTopK(h, kHat, 1e-4).p,
        new Float64Array(16).fill(kHat / 16),
        1e-12,
        1e-12,
      );
    }
  });

  it('returns t = −∞ and p = 1 everywhere at k̂ = F', () => {
    const { p, t } = softTopK(randomRow(9, 12), 12, 0.05);
    expect(t).toBe(-Infinity);
    expect(Array.from(p)).toEqual(new Array(12).fill(1));
  });

  it('refuses α = 0 and k̂ ≤ 0', () => {
    expect(() => softTopK([1, 2], 1, 0)).toThrow(/alpha/);
    expect(() => softTopK([1, 2], 0, 0.1)).toThrow(/kHat/);
  });
});

describe('soft top-k backward', () => {
  /** ℒ(h, k̂) = Σ u_i p_i(h, k̂) for a fixed upstream u. */
  const lossOf = (h: Float64Array, kHat: number, alpha: number, u: Float64Array) =>
    sum(softTopK(h, kHat, alpha).p.map((p, i) => p * u[i]));

  it.each([
    [0.05, 4.3],
    [0.3, 1.2],
    [1, 9.7],
    [0.02, 11.5],
  ])('matches central finite differences in h and k̂ (α=%s, k̂=%s)', (alpha, kHat) => {
    const F = 12;
    const rng = createRng(Math.round(alpha * 1000 + kHat));
    const h = Float64Array.from({ length: F }, () => rng.normal());
    const u = Float64Array.from({ length: F }, () => rng.normal());
    const { t } = softTopK(h, kHat, alpha);
    const { dh, dkHat } = softTopKBackward(h, t, alpha, u);
    const eps = 1e-6 * alpha;
    const fd = new Float64Array(F);
    for (let l = 0; l < F; l++) {
      const hp = h.slice();
      const hm = h.slice();
      hp[l] += eps;
      hm[l] -= eps;
      fd[l] = (lossOf(hp, kHat, alpha, u) - lossOf(hm, kHat, alpha, u)) / (2 * eps);
    }
    expectClose('∂ℒ/∂h', dh, fd, 1e-7, 1e-6);
    const fdK = (lossOf(h, kHat + 1e-6, alpha, u) - lossOf(h, kHat - 1e-6, alpha, u)) / 2e-6;
    expectClose('∂ℒ/∂k̂', [dkHat], [fdK], 1e-8, 1e-6);
  });

  it('stays exact and nonzero when every |h_i − t| ≫ 87α (closed form, symmetric pair)', () => {
    // h = [1, 0], k̂ = 1: by symmetry t = 0.5, both gaps are 125α; g_i = ½e^{−125} for both,
    // so ū = (u₀ + u₁)/2 and ∂ℒ/∂h_l = (½e^{−125}/α)(u_l − ū). A float32 g would be 0 here.
    const alpha = 0.004;
    expect(Math.fround(Math.exp(-125))).toBe(0);
    const h = Float64Array.from([1, 0]);
    const u = Float64Array.from([0.7, -0.3]);
    const { t } = softTopK(h, 1, alpha);
    expect(Math.abs(t - 0.5)).toBeLessThan(1e-12);
    const { dh, dkHat } = softTopKBackward(h, t, alpha, u);
    const uBar = 0.2;
    expectClose('∂ℒ/∂k̂', [dkHat], [uBar], 1e-15, 1e-12);
    const g = Math.exp(-125) / 2;
    expectClose('∂ℒ/∂h', dh, [(g / alpha) * (0.7 - uBar), (g / alpha) * (-0.3 - uBar)], 0, 1e-9);
    expect(dh[0]).not.toBe(0);
  });

  it('stays exact when every gap exceeds 100α (closed form, three entries)', () => {
    // h = [1, 0.6, 0], k̂ = 1, α = 0.002: t = 0.8 + (α/2)·ln(1 + e^{−0.6/α}); gaps 100α, 100α, 400α.
    // Softmax weights of −|h − t|/α are ½, ½ and e^{−300}/2 up to a relative 1e-130.
    const alpha = 0.002;
    const h = Float64Array.from([1, 0.6, 0]);
    const u = Float64Array.from([2, -1, 5]);
    const { t } = softTopK(h, 1, alpha);
    expect(Math.abs(t - 0.8)).toBeLessThan(1e-12);
    const { dh, dkHat } = softTopKBackward(h, t, alpha, u);
    expectClose('∂ℒ/∂k̂', [dkHat], [0.5], 1e-15, 1e-12);
    const g = Math.exp(-(1 - t) / alpha) / 2; // = ½e^{−100}
    expectClose('∂ℒ/∂h', dh.subarray(0, 2), [(g / alpha) * 1.5, (g / alpha) * -1.5], 0, 1e-9);
    expect(dh[0]).toBeGreaterThan(0);
  });

  it('has zero ∂/∂h and a finite ∂/∂k̂ at k̂ = F (t = −∞)', () => {
    const h = Float64Array.from([0.5, 0.1, 0.9]);
    const { t } = softTopK(h, 3, 0.1);
    const { dh, dkHat } = softTopKBackward(h, t, 0.1, [1, 2, 3]);
    expect(Array.from(dh)).toEqual([0, 0, 0]);
    // Limit t → −∞ of softmax(−|h − t|/α) is softmax(−h/α): weights ∝ e^{−5}, e^{−1}, e^{−9}.
    const w = [Math.exp(-5), Math.exp(-1), Math.exp(-9)];
    const want = (1 * w[0] + 2 * w[1] + 3 * w[2]) / (w[0] + w[1] + w[2]);
    expectClose('∂ℒ/∂k̂', [dkHat], [want], 0, 1e-12);
  });
});
