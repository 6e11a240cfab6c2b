/**
 * Elementwise comparison of a GPU result with its float64 reference:
 * an element passes when |gpu − ref| ≤ atol + rtol·|ref| (NaN never passes).
 */

export interface Tolerance {
  atol: number;
  rtol: number;
}

export interface Mismatch {
  index: number;
  gpu: number;
  ref: number;
}

export interface Comparison {
  ok: boolean;
  count: number;
  failures: number;
  maxAbsError: number;
  /** max |gpu − ref| / (atol + rtol·|ref|): ≤ 1 means within tolerance. */
  worstRatio: number;
  /** The first mismatches by index. */
  firstMismatches: Mismatch[];
}

export function compareArrays(
  gpu: ArrayLike<number>,
  ref: ArrayLike<number>,
  tol: Tolerance,
  keep = 8,
): Comparison {
  if (gpu.length !== ref.length)
    throw new Error(`length mismatch: gpu ${gpu.length} vs reference ${ref.length}`);
  let failures = 0;
  let maxAbsError = 0;
  let worstRatio = 0;
  const firstMismatches: Mismatch[] = [];
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(gpu[i] - ref[i]);
    const bound = tol.atol + tol.rtol * Math.abs(ref[i]);
    const ratio = err / bound;
    if (!(err <= bound)) {
      failures++;
      if (firstMismatches.length < keep)
        firstMismatches.push({ index: i, gpu: gpu[i], ref: ref[i] });
    }
    if (!(err <= maxAbsError)) maxAbsError = err;
    if (!(ratio <= worstRatio)) worstRatio = ratio;
  }
  return {
    ok: failures === 0,
    count: ref.length,
    failures,
    maxAbsError,
    worstRatio,
    firstMismatches,
  };
}

/** One line per mismatch, for test output. */
export function formatMismatches(c: Comparison): string {
  return c.firstMismatches.map((m) => `  [${m.index}] gpu=${m.gpu} ref=${m.ref}`).join('\n');
}
