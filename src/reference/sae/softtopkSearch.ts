/**
 * Float64 reference of the threshold bracket that softTopKSearchForward (shaders/softtopk.wgsl)
 * builds before its Newton refinement (spec §3 soft top-k), so the bracket's claim can be checked
 * on the CPU:
 * with m₁ = ⌊k̂⌋, m₂ = m₁ + 1 (≤ F), any U ≥ the m₁-th largest value and any L ≤ the m₂-th largest,
 *   t ∈ [L − c_lo·a, U + c_hi·a],  c_hi = ln((F − m₁ + 1)/2),  c_lo = ln(m₂ / (2(m₂ − k̂)))
 * (each floored at 0; the kernel adds 1 to each for rounding). Above U + c_hi·a at most m₁ − 1
 * entries are not ≥ c_hi·a below t, so S ≤ m₁ − 1 + (F − m₁ + 1)·½e^{−c_hi} ≤ k̂; below
 * L − c_lo·a at least m₂ entries give ≥ 1 − ½e^{−c_lo} each, so S ≥ k̂.
 * Entries beyond `band`·a outside the bracket are then counted (above) or dropped (below).
 */

/** The m-th largest of `h` (1-based). */
function largest(h: ArrayLike<number>, m: number): number {
  return Float64Array.from(h).sort()[h.length - m];
}

/** The bracket [lo, hi] of the threshold for 1 ≤ k̂ < F (bounds default to the exact order statistics). */
export function thresholdBracket(
  h: ArrayLike<number>,
  kHat: number,
  alpha: number,
  bounds: { U?: number; L?: number } = {},
): { lo: number; hi: number } {
  const F = h.length;
  const a = Math.abs(alpha);
  if (!(kHat >= 1 && kHat < F)) throw new Error(`bracket needs 1 ≤ k̂ < F, got ${kHat}`);
  const m1 = Math.floor(kHat);
  const m2 = Math.min(m1 + 1, F);
  const U = bounds.U ?? largest(h, m1);
  const L = bounds.L ?? largest(h, m2);
  const cHi = Math.max(0, Math.log((F - m1 + 1) / 2));
  const cLo = Math.max(0, Math.log(m2 / (2 * (m2 - kHat))));
  return { lo: L - cLo * a, hi: U + cHi * a };
}

/**
 * Splits a row for the refinement: entries ≥ hi + band·a (counted; each contributes 1 up to
 * ½e^{−band}) and the candidates strictly inside (lo − band·a, hi + band·a); the rest contribute
 * at most ½e^{−band} each and are dropped.
 */
export function thresholdCandidates(
  h: ArrayLike<number>,
  bracket: { lo: number; hi: number },
  alpha: number,
  band = 40,
): { above: number; candidates: number[] } {
  const a = Math.abs(alpha);
  let above = 0;
  const candidates: number[] = [];
  for (let i = 0; i < h.length; i++) {
    if (h[i] >= bracket.hi + band * a) above++;
    else if (h[i] > bracket.lo - band * a) candidates.push(h[i]);
  }
  return { above, candidates };
}
