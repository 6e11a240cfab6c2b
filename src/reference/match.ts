/**
 * Float64 reference of the cross-SAE feature matching (src/sae/decoderMatch.ts): for every atom
 * of one decoder, the atom of another with the largest cosine, by brute force over all pairs.
 */

/** cos(x_j, y_i) for decoders in the reference layout [D, F] (atom j = column j). */
function norms(dec: ArrayLike<number>, D: number, F: number): Float64Array {
  const n = new Float64Array(F);
  for (let d = 0; d < D; d++) for (let j = 0; j < F; j++) n[j] += dec[d * F + j] ** 2;
  return n.map(Math.sqrt);
}

/**
 * For each atom j of X, the atom i of Y maximising cos(x_j, y_i) (ties: the lower i; a zero atom
 * has cosine 0 with every atom), its cosine, and the mean of those maxima.
 */
export function bestMatchReference(
  decX: ArrayLike<number>,
  FX: number,
  decY: ArrayLike<number>,
  FY: number,
  D: number,
): { partner: number[]; cosine: number[]; meanMax: number } {
  const nx = norms(decX, D, FX);
  const ny = norms(decY, D, FY);
  const partner: number[] = [];
  const cosine: number[] = [];
  for (let j = 0; j < FX; j++) {
    let best = -1;
    let bestCos = -Infinity;
    for (let i = 0; i < FY; i++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += decX[d * FX + j] * decY[d * FY + i];
      const den = nx[j] * ny[i];
      const c = den > 0 ? s / den : 0;
      if (c > bestCos) {
        bestCos = c;
        best = i;
      }
    }
    partner.push(best);
    cosine.push(bestCos);
  }
  const meanMax = cosine.reduce((a, b) => a + b, 0) / FX;
  return { partner, cosine, meanMax };
}
