// One-pass statistics (softsae-spec §2) and shards. Expected values are computed by hand.
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/io/dtype.ts';
import { scanNonFinite } from '../../src/io/dtype.ts';
import { openNpy } from '../../src/io/npy.ts';
import { writeNpy } from '../../src/io/npy-write.ts';
import { concatShards } from '../../src/io/shards.ts';
import { bytesSource } from '../../src/io/source.ts';
import { computeStats } from '../../src/io/stats.ts';
import { expectIoError } from './helpers.ts';

const npyF32 = (name: string, rows: number[][]) =>
  openNpy(
    bytesSource(
      name,
      writeNpy({
        dtype: 'f32',
        shape: [rows.length, rows[0].length],
        data: new Uint8Array(new Float32Array(rows.flat()).buffer),
      }),
    ),
  );

describe('computeStats', () => {
  it('mean, norm_factor = sqrt(mean ‖x‖²) uncentred, range, and non-finite rows', async () => {
    const r = await npyF32('a.npy', [
      [1, 2],
      [3, NaN],
      [Infinity, 4],
      [5, 6],
    ]);
    const s = await computeStats(r, { chunkRows: 3 });
    expect(Array.from(s.mean)).toEqual([3, 4]);
    expect(s.normFactor).toBeCloseTo(Math.sqrt((1 + 4 + 25 + 36) / 2), 12);
    expect([s.min, s.max]).toEqual([1, 6]);
    expect([s.nanCount, s.infCount, s.overflowCount]).toEqual([1, 1, 0]);
    expect([s.finiteRows, s.nonFiniteRows]).toEqual([2, 2]);
    expect(s.firstNonFiniteRows).toEqual([1, 2]);
    expect(s.bytesRead).toBe(32);
  });

  it('f64 values beyond the float32 range are counted as overflow', async () => {
    const data = new Uint8Array(new Float64Array([1, 1e300, 2, 3]).buffer);
    const r = await openNpy(bytesSource('b.npy', writeNpy({ dtype: 'f64', shape: [2, 2], data })));
    const s = await computeStats(r);
    expect([s.nanCount, s.infCount, s.overflowCount, s.nonFiniteRows]).toEqual([0, 0, 1, 1]);
    expect(Array.from(s.mean)).toEqual([2, 3]);
  });

  it('progress reports bytes/s and an AbortSignal cancels', async () => {
    const r = await npyF32('c.npy', [[1], [2], [3], [4]]);
    const ac = new AbortController();
    const seen: number[] = [];
    const p = computeStats(r, {
      chunkRows: 1,
      signal: ac.signal,
      onProgress: (pr) => {
        seen.push(pr.rowsDone);
        expect(pr.bytesTotal).toBe(16);
        expect(pr.bytesPerSecond).toBeGreaterThanOrEqual(0);
        if (pr.rowsDone === 2) ac.abort();
      },
    });
    await expectIoError(p, 'io/aborted');
    expect(seen).toEqual([1, 2]);
  });
});

describe('scanNonFinite looks at exponent bits of every float encoding', () => {
  const cases: [DType, number[], number, number][] = [
    // dtype, 16-bit patterns (or 32-bit for f32), expected NaN, Inf
    ['f16', [0x7c01, 0xfc00, 0x7bff, 0x0001], 1, 1], // signalling NaN, -Inf, max finite, subnormal
    ['bf16', [0x7fc1, 0x7f80, 0x7f7f, 0xff81], 2, 1],
  ];
  it.each(cases)('%s', (dtype, patterns, nan, inf) => {
    const raw = new Uint8Array(new Uint16Array(patterns).buffer);
    const s = scanNonFinite(raw, dtype, true, 2);
    expect([s.nan, s.inf]).toEqual([nan, inf]);
  });
  it('f32 big-endian and f64', () => {
    const be = new Uint8Array([0x7f, 0x80, 0x00, 0x01, 0x3f, 0x80, 0, 0]); // NaN, 1
    expect(scanNonFinite(be, 'f32', false, 1)).toEqual({ nan: 1, inf: 0, rows: [0] });
    const f64 = new Uint8Array(new Float64Array([1, -Infinity, 2, 3]).buffer);
    expect(scanNonFinite(f64, 'f64', true, 2)).toEqual({ nan: 0, inf: 1, rows: [0] });
  });
});

describe('shards', () => {
  it('concatenate in order, reads across boundaries, mixed dtypes', async () => {
    const a = await npyF32('a.npy', [
      [1, 2],
      [3, 4],
    ]);
    const halves = new Uint8Array(new Uint16Array([0x4400, 0x4500, 0x4600, 0x4700]).buffer); // 4 5 6 7
    const b = await openNpy(
      bytesSource('b.npy', writeNpy({ dtype: 'f16', shape: [2, 2], data: halves })),
    );
    const ds = concatShards([a, b]);
    expect([ds.rows, ds.width]).toEqual([4, 2]);
    expect(Array.from(await ds.readRows(1, 2))).toEqual([3, 4, 4, 5]);
    expect((await ds.readBlocks(1, 2)).map((x) => x.dtype)).toEqual(['f32', 'f16']);
    const s = await computeStats(ds, { chunkRows: 3 });
    expect(Array.from(s.mean)).toEqual([(1 + 3 + 4 + 6) / 4, (2 + 4 + 5 + 7) / 4]);
  });
  it('different widths are refused, naming both files', async () => {
    const a = await npyF32('a.npy', [[1, 2]]);
    const b = await npyF32('b.npy', [[1, 2, 3]]);
    expect(() => concatShards([a, b])).toThrow(/^b\.npy: width 3 differs from 2 in a\.npy/);
  });
});
