/**
 * Hard selections: SoftSAE's top-⌊k̂⌋ (including rows with fewer positive entries), TopK,
 * BatchTopK and its threshold inference, and the aux-k dead selection. Counts are exact.
 */
import { describe, expect, it } from 'vitest';
import { forward } from '../../src/reference/sae/forward.ts';
import { initParams } from '../../src/model/params.ts';
import { batchTopKMask, deadTopKMask, topKIndices } from '../../src/reference/sae/select.ts';
import { randomModel } from '../helpers/randomModel.ts';

describe('topKIndices', () => {
  it('orders by value and breaks ties by lower index', () => {
    expect(topKIndices([3, 1, 3, 2], 1)).toEqual([0]);
    expect(topKIndices([3, 1, 3, 2], 3)).toEqual([0, 2, 3]);
    expect(topKIndices([0, 0, 0], 2)).toEqual([0, 1]);
    expect(topKIndices([5, 4], 7)).toEqual([0, 1]);
    expect(topKIndices([5, 4], 0)).toEqual([]);
  });
});

describe('SoftSAE hard path (top-⌊k̂⌋)', () => {
  // A hand-built model: encoder rows e0, e1, e2, −e0, −e1, e0+e1+e2; zero biases; the
  // k-estimator ignores x (w₂ = 0) and gives σ = 0.35, so k̂ = 0.35·10 = 3.5 and ⌊k̂⌋ = 3.
  const params = initParams({ D: 3, F: 6, k: 3, kMax: 10, alpha: 0.1, seed: 0 });
  params.tensors['encoder.weight'].set([1, 0, 0, 0, 1, 0, 0, 0, 1, -1, 0, 0, 0, -1, 0, 1, 1, 1]);
  params.tensors['encoder.bias'].fill(0);
  params.tensors['k_estimator.2.weight'].fill(0);
  params.tensors['k_estimator.2.bias'][0] = Math.log(0.35 / 0.65);
  const x = Float64Array.from(
    [
      [2, -1, 0.5], // h = [2, 0, 0.5, 0, 1, 1.5]: four positives, keep the top 3
      [-1, -1, -3], // h = [0, 0, 0, 1, 1, 0]: only two positives → L0 = 2
      [0, 0, 0], //    all-zero row → L0 = 0
      [1, 1, 1], //    h = [1, 1, 1, 0, 0, 3]: tie at the boundary → lower indices 0, 1 win
    ].flat(),
  );
  const fwd = forward(params, x, 'hard');

  it('keeps exactly the hand-derived entries', () => {
    for (const v of fwd.kHat!) expect(Math.floor(v)).toBe(3);
    expect(Array.from(fwd.f)).toEqual(
      [
        [2, 0, 0, 0, 1, 1.5],
        [0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 3],
      ].flat(),
    );
  });

  it('gives rows with fewer positive entries a smaller L0', () => {
    const l0 = [0, 1, 2, 3].map(
      (b) => fwd.f.subarray(b * 6, b * 6 + 6).filter((v) => v !== 0).length,
    );
    expect(l0).toEqual([3, 2, 0, 3]);
  });
});

describe('TopK and BatchTopK', () => {
  const { params, x } = randomModel({ D: 6, F: 20, B: 7, k: 4, kMax: 8, alpha: 0.1, seed: 11 });
  const { F } = params;

  it('TopK keeps exactly k entries per row, each ≥ every dropped entry', () => {
    const fwd = forward(params, x, 'topk');
    for (let b = 0; b < 7; b++) {
      const row = fwd.h.subarray(b * F, (b + 1) * F);
      const mask = fwd.mask!.subarray(b * F, (b + 1) * F);
      expect(mask.reduce((a, v) => a + v, 0)).toBe(4);
      const minKept = Math.min(...row.filter((_, j) => mask[j] === 1));
      const maxDropped = Math.max(...row.filter((_, j) => mask[j] === 0));
      expect(minKept).toBeGreaterThanOrEqual(maxDropped);
      const positives = row.filter((v) => v > 0).length;
      expect(fwd.f.subarray(b * F, (b + 1) * F).filter((v) => v !== 0).length).toBe(
        Math.min(4, positives),
      );
    }
  });

  it('BatchTopK keeps exactly k·B entries of the batch, each ≥ every dropped entry', () => {
    const fwd = forward(params, x, 'batchtopk');
    expect(fwd.mask!.reduce((a, v) => a + v, 0)).toBe(4 * 7);
    const kept = Array.from(fwd.h).filter((_, i) => fwd.mask![i] === 1);
    const dropped = Array.from(fwd.h).filter((_, i) => fwd.mask![i] === 0);
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
    // Rows differ in how many entries they keep (that is the point of BatchTopK here).
    const perRow = Array.from({ length: 7 }, (_, b) =>
      fwd.mask!.subarray(b * F, (b + 1) * F).reduce((a, v) => a + v, 0),
    );
    expect(new Set(perRow).size).toBeGreaterThan(1);
  });

  it('BatchTopK breaks ties by lower flat index', () => {
    expect(Array.from(batchTopKMask(Float64Array.from([1, 1, 1, 0]), 2))).toEqual([1, 1, 0, 0]);
    expect(Array.from(batchTopKMask(Float64Array.from([0, 2, 1, 2]), 3))).toEqual([0, 1, 1, 1]);
  });

  it('BatchTopK inference keeps h > θ', () => {
    params.threshold = 0.4;
    const fwd = forward(params, x, 'threshold');
    for (let i = 0; i < fwd.h.length; i++) expect(fwd.f[i]).toBe(fwd.h[i] > 0.4 ? fwd.h[i] : 0);
  });
});

describe('aux-k dead selection', () => {
  it('keeps the top min(count, #dead) dead entries per row, ties → lower index', () => {
    const h = Float64Array.from([5, 1, 2, 2, 0, 9, 0, 3, 1, 1]); // two rows of F = 5
    const dead = Uint8Array.from([0, 1, 1, 1, 0]);
    expect(Array.from(deadTopKMask(h, 2, 5, dead, 2))).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 1, 0]);
    expect(Array.from(deadTopKMask(h, 2, 5, dead, 9))).toEqual([0, 1, 1, 1, 0, 0, 1, 1, 1, 0]);
    expect(Array.from(deadTopKMask(h, 2, 5, dead, 0))).toEqual(new Array(10).fill(0));
  });
});
