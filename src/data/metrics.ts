/**
 * Lab metrics that need the ground truth: does the SAE's per-row sparsity (k̂ or L0) rank rows like
 * their true number of active features, and did its decoder recover the true dictionary?
 * Float64 throughout; recovery is O(G·F·D), fine at lab sizes.
 */

/**
 * Ranks 1…n of `v`, ties receiving the average of the ranks they span (so [10, 20, 20, 30] →
 * [1, 2.5, 2.5, 4]), which keeps Spearman's ρ symmetric and unbiased under ties.
 */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]] === v[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // mean of ranks i + 1 … j + 1
    for (let t = i; t <= j; t++) ranks[order[t]] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Pearson correlation of two equal-length arrays; NaN when either is constant or shorter than 2. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new Error(`length mismatch: ${n} vs ${b.length}`);
  if (n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/**
 * Spearman rank correlation of two per-row arrays (e.g. k̂ or L0 against the true active count):
 * the Pearson correlation of their average ranks. 1 for any strictly increasing relation, −1 for a
 * decreasing one; NaN when either array is constant (no ranking to compare). Inputs must not
 * contain NaN.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  return pearson(averageRanks(a), averageRanks(b));
}

/** How well a learned decoder recovers the true dictionary. */
export interface Recovery {
  /** Best |cosine| of each true feature with any decoder column [G]. */
  bestCosine: Float64Array;
  /** The decoder column achieving it [G] (−1 when F = 0). */
  bestColumn: Int32Array;
  /** Mean of `bestCosine` over true features. */
  meanBestCosine: number;
  /** Fraction of true features with `bestCosine ≥ threshold`. */
  recoveredFraction: number;
  threshold: number;
}

/**
 * Feature recovery: for each true atom, the best |cosine| with any learned decoder atom.
 * `dictionary` is [G, D] row-major (atom g is row g). `decoder` is by default the reference layout
 * `decoder.weight` [D, F] row-major, so learned atom j is column j; pass `layout: 'FD'` for a
 * transposed copy [F, D] with atoms as rows (how the GPU parameter arena stores it). Both sides are
 * normalised here (a zero atom scores 0), and the absolute value counts a sign-flipped atom as found.
 */
export function featureRecovery(
  dictionary: ArrayLike<number>,
  decoder: ArrayLike<number>,
  D: number,
  F: number,
  { threshold = 0.9, layout = 'DF' }: { threshold?: number; layout?: 'DF' | 'FD' } = {},
): Recovery {
  const G = dictionary.length / D;
  if (!Number.isInteger(G)) throw new Error(`dictionary length ${dictionary.length} ∤ D=${D}`);
  if (decoder.length !== D * F) throw new Error(`decoder has ${decoder.length} ≠ D·F values`);
  // Learned atoms as rows [F, D] with unit norm, so the inner loop is contiguous.
  const at =
    layout === 'DF' ? (j: number, d: number) => d * F + j : (j: number, d: number) => j * D + d;
  const cols = new Float64Array(F * D);
  for (let j = 0; j < F; j++) {
    let n = 0;
    for (let d = 0; d < D; d++) n += decoder[at(j, d)] ** 2;
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    for (let d = 0; d < D; d++) cols[j * D + d] = decoder[at(j, d)] * inv;
  }
  const bestCosine = new Float64Array(G);
  const bestColumn = new Int32Array(G).fill(-1);
  const atom = new Float64Array(D);
  let sum = 0;
  let recovered = 0;
  for (let g = 0; g < G; g++) {
    let n = 0;
    for (let d = 0; d < D; d++) n += dictionary[g * D + d] ** 2;
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    for (let d = 0; d < D; d++) atom[d] = dictionary[g * D + d] * inv;
    for (let j = 0; j < F; j++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += atom[d] * cols[j * D + d];
      if (Math.abs(dot) > bestCosine[g] || bestColumn[g] < 0) {
        bestCosine[g] = Math.abs(dot);
        bestColumn[g] = j;
      }
    }
    sum += bestCosine[g];
    if (bestCosine[g] >= threshold) recovered++;
  }
  return {
    bestCosine,
    bestColumn,
    meanBestCosine: G > 0 ? sum / G : NaN,
    recoveredFraction: G > 0 ? recovered / G : NaN,
    threshold,
  };
}
