/**
 * The lab's ground-truth dictionary: G unit-norm atoms in R^D with controllable coherence.
 *
 * Random Gaussian directions are nearly orthogonal when D is large (|cos| ≈ 1/√D), which makes
 * recovery easier than on real model activations, where related features share direction. So a
 * chosen fraction of atoms is arranged in pairs whose cosine is set exactly to a target value.
 */
import type { Rng } from '../model/rng.ts';
import { permutation } from './distributions.ts';

/** Correlated atom pairs: `fraction` of all atoms are paired, each pair with cosine `cosine`. */
export interface Coherence {
  /** Fraction of the G atoms that belong to a correlated pair, in [0, 1]. 0 = independent atoms. */
  fraction: number;
  /** Cosine between the two atoms of every pair, in (−1, 1). */
  cosine: number;
}

/** A dictionary and which atoms were made to correlate. */
export interface Dictionary {
  /** Atoms, row-major [G, D], each row of unit L2 norm (up to float32 rounding). */
  atoms: Float32Array;
  /** Pairs (a, b) flattened, [P, 2]: cos(atom a, atom b) = `coherence.cosine`. */
  correlatedPairs: Uint32Array;
}

function normalise(v: Float64Array): void {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] /= n;
}

function gaussian(D: number, rng: Rng): Float64Array {
  const v = new Float64Array(D);
  for (;;) {
    let n = 0;
    for (let d = 0; d < D; d++) {
      v[d] = rng.normal();
      n += v[d] * v[d];
    }
    if (n > 1e-12) return v; // a zero draw cannot be normalised (never happens in practice)
  }
}

/**
 * Draws G unit atoms in R^D. Unpaired atoms are independent uniform directions (normalised
 * Gaussians). For a pair (a, b): b = c·a + √(1 − c²)·r with r a unit direction orthogonalised
 * against a, which gives cos(a, b) = c exactly in float64 and keeps b a unit vector.
 */
export function makeDictionary(
  D: number,
  G: number,
  coherence: Coherence | undefined,
  rng: Rng,
): Dictionary {
  if (!Number.isInteger(D) || D < 2) throw new Error(`D must be an integer ≥ 2, got ${D}`);
  if (!Number.isInteger(G) || G < 1) throw new Error(`G must be a positive integer, got ${G}`);
  const fraction = coherence?.fraction ?? 0;
  const c = coherence?.cosine ?? 0;
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`coherence fraction ${fraction} ∉ [0, 1]`);
  if (!(c > -1 && c < 1)) throw new Error(`coherence cosine ${c} ∉ (−1, 1)`);

  const atoms = new Float32Array(G * D);
  for (let g = 0; g < G; g++) {
    const v = gaussian(D, rng);
    normalise(v);
    atoms.set(v, g * D);
  }

  const P = Math.floor((fraction * G) / 2);
  const order = permutation(G, rng);
  const correlatedPairs = new Uint32Array(2 * P);
  for (let p = 0; p < P; p++) {
    const a = order[2 * p];
    const b = order[2 * p + 1];
    correlatedPairs[2 * p] = a;
    correlatedPairs[2 * p + 1] = b;
    const va = Float64Array.from(atoms.subarray(a * D, (a + 1) * D));
    normalise(va); // re-normalise in float64 after the float32 round trip
    const r = gaussian(D, rng);
    let dot = 0;
    for (let d = 0; d < D; d++) dot += r[d] * va[d];
    for (let d = 0; d < D; d++) r[d] -= dot * va[d];
    normalise(r);
    const s = Math.sqrt(1 - c * c);
    const vb = new Float64Array(D);
    for (let d = 0; d < D; d++) vb[d] = c * va[d] + s * r[d];
    atoms.set(va, a * D);
    atoms.set(vb, b * D);
  }
  return { atoms, correlatedPairs };
}
