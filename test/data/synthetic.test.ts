/**
 * The generic lab generator: determinism, shapes, unit atoms and coherence, CSR consistency,
 * x = Σ coeff·atom (+ noise), and that the requested distributions are actually produced.
 */
import { describe, expect, it } from 'vitest';
import { generateLab, type LabOptions } from '../../src/data/synthetic.ts';
import {
  expectConsistentSupport,
  expectExactSums,
  sameBytes,
  sumFromSupport,
} from '../helpers/labCheck.ts';

const base: LabOptions = { seed: 7, D: 16, G: 48, rows: 1500 };

describe('generateLab determinism', () => {
  it('gives identical bytes for the same seed, and different data for another seed', () => {
    const opts: LabOptions = { ...base, noiseStd: 0.05, coherence: { fraction: 0.3, cosine: 0.5 } };
    const a = generateLab(opts);
    const b = generateLab(opts);
    for (const key of ['x', 'dictionary', 'activeCount', 'correlatedPairs'] as const) {
      expect(sameBytes(a[key], b[key]), key).toBe(true);
    }
    for (const key of ['offsets', 'indices', 'coeffs'] as const) {
      expect(sameBytes(a.support[key], b.support[key]), key).toBe(true);
    }
    const c = generateLab({ ...opts, seed: 8 });
    expect(sameBytes(a.x, c.x)).toBe(false);
    expect(sameBytes(a.dictionary, c.dictionary)).toBe(false);
    expect(sameBytes(a.activeCount, c.activeCount)).toBe(false);
  });

  it('keeps the dictionary and the earlier rows when more rows are requested', () => {
    const small = generateLab({ ...base, rows: 300, noiseStd: 0.1 });
    const big = generateLab({ ...base, rows: 900, noiseStd: 0.1 });
    expect(sameBytes(small.dictionary, big.dictionary)).toBe(true);
    expect(sameBytes(small.x, big.x.subarray(0, 300 * base.D))).toBe(true);
    const nnz = small.support.offsets[300];
    expect(sameBytes(small.support.indices, big.support.indices.subarray(0, nnz))).toBe(true);
    expect(sameBytes(small.support.coeffs, big.support.coeffs.subarray(0, nnz))).toBe(true);
  });
});

describe('generateLab shapes and ground truth', () => {
  const data = generateLab({ ...base, count: { kind: 'uniform', min: 2, max: 7 } });

  it('has the documented shapes', () => {
    expect(data.x.length).toBe(base.rows * base.D);
    expect(data.dictionary.length).toBe(base.G * base.D);
    expect(data.activeCount.length).toBe(base.rows);
    expect(data.featureFrequency.length).toBe(base.G);
    expect([data.D, data.G, data.rows]).toEqual([base.D, base.G, base.rows]);
  });

  it('has unit-norm atoms', () => {
    for (let g = 0; g < base.G; g++) {
      let n = 0;
      for (let d = 0; d < base.D; d++) n += data.dictionary[g * base.D + d] ** 2;
      expect(Math.abs(Math.sqrt(n) - 1), `atom ${g}`).toBeLessThan(1e-6);
    }
  });

  it('stores a consistent CSR support with counts in the requested range', () => {
    expectConsistentSupport(data);
    const seen = new Set(data.activeCount);
    expect([...seen].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('makes x the float32 rounding of Σ coeff·atom when noise-free', () => {
    expectExactSums(data);
  });

  it('reports the measured feature frequency', () => {
    const counts = new Float64Array(base.G);
    for (const g of data.support.indices) counts[g]++;
    for (let g = 0; g < base.G; g++) expect(data.featureFrequency[g]).toBe(counts[g] / base.rows);
  });
});

describe('generateLab options', () => {
  it('adds zero-mean Gaussian noise of the requested std', () => {
    const sigma = 0.07;
    const data = generateLab({ ...base, rows: 3000, noiseStd: sigma });
    const ref = sumFromSupport(data);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < ref.length; i++) {
      const e = data.x[i] - ref[i];
      sum += e;
      sq += e * e;
    }
    const n = ref.length; // 48 000 samples: std of the std estimate ≈ σ/√(2n) ≈ 0.3 %
    expect(Math.abs(sum / n)).toBeLessThan(0.02 * sigma);
    expect(Math.sqrt(sq / n) / sigma).toBeGreaterThan(0.98);
    expect(Math.sqrt(sq / n) / sigma).toBeLessThan(1.02);
  });

  it('sets the cosine of every correlated pair and leaves the pairs disjoint', () => {
    const data = generateLab({ ...base, coherence: { fraction: 0.5, cosine: -0.7 } });
    const pairs = data.correlatedPairs;
    expect(pairs.length).toBe(2 * Math.floor((0.5 * base.G) / 2));
    expect(new Set(pairs).size).toBe(pairs.length);
    for (let p = 0; p < pairs.length; p += 2) {
      let dot = 0;
      for (let d = 0; d < base.D; d++) {
        dot += data.dictionary[pairs[p] * base.D + d] * data.dictionary[pairs[p + 1] * base.D + d];
      }
      expect(dot).toBeCloseTo(-0.7, 6);
    }
  });

  it('skews feature frequency when asked, and not otherwise', () => {
    const opts: LabOptions = {
      ...base,
      G: 64,
      rows: 20000,
      count: { kind: 'uniform', min: 1, max: 4 },
    };
    const ratio = (f: Float64Array) => Math.max(...f) / Math.min(...f);
    // Zipf exponent 1 over 64 features: draw weights span 64×; inclusion probabilities less so.
    expect(ratio(generateLab({ ...opts, frequencySkew: 1 }).featureFrequency)).toBeGreaterThan(10);
    // Uniform popularity: ≈ 781 ± 28 occurrences per feature, so max/min stays near 1.
    expect(ratio(generateLab({ ...opts, frequencySkew: 0 }).featureFrequency)).toBeLessThan(1.35);
  });

  it('draws geometric counts with the truncated-geometric mean', () => {
    const count = { kind: 'geometric', min: 1, max: 12, mean: 3 } as const;
    const data = generateLab({ ...base, rows: 20000, count });
    // P(n) ∝ (2/3)^(n − 1) on 1…12 (p = 1/(mean − min + 1) = 1/3).
    let z = 0;
    let m = 0;
    for (let n = 1; n <= 12; n++) {
      z += (2 / 3) ** (n - 1);
      m += n * (2 / 3) ** (n - 1);
    }
    const mean = data.activeCount.reduce((s, v) => s + v, 0) / data.rows;
    expect(Math.abs(mean - m / z)).toBeLessThan(0.06);
    expect(Math.min(...data.activeCount)).toBe(1);
    expect(Math.max(...data.activeCount)).toBeLessThanOrEqual(12);
  });

  it('draws positive magnitudes above the floor with the right mean', () => {
    // Exponential is memoryless: redrawing below the floor gives mean = floor + mean.
    const exp = generateLab({
      ...base,
      rows: 8000,
      magnitude: { kind: 'exponential', mean: 1, floor: 0.25 },
    });
    const c = exp.support.coeffs;
    expect(Math.min(...c)).toBeGreaterThanOrEqual(0.25);
    expect(Math.abs(c.reduce((s, v) => s + v, 0) / c.length - 1.25)).toBeLessThan(0.03);
    const abs = generateLab({ ...base, magnitude: { kind: 'absNormal', mean: 3, std: 0.5 } });
    const a = abs.support.coeffs;
    expect(Math.abs(a.reduce((s, v) => s + v, 0) / a.length - 3)).toBeLessThan(0.05);
  });

  it('rejects impossible options', () => {
    expect(() => generateLab({ ...base, count: { kind: 'uniform', min: 1, max: 49 } })).toThrow();
    expect(() => generateLab({ ...base, count: { kind: 'uniform', min: 0, max: 3 } })).toThrow();
    expect(() => generateLab({ ...base, magnitude: { kind: 'exponential', mean: -1 } })).toThrow();
    expect(() => generateLab({ ...base, coherence: { fraction: 0.5, cosine: 1 } })).toThrow();
    expect(() => generateLab({ ...base, noiseStd: -1 })).toThrow();
  });
});
