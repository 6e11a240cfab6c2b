/** Building one self-check row (a CheckResult) from several comparisons, exact or within a tolerance. */
import {
  compareArrays,
  type Comparison,
  type Mismatch,
  type Tolerance,
} from '../reference/compare';
import { createRng } from '../model/rng';
import type { CheckResult } from './kernels';

export function compared(
  name: string,
  gpu: ArrayLike<number>,
  ref: ArrayLike<number>,
  tolerance: Tolerance,
): CheckResult {
  const comparison = compareArrays(gpu, ref, tolerance);
  return { name, ok: comparison.ok, comparison, tolerance };
}

/** Exact equality (discrete results: indices, counts, selected codes); −0 equals 0. */
export function exactly(name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>): CheckResult {
  const firstMismatches: Mismatch[] = [];
  let failures = gpu.length === ref.length ? 0 : 1;
  let maxAbsError = 0;
  for (let i = 0; i < Math.min(gpu.length, ref.length); i++) {
    if (gpu[i] === ref[i]) continue;
    failures++;
    maxAbsError = Math.max(maxAbsError, Math.abs(gpu[i] - ref[i]) || Infinity);
    if (firstMismatches.length < 8) firstMismatches.push({ index: i, gpu: gpu[i], ref: ref[i] });
  }
  const comparison: Comparison = {
    ok: failures === 0,
    count: ref.length,
    failures,
    maxAbsError,
    worstRatio: failures ? Infinity : 0,
    firstMismatches,
  };
  return { name, ok: comparison.ok, comparison, tolerance: { atol: 0, rtol: 0 } };
}

/** One row from several comparisons: it passes when all do; the worst one names the tolerance. */
export function combine(name: string, parts: CheckResult[]): CheckResult {
  const failing = parts.find((p) => !p.ok);
  const worst = parts.reduce((w, p) => (p.comparison.worstRatio > w.comparison.worstRatio ? p : w));
  const comparison: Comparison = {
    ok: !failing,
    count: parts.reduce((n, p) => n + p.comparison.count, 0),
    failures: parts.reduce((n, p) => n + p.comparison.failures, 0),
    maxAbsError: Math.max(...parts.map((p) => p.comparison.maxAbsError)),
    worstRatio: Math.max(...parts.map((p) => p.comparison.worstRatio)),
    firstMismatches: failing?.comparison.firstMismatches ?? [],
  };
  const detail = failing ? ` (${failing.name} differs)` : '';
  return {
    name: name + detail,
    ok: comparison.ok,
    comparison,
    tolerance: (failing ?? worst).tolerance,
  };
}

/** ReLU of N(0, σ²) draws rounded to float32: about half the entries are exactly zero. */
export function reluNormal(n: number, seed: number, sigma = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.fround(Math.max(0, sigma * rng.normal())));
}

/** N(0, scale²) draws rounded to float32. */
export function normals(n: number, seed: number, scale = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.fround(scale * rng.normal()));
}
