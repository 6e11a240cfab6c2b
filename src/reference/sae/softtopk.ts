/**
 * Laplace-CDF soft top-k ("LapSum", spec §3) for one row, in float64.
 *
 * Forward: `p_i = L((h_i − t)/a)` with `L(u) = ½eᵘ (u ≤ 0), 1 − ½e⁻ᵘ (u > 0)`, `a = |α|`, and the
 * threshold t the unique solution of `Σ_i p_i = k̂` (0 < k̂ ≤ F).
 *
 * Threshold method (exact, no iteration): sort h descending as v_0 ≥ v_1 ≥ … ≥ v_{F−1}. The sum
 * S(t) = Σ L((h_i − t)/a) is continuous and decreasing in t, so a binary search over the sorted
 * values finds the segment [v_m, v_{m−1}] that contains t (m = number of entries above t). Inside
 * it, with a reference point c at the segment's end and w = e^{(t−c)/a},
 *   S(t) = m − A·w + B/w,  A = ½ Σ_{i<m} e^{−(v_i−c)/a},  B = ½ Σ_{i≥m} e^{(v_i−c)/a},
 * so S(t) = k̂ is the quadratic A·w² − (m − k̂)·w − B = 0 with one positive root. A and B are
 * kept as logarithms (log-sum-exp) and the root is taken in its cancellation-free form, so the
 * result is accurate to float64 rounding even for α → 0 or gaps of thousands of α.
 * k̂ ≥ F has no finite solution (S → F only as t → −∞): then t = −∞ and every p_i = 1.
 */

/** Laplace(0, 1) cumulative distribution function. */
export function laplaceCdf(u: number): number {
  return u <= 0 ? 0.5 * Math.exp(u) : 1 - 0.5 * Math.exp(-u);
}

/** log Σ exp(values), safe for large magnitudes; −∞ for an empty list. */
function logSumExp(values: number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** S(t) = Σ L((h_i − t)/a), each term computed with a non-positive exponent. */
function cdfSum(sorted: Float64Array, t: number, a: number): number {
  let s = 0;
  for (let i = 0; i < sorted.length; i++) s += laplaceCdf((sorted[i] - t) / a);
  return s;
}

/**
 * Returns ln(|b| + sqrt(b² + e^q)) without overflow or cancellation.
 * (q = ln(4AB) may be −∞ when A or B is zero.)
 */
function logRootTerm(b: number, q: number): number {
  if (b === 0) return q / 2;
  const lb = Math.log(Math.abs(b));
  const r = q - 2 * lb; // e^r = 4AB / b²
  if (r > 700) return lb + r / 2 + Math.log1p(Math.exp(-r / 2));
  return lb + Math.log(1 + Math.sqrt(1 + Math.exp(r)));
}

/**
 * Solves Σ_i L((h_i − t)/a) = kHat for the threshold t (see the module comment).
 * @param h one row of pre-activations (any order, ties allowed)
 * @param kHat target sum, 0 < kHat; values ≥ F return −∞
 * @param alpha Laplace scale (its absolute value is used; must be nonzero)
 */
export function solveThreshold(h: ArrayLike<number>, kHat: number, alpha: number): number {
  const F = h.length;
  const a = Math.abs(alpha);
  if (!(a > 0)) throw new Error(`soft top-k: alpha must be nonzero, got ${alpha}`);
  if (!(kHat > 0)) throw new Error(`soft top-k: kHat must be > 0, got ${kHat}`);
  if (kHat >= F) return -Infinity;
  const v = Float64Array.from(h).sort().reverse(); // descending

  // Largest i with S(v_i) ≤ kHat (S(v_i) grows with i); m = i + 1 entries lie above t.
  let m: number;
  if (kHat < cdfSum(v, v[0], a)) {
    m = 0;
  } else {
    let lo = 0; // invariant: S(v_lo) ≤ kHat
    let hi = F - 1;
    if (cdfSum(v, v[hi], a) <= kHat) lo = hi;
    else {
      // invariant: S(v_hi) > kHat
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (cdfSum(v, v[mid], a) <= kHat) lo = mid;
        else hi = mid;
      }
    }
    m = lo + 1;
  }

  const c = m === 0 ? v[0] : v[m - 1];
  const upper: number[] = [];
  const lower: number[] = [];
  for (let i = 0; i < m; i++) upper.push(-(v[i] - c) / a);
  for (let i = m; i < F; i++) lower.push((v[i] - c) / a);
  const logA = Math.log(0.5) + logSumExp(upper);
  const logB = Math.log(0.5) + logSumExp(lower);
  const b = m - kHat;
  const root = logRootTerm(b, Math.log(4) + logA + logB);
  // Positive root of A·w² − b·w − B = 0 in the form that never subtracts nearly equal numbers.
  const logW = b >= 0 ? root - Math.log(2) - logA : Math.log(2) + logB - root;
  const t = c + a * logW;
  const tMax = m === 0 ? Infinity : v[m - 1];
  const tMin = m === F ? -Infinity : v[m];
  return Math.min(tMax, Math.max(tMin, t));
}

/** Result of {@link softTopK}. */
export interface SoftTopKResult {
  /** Weights p_i ∈ (0, 1] with Σ p_i = kHat. */
  p: Float64Array;
  /** The threshold t (−∞ when kHat ≥ F). */
  t: number;
}

/** Soft top-k weights of one row (spec §3). */
export function softTopK(h: ArrayLike<number>, kHat: number, alpha: number): SoftTopKResult {
  const a = Math.abs(alpha);
  const t = solveThreshold(h, kHat, alpha);
  const p = new Float64Array(h.length);
  for (let i = 0; i < h.length; i++) p[i] = t === -Infinity ? 1 : laplaceCdf((h[i] - t) / a);
  return { p, t };
}

/** Result of {@link softTopKBackward}. */
export interface SoftTopKGrad {
  /** ∂ℒ/∂h_l through p only: (g_l/a)(u_l − ū). */
  dh: Float64Array;
  /** ∂ℒ/∂k̂ = ū. */
  dkHat: number;
}

/**
 * Exact vector–Jacobian product of the soft top-k (spec §3 "Its gradient").
 *
 * With g_i = ½e^{−|h_i−t|/a} and S = Σ g_j, implicit differentiation of Σ p_i = k̂ gives
 * ∂t/∂k̂ = −a/S and ∂t/∂h_l = g_l/S, hence for u_i = ∂ℒ/∂p_i and ū = Σ u_i g_i/S:
 *   ∂ℒ/∂h_l = (g_l/a)(u_l − ū),   ∂ℒ/∂k̂ = ū.
 * The ratios g_i/S are computed as softmax(−|h_i − t|/a), which stays exact when every g_i
 * underflows (a naive float32 g/Σg is 0/0 once all |h_i − t| > ~87a). For t = −∞ (k̂ ≥ F) the
 * softmax is taken in its limit, softmax(−h_i/a), and every g_l is 0.
 *
 * @param h the row given to {@link softTopK}
 * @param t the threshold it returned
 * @param u upstream gradient ∂ℒ/∂p, same length as h
 */
export function softTopKBackward(
  h: ArrayLike<number>,
  t: number,
  alpha: number,
  u: ArrayLike<number>,
): SoftTopKGrad {
  const F = h.length;
  const a = Math.abs(alpha);
  const logits = new Float64Array(F);
  let max = -Infinity;
  for (let i = 0; i < F; i++) {
    logits[i] = t === -Infinity ? -h[i] / a : -Math.abs(h[i] - t) / a;
    if (logits[i] > max) max = logits[i];
  }
  let z = 0;
  let weighted = 0;
  for (let i = 0; i < F; i++) {
    const e = Math.exp(logits[i] - max);
    z += e;
    weighted += u[i] * e;
  }
  const uBar = weighted / z;
  const dh = new Float64Array(F);
  if (t !== -Infinity) {
    for (let i = 0; i < F; i++) dh[i] = ((0.5 * Math.exp(logits[i])) / a) * (u[i] - uBar);
  }
  return { dh, dkHat: uBar };
}
