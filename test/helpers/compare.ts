/** Closeness assertions that report the worst error and the first mismatches by index. */
import { expect } from 'vitest';

/** Largest |a − b| and largest |a − b|/max(|b|, tiny) over two arrays. */
export function maxErrors(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { abs: number; rel: number } {
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    abs = Math.max(abs, e);
    rel = Math.max(rel, e / Math.max(Math.abs(b[i]), 1e-300));
  }
  return { abs, rel };
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise (and equal lengths, no NaN).
 * On failure the message lists the first mismatches as `[index] actual vs expected`.
 * Returns the max absolute error, for recording.
 */
export function expectClose(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
): number {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) {
      count++;
      if (bad.length < 8) bad.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
    }
  }
  expect(
    count,
    `${label}: ${count} mismatches (atol ${atol}, rtol ${rtol}); first: ${bad.join(', ')}`,
  ).toBe(0);
  return maxErrors(actual, expected).abs;
}
