import { describe, expect, it } from 'vitest';
import { BatchSampler, normFactorOf } from '../../src/sae/batches';

describe('BatchSampler', () => {
  const rows = 10;
  const D = 2;
  // Row r holds (r, −r), so a batch tells which rows it copied.
  const x = Float32Array.from({ length: rows * D }, (_, i) => (i % 2 ? -(i >> 1) : i >> 1));

  it('visits every row exactly once per epoch, in whole batches', () => {
    const s = new BatchSampler(x, rows, D, 3, 7);
    const seen: number[] = [];
    for (let b = 0; b < 3; b++) {
      const batch = s.next();
      for (let i = 0; i < 3; i++) {
        expect(batch[2 * i + 1]).toBe(-batch[2 * i]);
        seen.push(batch[2 * i]);
      }
    }
    expect(new Set(seen).size).toBe(9);
    expect(s.epoch).toBe(0);
    s.next(); // only one row left: a new epoch starts
    expect(s.epoch).toBe(1);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = new BatchSampler(x, rows, D, 4, 1).next();
    const b = new BatchSampler(x, rows, D, 4, 1).next();
    const c = new BatchSampler(x, rows, D, 4, 2).next();
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
  });

  it('refuses a batch larger than the data', () => {
    expect(() => new BatchSampler(x, rows, D, 11, 1)).toThrow(/exceeds/);
  });
});

describe('normFactorOf', () => {
  it('is the root mean squared row norm', () => {
    // rows (3, 4) and (0, 0): mean ‖x‖² = 25/2
    expect(normFactorOf(Float32Array.from([3, 4, 0, 0]), 2, 2)).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  it('continues the same batches from a saved state, across epochs', () => {
    const [rows, D] = [10, 2];
    const x = Float32Array.from({ length: rows * D }, (_, i) => i);
    const straight = new BatchSampler(x, rows, D, 3, 5);
    const resumed = new BatchSampler(x, rows, D, 3, 5);
    for (let i = 0; i < 4; i++) {
      straight.next();
      resumed.next();
    }
    const state = resumed.save();
    const copy = new BatchSampler(x, rows, D, 3, 999, state); // the seed is ignored
    for (let i = 0; i < 9; i++) expect([...copy.next()]).toEqual([...straight.next()]);
    expect(copy.epoch).toBe(straight.epoch);
    expect(copy.epoch).toBeGreaterThan(1);
  });
});
