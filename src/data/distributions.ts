/**
 * Seeded sampling helpers for the synthetic lab: discrete tables (how many features a row has),
 * Zipf popularity (which features), strictly positive magnitudes (how strongly), and independent
 * sub-streams of one seed. Everything draws from the project's single PRNG (`createRng`).
 */
import { createRng, type Rng } from '../model/rng.ts';

/**
 * Distribution of the number of active true features in a row (or of concepts in a word),
 * always an integer in `[min, max]`.
 * - `uniform`: every integer in the range equally likely.
 * - `geometric`: P(n) ∝ (1 − p)^(n − min) with p = 1 / (mean − min + 1), i.e. the untruncated mean
 *   is `mean`; truncation at `max` lowers it slightly. Many simple rows, a long tail of complex ones.
 * - `zipf`: P(n) ∝ (n − min + 1)^(−exponent); heavier head than geometric.
 */
export type CountDistribution =
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'geometric'; min: number; max: number; mean: number }
  | { kind: 'zipf'; min: number; max: number; exponent: number };

/**
 * Distribution of an active coefficient. Always strictly positive: draws below `floor` are redrawn,
 * because a feature "active" with a coefficient of 1e-6 is invisible in x and would make the
 * ground-truth count a lie that no SAE can track.
 * - `absNormal`: |N(mean, std)|.
 * - `exponential`: Exp with the given mean (heavy right tail, many small coefficients).
 */
export type MagnitudeDistribution =
  | { kind: 'absNormal'; mean: number; std: number; floor?: number }
  | { kind: 'exponential'; mean: number; floor?: number };

/** Default `floor` of a magnitude distribution. */
export const DEFAULT_MAGNITUDE_FLOOR = 0.05;

/**
 * Derives the seed of an independent sub-stream. mulberry32 is a counter generator, so two plain
 * seeds are two windows of one cycle; hashing `(seed, stream)` puts the windows ~2^31 draws apart on
 * average. Separate streams keep e.g. the dictionary unchanged when only the row count changes.
 */
export function subSeed(seed: number, stream: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A generator for sub-stream `stream` of `seed`. */
export function subRng(seed: number, stream: number): Rng {
  return createRng(subSeed(seed, stream));
}

/** Cumulative sums of non-negative weights, normalised so the last entry is exactly 1. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const cdf = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] >= 0)) throw new Error(`weight ${i} is ${weights[i]}; must be ≥ 0`);
    total += weights[i];
    cdf[i] = total;
  }
  if (!(total > 0)) throw new Error('weights sum to zero');
  for (let i = 0; i < cdf.length; i++) cdf[i] /= total;
  cdf[cdf.length - 1] = 1;
  return cdf;
}

/** Index i with probability ∝ weight i, by binary search of the CDF (first i with cdf[i] > u). */
export function sampleIndex(cdf: Float64Array, rng: Rng): number {
  const u = rng.uniform();
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Zipf popularity weights w_r = (r + 1)^(−exponent) over ranks r = 0…n−1, assigned to items in a
 * random order, so that an item's index says nothing about how common it is (as in a real SAE
 * dictionary). `exponent = 0` gives uniform popularity.
 */
export function zipfWeights(n: number, exponent: number, rng: Rng): Float64Array {
  if (!(exponent >= 0)) throw new Error(`Zipf exponent must be ≥ 0, got ${exponent}`);
  const order = permutation(n, rng);
  const w = new Float64Array(n);
  for (let r = 0; r < n; r++) w[order[r]] = (r + 1) ** -exponent;
  return w;
}

/** A uniformly random permutation of 0…n−1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Checks a count distribution and returns its probability table over `min…max`. */
export function countTable(dist: CountDistribution, upper: number): Float64Array {
  const { min, max } = dist;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
    throw new Error(`count range [${min}, ${max}] must be integers with 1 ≤ min ≤ max`);
  }
  if (max > upper) throw new Error(`count max ${max} exceeds the ${upper} available features`);
  const w = new Float64Array(max - min + 1);
  for (let i = 0; i < w.length; i++) {
    if (dist.kind === 'uniform') w[i] = 1;
    else if (dist.kind === 'geometric') {
      if (!(dist.mean >= min)) throw new Error(`geometric mean ${dist.mean} must be ≥ min ${min}`);
      w[i] = (1 - 1 / (dist.mean - min + 1)) ** i;
    } else {
      if (!(dist.exponent >= 0)) throw new Error('zipf exponent must be ≥ 0');
      w[i] = (i + 1) ** -dist.exponent;
    }
  }
  return cumulative(w);
}

/** Draws a count from the table returned by {@link countTable} for the same distribution. */
export function sampleCount(table: Float64Array, min: number, rng: Rng): number {
  return min + sampleIndex(table, rng);
}

/** Validates a magnitude distribution (throws on nonsense parameters). */
export function checkMagnitude(dist: MagnitudeDistribution): void {
  const floor = dist.floor ?? DEFAULT_MAGNITUDE_FLOOR;
  if (!(floor > 0)) throw new Error(`magnitude floor must be > 0, got ${floor}`);
  if (dist.kind === 'absNormal') {
    if (!(dist.std >= 0) || !(Math.abs(dist.mean) + 4 * dist.std > floor)) {
      throw new Error('absNormal magnitude: std must be ≥ 0 and |mean| + 4·std above the floor');
    }
  } else if (!(dist.mean > 0)) throw new Error('exponential magnitude: mean must be > 0');
}

/** One strictly positive magnitude (≥ floor), redrawing values below the floor. */
export function sampleMagnitude(dist: MagnitudeDistribution, rng: Rng): number {
  const floor = dist.floor ?? DEFAULT_MAGNITUDE_FLOOR;
  for (;;) {
    const v =
      dist.kind === 'absNormal'
        ? Math.abs(dist.mean + dist.std * rng.normal())
        : -dist.mean * Math.log(1 - rng.uniform()); // 1 − u ∈ (0, 1]: finite log
    if (v >= floor) return v;
  }
}

/**
 * Draws `n` distinct indices, each successive draw ∝ weight among those not yet drawn (sequential
 * weighted sampling without replacement), into `out[0…n)`. Duplicates are rejected using `stamp`,
 * a scratch array of the item count whose entries equal `mark` for items already taken, so a row
 * costs O(n log G) with no allocation. If heavy skew makes rejection slow, the remaining draws fall
 * back to an exact linear scan over the untaken items (same distribution).
 */
export function sampleDistinct(
  cdf: Float64Array,
  weights: Float64Array,
  n: number,
  rng: Rng,
  stamp: Uint32Array,
  mark: number,
  out: Uint32Array,
): void {
  let got = 0;
  let tries = 0;
  while (got < n && tries < 64 * n) {
    tries++;
    const i = sampleIndex(cdf, rng);
    if (stamp[i] === mark) continue;
    stamp[i] = mark;
    out[got++] = i;
  }
  while (got < n) {
    let free = 0;
    for (let i = 0; i < weights.length; i++) if (stamp[i] !== mark) free += weights[i];
    if (!(free > 0)) throw new Error(`cannot draw ${n} distinct items with positive weight`);
    let u = rng.uniform() * free;
    let pick = -1;
    for (let i = 0; i < weights.length; i++) {
      if (stamp[i] === mark || weights[i] === 0) continue;
      pick = i;
      u -= weights[i];
      if (u < 0) break;
    }
    stamp[pick] = mark;
    out[got++] = pick;
  }
}
