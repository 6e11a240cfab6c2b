// The engine worker's dataset registry: the finiteness gate before any row can reach the GPU,
// the summary numbers, and the built-ins.
import { describe, expect, it } from 'vitest';
import {
  EngineDatasets,
  dropNonFiniteRows,
  summarizeRows,
} from '../../src/workers/engineDatasets.ts';

describe('dropNonFiniteRows', () => {
  it('removes rows with NaN or ±Inf anywhere, keeping the others in order', () => {
    const x = Float32Array.from([1, 2, NaN, 0, 3, 4, 5, -Infinity, 0, 0, 6, Infinity, 7, 8]);
    const r = dropNonFiniteRows(x, 7, 2);
    expect(r.rows).toBe(4);
    expect(Array.from(r.dropped)).toEqual([1, 3, 5]);
    expect(Array.from(r.x)).toEqual([1, 2, 3, 4, 0, 0, 7, 8]);
  });

  it('leaves clean data as it is', () => {
    const x = Float32Array.from([1, -2, 3, 4]);
    const r = dropNonFiniteRows(x, 2, 2);
    expect([r.rows, r.dropped.length]).toEqual([2, 0]);
    expect(Array.from(r.x)).toEqual([1, -2, 3, 4]);
  });
});

describe('summarizeRows', () => {
  it('computes norm_factor = sqrt(mean ‖x‖²), mean ‖x‖, min and max', () => {
    // Rows (3, 4), (0, −1), (6, 8): norms 5, 1, 10.
    const s = summarizeRows(Float32Array.from([3, 4, 0, -1, 6, 8]), 3, 2);
    expect(s.normFactor).toBeCloseTo(Math.sqrt(126 / 3), 12);
    expect(s.meanNorm).toBeCloseTo(16 / 3, 12);
    expect([s.min, s.max, s.rows, s.D]).toEqual([-1, 8, 3, 2]);
  });
});

describe('EngineDatasets', () => {
  const rows = () => Float32Array.from([1, 2, NaN, 4, 5, 6]);

  it('refuses non-finite rows unless told to drop them', () => {
    const ds = new EngineDatasets();
    const req = { id: 'f1', name: 'a.npy', rows: 3, D: 2 };
    expect(() => ds.load({ ...req, x: rows() })).toThrow('a.npy: 1 rows hold NaN or ±Inf values');
    expect(ds.get('f1')).toBeUndefined();
    const { dataset, dropped } = ds.load({ ...req, x: rows(), dropNonFinite: true });
    expect([dataset.rows, Array.from(dropped)]).toEqual([2, [1]]);
    expect(ds.get('f1')?.rows).toBe(2);
  });

  it('refuses inconsistent shapes, all-bad data and built-in ids', () => {
    const ds = new EngineDatasets();
    expect(() => ds.load({ id: 'x', name: 'a', rows: 2, D: 2, x: new Float32Array(3) })).toThrow(
      '3 values sent for 2 rows × 2',
    );
    const nan = Float32Array.from([NaN, NaN]);
    expect(() =>
      ds.load({ id: 'x', name: 'a', rows: 1, D: 2, x: nan, dropNonFinite: true }),
    ).toThrow('every row');
    expect(() => ds.load({ id: 'demo', name: 'a', rows: 1, D: 1, x: new Float32Array(1) })).toThrow(
      'built-in',
    );
  });

  it('generates the quick built-in once, with its ground truth', () => {
    const ds = new EngineDatasets();
    const a = ds.builtin('quick');
    expect([a.dataset.rows, a.dataset.D]).toEqual([2048, 16]);
    expect(a.dataset.activeCount).toHaveLength(2048);
    expect(ds.get('quick')).toBe(a.dataset);
  });
});
