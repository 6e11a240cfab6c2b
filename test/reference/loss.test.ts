/** Loss terms, dead-feature bookkeeping, metrics, normalisation and initialisation. */
import { describe, expect, it } from 'vitest';
import {
  auxLoss,
  deadMask,
  kLoss,
  softplus5,
  updateDeadCounters,
} from '../../src/reference/sae/loss.ts';
import { computeMetrics } from '../../src/reference/sae/metrics.ts';
import {
  computeNormalization,
  denormalizeRows,
  initParams,
  normalizeRows,
} from '../../src/model/params.ts';
import { expectClose } from '../helpers/compare.ts';

describe('k-loss', () => {
  it('is softplus₅(mean k̂ − k) = log(1 + e^{5z})/5 with gradient σ(5z)/B per row', () => {
    const kHat = Float64Array.from([3, 5, 7]); // mean 5
    const { value, dkHat } = kLoss(kHat, 4); // z = 1
    expect(value).toBeCloseTo(Math.log(1 + Math.exp(5)) / 5, 15);
    expect(dkHat).toBeCloseTo(1 / (1 + Math.exp(-5)) / 3, 15);
    expect(softplus5(0)).toBeCloseTo(Math.log(2) / 5, 15);
    expect(softplus5(-4)).toBeCloseTo(Math.log1p(Math.exp(-20)) / 5, 20);
    expect(softplus5(300)).toBe(300); // no overflow
  });
});

describe('dead-feature counters', () => {
  it('add B rows to every counter and reset the features that fired', () => {
    const counters = Float64Array.from([0, 10, 100, 5]);
    const f = Float64Array.from([0, 0.5, 0, 0, 0, 0, 0, 2]); // B = 2, F = 4
    expect(Array.from(updateDeadCounters(counters, f, 2))).toEqual([0, 1, 0, 1]);
    expect(Array.from(counters)).toEqual([2, 0, 102, 0]);
    expect(Array.from(deadMask(counters, 100))).toEqual([0, 0, 1, 0]);
  });
});

describe('aux-k loss', () => {
  it('matches a hand computation', () => {
    // D = 2, F = 2, B = 2; decoder = identity; feature 1 dead; k_aux = min(⌊2/2⌋, 1) = 1.
    const params = initParams({ D: 2, F: 2, k: 1, kMax: 2, alpha: 1, seed: 0 });
    params.tensors['decoder.weight'].set([1, 0, 0, 1]);
    const x = Float64Array.from([1, 2, 3, 0]);
    const xHat = Float64Array.from([0, 0, 1, 1]); // e = [[1, 2], [2, −1]]
    const h = Float64Array.from([0.5, 1.5, 0.2, 0.4]); // z_aux = [[0, 1.5], [0, 0.4]]
    const aux = auxLoss(params, x, xHat, h, Uint8Array.from([0, 1]));
    // e − W z = [[1, 0.5], [2, −1.4]] → mean ‖·‖² = (1.25 + 5.96)/2 = 3.605
    // ē = [1.5, 0.5] → mean ‖e − ē‖² = (0.25 + 2.25 + 0.25 + 2.25)/2 = 2.5
    expect(aux.preNorm).toBeCloseTo(3.605, 14);
    expect(aux.denom).toBeCloseTo(2.5, 14);
    expect(aux.value).toBeCloseTo(3.605 / 2.5, 14);
    expect(Array.from(aux.mask)).toEqual([0, 1, 0, 1]);
  });

  it('is 0 and inactive without dead features, and 0 when the ratio is not finite (B = 1)', () => {
    const params = initParams({ D: 2, F: 2, k: 1, kMax: 2, alpha: 1, seed: 0 });
    const x = Float64Array.from([1, 2]);
    const none = auxLoss(
      params,
      x,
      new Float64Array(2),
      Float64Array.from([1, 1]),
      new Uint8Array(2),
    );
    expect([none.active, none.value, none.preNorm]).toEqual([false, 0, -1]);
    const single = auxLoss(
      params,
      x,
      new Float64Array(2),
      Float64Array.from([1, 1]),
      Uint8Array.from([1, 1]),
    );
    expect([single.active, single.value, single.denom]).toEqual([true, 0, 0]);
  });
});

describe('metrics', () => {
  it('match hand-computed values', () => {
    const x = Float64Array.from([1, 0, -1, 0]);
    const xHat = Float64Array.from([0.5, 0, -0.5, 0]);
    const f = Float64Array.from([1, 0, 0, 0, 0, 2]); // F = 3
    const m = computeMetrics(x, xHat, f, 2, 3, Float64Array.from([1.5, 2.5]));
    expect(Array.from(m.sqErr)).toEqual([0.25, 0.25]);
    expect(m.mse).toBe(0.125);
    expect(m.fvu).toBeCloseTo(0.25, 15); // Σ Var(x − x̂) = 0.5 over Σ Var(x) = 2
    expect(m.explainedVariance).toBeCloseTo(0.75, 15);
    expect(Array.from(m.cosine)).toEqual([1, 1]);
    expect(Array.from(m.l0)).toEqual([1, 1]);
    expect([m.kHatMean, m.kHatMin, m.kHatMax]).toEqual([2, 1.5, 2.5]);
    expect(Array.from(m.density)).toEqual([0.5, 0, 0.5]);
    expect(m.deadFraction).toBeCloseTo(1 / 3, 15);
    expect(m.l2Ratio).toBe(0.5);
  });
});

describe('normalisation', () => {
  it('averages per-batch mean rows and mean squared norms of the uncentred rows', () => {
    const n = computeNormalization([Float64Array.from([1, 0, 3, 0]), Float64Array.from([0, 2])], 2);
    // batch 1: mean [2, 0], mean ‖x‖² 5; batch 2: mean [0, 2], mean ‖x‖² 4
    expect(Array.from(n.shiftFactor)).toEqual([1, 1]);
    expect(n.normFactor).toBeCloseTo(Math.sqrt(4.5), 15);
    const x = Float64Array.from([3, -1]);
    expectClose('round trip', denormalizeRows(normalizeRows(x, n), n), x, 1e-15, 0);
    expectClose(
      'normalised',
      normalizeRows(x, n),
      [2 / Math.sqrt(4.5), -2 / Math.sqrt(4.5)],
      1e-15,
      0,
    );
  });
});

describe('initialisation', () => {
  const p = initParams({ D: 5, F: 9, k: 2, kMax: 4, alpha: 0.1, seed: 42 });

  it('has unit decoder columns, a tied encoder, a copied k-estimator and zero biases', () => {
    const dec = p.tensors['decoder.weight'];
    for (let j = 0; j < 9; j++) {
      let sq = 0;
      for (let d = 0; d < 5; d++) {
        sq += dec[d * 9 + j] ** 2;
        expect(p.tensors['encoder.weight'][j * 5 + d]).toBe(dec[d * 9 + j]);
      }
      expect(Math.abs(Math.sqrt(sq) - 1)).toBeLessThan(1e-15);
    }
    expect(Array.from(p.tensors['k_estimator.0.weight'])).toEqual(
      Array.from(p.tensors['encoder.weight']),
    );
    expect(p.tensors['k_estimator.0.weight']).not.toBe(p.tensors['encoder.weight']);
    for (const name of ['encoder.bias', 'b_dec', 'k_estimator.0.bias'] as const) {
      expect(p.tensors[name].every((v) => v === 0)).toBe(true);
    }
    for (const v of p.tensors['k_estimator.2.weight'])
      expect(Math.abs(v)).toBeLessThanOrEqual(1 / 3);
  });

  it('is deterministic per seed', () => {
    const again = initParams({ D: 5, F: 9, k: 2, kMax: 4, alpha: 0.1, seed: 42 });
    const other = initParams({ D: 5, F: 9, k: 2, kMax: 4, alpha: 0.1, seed: 43 });
    expect(Array.from(again.tensors['decoder.weight'])).toEqual(
      Array.from(p.tensors['decoder.weight']),
    );
    expect(Array.from(other.tensors['decoder.weight'])).not.toEqual(
      Array.from(p.tensors['decoder.weight']),
    );
  });
});
