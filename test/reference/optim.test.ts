/** Training-step pieces against hand-derived values: schedule, annealing, projection, clipping, Adam, median. */
import { describe, expect, it } from 'vitest';
import { geometricMedian } from '../../src/model/geometricMedian.ts';
import { annealedAlpha, annealedK, lrFactor } from '../../src/model/schedules.ts';
import {
  adamStep,
  clipGradNorm,
  createAdamState,
  projectDecoderGrad,
} from '../../src/reference/sae/optim.ts';
import { initParams } from '../../src/model/params.ts';
import { createRng } from '../../src/model/rng.ts';
import { expectClose } from '../helpers/compare.ts';

describe('learning-rate schedule', () => {
  it('warms up linearly, stays constant, then decays linearly to 0 at `steps`', () => {
    const f = (s: number) => lrFactor(s, 100, 10, 80);
    expect([0, 5, 9, 10, 50, 79, 80, 90, 99].map(f)).toEqual([0, 0.5, 0.9, 1, 1, 1, 1, 0.5, 0.05]);
    expect(lrFactor(500, 1000, 0, null)).toBe(1);
    expect(lrFactor(0, 1000, 0, null)).toBe(1);
  });
});

describe('annealing', () => {
  it('anneals k as int(D(1 − r) + k·r)', () => {
    // D = 512, k = 220 over 1600 steps (the CLIP configuration)
    expect([0, 800, 1600, 5000].map((s) => annealedK(s, 512, 220, 1600))).toEqual([
      512, 366, 220, 220,
    ]);
    // D = 10, k = 3 over 3 steps: 10·⅔ + 1 = 7.67 → 7; 10·⅓ + 2 = 5.33 → 5
    expect([0, 1, 2, 3].map((s) => annealedK(s, 10, 3, 3))).toEqual([10, 7, 5, 3]);
  });

  it('anneals α as (1 − r) + α_target·r', () => {
    expect(annealedAlpha(0, 1e-4, 100)).toBe(1);
    expect(annealedAlpha(50, 1e-4, 100)).toBeCloseTo(0.50005, 15);
    expect(annealedAlpha(400, 1e-4, 100)).toBeCloseTo(1e-4, 15);
  });
});

describe('decoder-gradient projection', () => {
  it('leaves each column gradient orthogonal to its column and keeps the orthogonal part', () => {
    const { D, F } = { D: 5, F: 7 };
    const dec = initParams({ D, F, k: 1, kMax: 2, alpha: 1, seed: 2 }).tensors['decoder.weight'];
    const rng = createRng(3);
    const g = Float64Array.from({ length: D * F }, () => rng.normal());
    const before = g.slice();
    projectDecoderGrad(dec, g, D, F);
    for (let j = 0; j < F; j++) {
      let dot = 0;
      let dotBefore = 0;
      for (let d = 0; d < D; d++) {
        dot += g[d * F + j] * dec[d * F + j];
        dotBefore += before[d * F + j] * dec[d * F + j];
      }
      expect(Math.abs(dot)).toBeLessThan(1e-5); // ŵ uses ‖w‖ + 1e-6, as the reference
      // removed exactly the parallel part: g_before − g_after = (g·w) w
      for (let d = 0; d < D; d++) {
        expect(before[d * F + j] - g[d * F + j]).toBeCloseTo(dotBefore * dec[d * F + j], 5);
      }
    }
  });
});

describe('gradient clipping', () => {
  it('scales by 1/(norm + 1e-6) when the global norm exceeds 1, else leaves gradients alone', () => {
    const grads = { b_dec: Float64Array.from([3, 0]), 'encoder.bias': Float64Array.from([4]) };
    expect(clipGradNorm(grads, 1)).toBe(5);
    const s = 1 / (5 + 1e-6);
    expectClose(
      'clipped',
      [...grads.b_dec, ...grads['encoder.bias']],
      [3 * s, 0, 4 * s],
      1e-15,
      1e-14,
    );
    const small = { b_dec: Float64Array.from([0.3, 0.4]) };
    expect(clipGradNorm(small, 1)).toBeCloseTo(0.5, 15);
    expect(Array.from(small.b_dec)).toEqual([0.3, 0.4]);
  });
});

describe('Adam', () => {
  it('moves each entry by −lr·g/(|g| + ε) on the first step and skips tensors without a gradient', () => {
    const tensors = initParams({ D: 2, F: 3, k: 1, kMax: 2, alpha: 1, seed: 1 }).tensors;
    const before = tensors.b_dec.slice();
    const encBefore = tensors['encoder.weight'].slice();
    const state = createAdamState(tensors);
    const g = Float64Array.from([0.5, -2e-3]);
    adamStep(tensors, { b_dec: g }, state, 0.1);
    const want = Array.from(before, (v, i) => v - (0.1 * g[i]) / (Math.abs(g[i]) + 1e-8));
    expectClose('b_dec', tensors.b_dec, want, 1e-15, 1e-12);
    expect(Array.from(tensors['encoder.weight'])).toEqual(Array.from(encBefore));
    expect(state.step.b_dec).toBe(1);
    expect(state.step['encoder.weight']).toBe(0);
  });

  it('matches the bias-corrected recursion on a second step', () => {
    const tensors = initParams({ D: 1, F: 1, k: 1, kMax: 2, alpha: 1, seed: 1 }).tensors;
    tensors.b_dec[0] = 0;
    const state = createAdamState(tensors);
    adamStep(tensors, { b_dec: Float64Array.from([1]) }, state, 0.01);
    adamStep(tensors, { b_dec: Float64Array.from([-3]) }, state, 0.01);
    // m = 0.9·0.1 − 0.3 = −0.21; v = 0.999·0.001 + 0.009 = 0.009999
    const m = -0.21;
    const v = 0.999 * 0.001 + 0.001 * 9;
    const step2 = ((0.01 / (1 - 0.81)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
    expect(tensors.b_dec[0]).toBeCloseTo(-0.01 / (1 + 1e-8) - step2, 14);
  });
});

describe('geometric median (Weiszfeld)', () => {
  it('finds the diagonal intersection of a convex quadrilateral', () => {
    // Classic result: for four points in convex position the geometric median is where the
    // diagonals cross. Diagonals (0,0)–(5,3) and (4,0)–(1,4) cross at s·(5, 3) with 5s = 4 − 9s/4, s = 16/29.
    const x = Float64Array.from([0, 0, 4, 0, 5, 3, 1, 4]);
    const m = geometricMedian(x, 2, 10000, 1e-13);
    expectClose('median', m, [80 / 29, 48 / 29], 1e-9, 0);
    // Default settings (≤ 100 iterations, tol 1e-5), as used at step 0.
    expectClose('median (defaults)', geometricMedian(x, 2), [80 / 29, 48 / 29], 1e-3, 0);
  });
});
