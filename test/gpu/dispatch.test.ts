import { describe, expect, it } from 'vitest';
import { dispatch2d } from '../../src/gpu/kernels/context';

describe('dispatch2d', () => {
  it('keeps small counts one-dimensional', () => {
    expect(dispatch2d(1)).toEqual([1, 1]);
    expect(dispatch2d(65535)).toEqual([65535, 1]);
  });
  it('covers every workgroup without exceeding the per-dimension limit', () => {
    for (const n of [65536, 100_000, 65535 * 3 + 1, 10_000_000]) {
      const [x, y] = dispatch2d(n);
      expect(x).toBeLessThanOrEqual(65535);
      expect(y).toBeLessThanOrEqual(65535);
      expect(x * y).toBeGreaterThanOrEqual(n);
      expect(x * (y - 1)).toBeLessThan(n);
    }
  });
});
