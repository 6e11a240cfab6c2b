/** The decoder-bias initialisation shared by the engine (src/sae/median.ts) and the reference. */

/**
 * Geometric median of rows [N, D] by Weiszfeld's iteration, as in the reference: start at the
 * mean; `w_n = 1/‖x_n − guess‖` normalised; `guess = Σ w_n x_n`; stop after `maxIter` or when the
 * guess moves less than `tol`. Distances are floored at 1e-12 so a row that coincides with the
 * guess cannot produce 1/0 (the reference would return NaN there).
 */
export function geometricMedian(
  x: Float64Array,
  D: number,
  maxIter = 100,
  tol = 1e-5,
): Float64Array {
  const N = x.length / D;
  let guess = new Float64Array(D);
  for (let i = 0; i < x.length; i++) guess[i % D] += x[i] / N;
  for (let iter = 0; iter < maxIter; iter++) {
    const w = new Float64Array(N);
    let wSum = 0;
    for (let n = 0; n < N; n++) {
      let sq = 0;
      for (let d = 0; d < D; d++) sq += (x[n * D + d] - guess[d]) ** 2;
      w[n] = 1 / Math.max(Math.sqrt(sq), 1e-12);
      wSum += w[n];
    }
    const next = new Float64Array(D);
    for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) next[d] += (w[n] / wSum) * x[n * D + d];
    let move = 0;
    for (let d = 0; d < D; d++) move += (next[d] - guess[d]) ** 2;
    guess = next;
    if (Math.sqrt(move) < tol) break;
  }
  return guess;
}
