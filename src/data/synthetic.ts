/**
 * Synthetic activation lab: rows x = Σ_g c_g·a_g (+ noise) built from a known dictionary of true
 * features, so that everything an SAE should find is known exactly.
 *
 * Each row draws how many true features are active (its complexity, `activeCount`), which ones
 * (Zipf-skewed popularity, like real LLM features where a few fire constantly and most rarely),
 * and a strictly positive coefficient for each. The lab is the testbed for the SoftSAE claim of
 * spec §7: the predicted k̂ should grow with `activeCount`.
 *
 * Determinism: the same options give bit-identical output. Every stage draws from its own
 * sub-stream of `seed` (dictionary, popularity, counts, supports, noise), and rows are generated in
 * order, so growing `rows` keeps the dictionary and extends the earlier rows unchanged.
 *
 * Memory: besides x ([rows, D] float32) the support is stored in CSR form (three typed arrays);
 * nothing allocates a JS object per row.
 */
import type { Rng } from '../model/rng.ts';
import {
  checkMagnitude,
  countTable,
  cumulative,
  sampleCount,
  sampleDistinct,
  sampleMagnitude,
  subRng,
  zipfWeights,
  type CountDistribution,
  type MagnitudeDistribution,
} from './distributions.ts';
import { makeDictionary, type Coherence } from './dictionary.ts';

/** Which true features are active in each row and with what coefficient (CSR, rows sorted by index). */
export interface SparseSupport {
  /** Row r's entries are `offsets[r] … offsets[r + 1] − 1` [rows + 1]. */
  offsets: Uint32Array;
  /** Feature (atom) index of each entry, ascending within a row [nnz]. */
  indices: Uint32Array;
  /** Coefficient of each entry, > 0 [nnz]. */
  coeffs: Float32Array;
}

/** A generated dataset and its ground truth. */
export interface LabData {
  /** Rows, row-major [rows, D]: x_r = Σ coeffs·atoms over row r's support, plus noise. */
  x: Float32Array;
  D: number;
  rows: number;
  /** Number of true features (dictionary atoms). */
  G: number;
  /** True features, row-major [G, D], unit rows. */
  dictionary: Float32Array;
  /** Atom pairs made to correlate, flattened [P, 2] (see {@link Coherence}). */
  correlatedPairs: Uint32Array;
  /** Number of active true features per row [rows] — the ground-truth complexity. */
  activeCount: Uint16Array;
  support: SparseSupport;
  /** Fraction of rows in which each true feature is active [G] (measured, not the sampling weight). */
  featureFrequency: Float64Array;
  /** Standard deviation of the additive noise per coordinate (0 = exact sparse sums). */
  noiseStd: number;
}

/** Options of {@link generateLab}. Only `seed`, `D`, `G` and `rows` are required. */
export interface LabOptions {
  /** Any integer; the same options and seed give bit-identical data. */
  seed: number;
  /** Row width (activation dimension). */
  D: number;
  /** Number of true features; 2·D…4·D makes the dictionary overcomplete, as in an SAE. */
  G: number;
  rows: number;
  /** Active features per row. Default: uniform in [1, min(12, G)]. */
  count?: CountDistribution;
  /** Coefficient of each active feature. Default: |N(1, 0.5)|, floor 0.05. */
  magnitude?: MagnitudeDistribution;
  /** Zipf exponent of feature popularity; 0 = all equally common. Default 1. */
  frequencySkew?: number;
  /** Std of additive N(0, σ²) noise per coordinate. Default 0. Atoms are unit, so a row with k
   *  active features of coefficient ≈ 1 has ‖signal‖ ≈ √k against ‖noise‖ ≈ σ·√D. */
  noiseStd?: number;
  /** Correlated atom pairs. Default: none (independent random directions). */
  coherence?: Coherence;
}

/** Default count / magnitude / skew of {@link generateLab}. */
export const LAB_DEFAULTS = {
  count: { kind: 'uniform', min: 1, max: 12 } as CountDistribution,
  magnitude: { kind: 'absNormal', mean: 1, std: 0.5 } as MagnitudeDistribution,
  frequencySkew: 1,
};

/** Sub-stream ids of one seed; fixed so that adding a stage never shifts another stage's draws. */
export const STREAM = { dictionary: 0, popularity: 1, counts: 2, support: 3, noise: 4, words: 5 };

/** Sorts entries [start, end) of a CSR row by index, carrying the coefficients (rows are short). */
export function sortRow(
  indices: Uint32Array,
  coeffs: Float32Array,
  start: number,
  end: number,
): void {
  for (let i = start + 1; i < end; i++) {
    const idx = indices[i];
    const c = coeffs[i];
    let j = i - 1;
    while (j >= start && indices[j] > idx) {
      indices[j + 1] = indices[j];
      coeffs[j + 1] = coeffs[j];
      j--;
    }
    indices[j + 1] = idx;
    coeffs[j + 1] = c;
  }
}

/**
 * Builds x from a CSR support: each coordinate is accumulated in float64 from the float32 atoms and
 * float32 coefficients, noise is added, and the result is rounded to float32 once. So x is the
 * float32 rounding of an exactly reproducible float64 value (tests recompute it from the CSR).
 */
export function renderRows(
  dictionary: Float32Array,
  D: number,
  support: SparseSupport,
  noiseStd: number,
  noiseRng: Rng,
): Float32Array {
  const { offsets, indices, coeffs } = support;
  const rows = offsets.length - 1;
  const x = new Float32Array(rows * D);
  const acc = new Float64Array(D);
  for (let r = 0; r < rows; r++) {
    acc.fill(0);
    for (let e = offsets[r]; e < offsets[r + 1]; e++) {
      const c = coeffs[e];
      const base = indices[e] * D;
      for (let d = 0; d < D; d++) acc[d] += c * dictionary[base + d];
    }
    if (noiseStd > 0) for (let d = 0; d < D; d++) acc[d] += noiseStd * noiseRng.normal();
    x.set(acc, r * D); // Float32Array.set rounds each value to nearest float32
  }
  return x;
}

/** Fraction of rows in which each of the G features is active. */
export function measureFrequency(support: SparseSupport, G: number): Float64Array {
  const rows = support.offsets.length - 1;
  const freq = new Float64Array(G);
  for (let e = 0; e < support.indices.length; e++) freq[support.indices[e]] += 1;
  if (rows > 0) for (let g = 0; g < G; g++) freq[g] /= rows;
  return freq;
}

/** Validates the options shared by the lab generators. */
export function checkCommon(o: { seed: number; D: number; G: number; noiseStd?: number }): void {
  if (!Number.isInteger(o.seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
  if (!Number.isInteger(o.G) || o.G < 1 || o.G > 2 ** 31) throw new Error(`bad G ${o.G}`);
  if (!(o.noiseStd === undefined || o.noiseStd >= 0)) throw new Error('noiseStd must be ≥ 0');
}

/** Generates a synthetic lab dataset (see the module comment for the model and guarantees). */
export function generateLab(opts: LabOptions): LabData {
  checkCommon(opts);
  const { seed, D, G, rows } = opts;
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`rows must be an integer ≥ 0`);
  const count = opts.count ?? { ...LAB_DEFAULTS.count, max: Math.min(12, G) };
  const magnitude = opts.magnitude ?? LAB_DEFAULTS.magnitude;
  const noiseStd = opts.noiseStd ?? 0;
  if (count.max > 65535) throw new Error('at most 65535 active features per row');
  checkMagnitude(magnitude);

  const { atoms, correlatedPairs } = makeDictionary(
    D,
    G,
    opts.coherence,
    subRng(seed, STREAM.dictionary),
  );
  const weights = zipfWeights(
    G,
    opts.frequencySkew ?? LAB_DEFAULTS.frequencySkew,
    subRng(seed, STREAM.popularity),
  );
  const cdf = cumulative(weights);

  // Pass 1: counts, so the CSR arrays are allocated once at their exact size.
  const table = countTable(count, G);
  const countRng = subRng(seed, STREAM.counts);
  const activeCount = new Uint16Array(rows);
  const offsets = new Uint32Array(rows + 1);
  for (let r = 0; r < rows; r++) {
    activeCount[r] = sampleCount(table, count.min, countRng);
    offsets[r + 1] = offsets[r] + activeCount[r];
  }

  // Pass 2: which features, and their coefficients (rounded to float32 as stored).
  const nnz = offsets[rows];
  const indices = new Uint32Array(nnz);
  const coeffs = new Float32Array(nnz);
  const supportRng = subRng(seed, STREAM.support);
  const stamp = new Uint32Array(G);
  const picked = new Uint32Array(count.max);
  for (let r = 0; r < rows; r++) {
    const n = activeCount[r];
    sampleDistinct(cdf, weights, n, supportRng, stamp, r + 1, picked);
    for (let i = 0; i < n; i++) {
      indices[offsets[r] + i] = picked[i];
      coeffs[offsets[r] + i] = sampleMagnitude(magnitude, supportRng);
    }
    sortRow(indices, coeffs, offsets[r], offsets[r + 1]);
  }

  const support = { offsets, indices, coeffs };
  const x = renderRows(atoms, D, support, noiseStd, subRng(seed, STREAM.noise));
  return {
    x,
    D,
    rows,
    G,
    dictionary: atoms,
    correlatedPairs,
    activeCount,
    support,
    featureFrequency: measureFrequency(support, G),
    noiseStd,
  };
}
