// The statistics pass (four-row kernels, a fast all-finite path and a careful row-by-row path,
// reads one chunk ahead) against a plain row-by-row computation written here, over random
// dtypes, byte orders, widths, row counts, chunk sizes and NaN/±Inf placements.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openNpy } from '../../src/io/npy.ts';
import { writeNpy } from '../../src/io/npy-write.ts';
import { openActivations } from '../../src/io/open.ts';
import { writeSafetensors } from '../../src/io/safetensors-write.ts';
import { bytesSource } from '../../src/io/source.ts';
import { computeStats } from '../../src/io/stats.ts';

type FloatType = 'f16' | 'bf16' | 'f32' | 'f64';
const SIZE: Record<FloatType, number> = { f16: 2, bf16: 2, f32: 4, f64: 8 };

/** Row-by-row statistics of decoded float32 rows `x` (the definitions of src/io/stats.ts). */
function naiveStats(x: Float32Array, width: number) {
  const sum = new Float64Array(width);
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  let finite = 0;
  const bad: number[] = [];
  for (let r = 0; r * width < x.length; r++) {
    const row = x.subarray(r * width, (r + 1) * width);
    if (!row.every(Number.isFinite)) {
      bad.push(r);
      continue;
    }
    finite++;
    row.forEach((v, d) => {
      sum[d] += v;
      sumSq += v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    });
  }
  return { finite, bad, min, max, mean: Array.from(sum, (s) => s / finite), sumSq };
}

/** Bytes of `n` random values of `dtype`, with NaN/±Inf at the given element positions. */
function randomBytes(dtype: FloatType, n: number, seed: number, special: [number, number][]) {
  const dv = new DataView(new ArrayBuffer(n * SIZE[dtype]));
  let s = seed | 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const specials = [NaN, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const at = special.find(([p]) => p === i);
    const v = at ? specials[at[1] % 3] : (rnd() - 0.5) * 2 ** Math.floor(rnd() * 16 - 8);
    const o = i * SIZE[dtype];
    if (dtype === 'f32') dv.setFloat32(o, v, true);
    else if (dtype === 'f64') dv.setFloat64(o, v, true);
    else if (dtype === 'bf16') {
      const t = new DataView(new ArrayBuffer(4));
      t.setFloat32(0, v);
      dv.setUint16(o, t.getUint16(0), true); // truncated to bf16: still a bf16 value
    } else {
      // A half of the same sign and binade, or ±Inf/NaN; exactly representable either way.
      const h = Number.isNaN(v)
        ? 0x7e00
        : !Number.isFinite(v)
          ? (v < 0 ? 0x8000 : 0) | 0x7c00
          : (v < 0 ? 0x8000 : 0) | ((Math.floor(rnd() * 30) + 1) << 10) | (i & 0x3ff);
      dv.setUint16(o, h, true);
    }
  }
  return new Uint8Array(dv.buffer);
}

describe('computeStats over random data equals a row-by-row computation', () => {
  it('any dtype, width, rows, chunk size and NaN/Inf placement', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<FloatType>('f16', 'bf16', 'f32', 'f64'),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 41 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
        async (dtype, width, rows, chunkRows, seed, spots) => {
          const n = rows * width;
          const special = spots.map(([p, k]) => [p % n, k] as [number, number]);
          const data = randomBytes(dtype, n, seed, special);
          const shape = [rows, width];
          // .npy has no bfloat16; safetensors does.
          const file =
            dtype === 'bf16'
              ? writeSafetensors([{ name: 'x', dtype: 'BF16', shape, data }])
              : writeNpy({ dtype, shape, data });
          const r = await openActivations(
            bytesSource(dtype === 'bf16' ? 'r.safetensors' : 'r.npy', file),
          );
          const want = naiveStats(await r.readRows(0, rows), width);
          const s = await computeStats(r, { chunkRows });
          expect(s.finiteRows).toBe(want.finite);
          expect(s.firstNonFiniteRows).toEqual(want.bad);
          expect(s.nanCount + s.infCount).toBe(new Set(special.map(([p]) => p)).size);
          expect(s.bytesRead).toBe(n * SIZE[dtype]);
          if (want.finite === 0) return;
          expect([s.min, s.max].map((v) => v + 0)).toEqual([want.min + 0, want.max + 0]);
          const nf = Math.sqrt(want.sumSq / want.finite);
          expect(Math.abs(s.normFactor - nf)).toBeLessThanOrEqual(1e-12 * nf);
          want.mean.forEach((m, d) => {
            expect(Math.abs(s.mean[d] - m)).toBeLessThanOrEqual(
              1e-6 * Math.max(1e-30, Math.abs(m)) + 1e-7,
            );
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('big-endian f16 and f32 take the same paths', async () => {
    for (const dtype of ['f16', 'f32'] as const) {
      const width = 5;
      const rows = 9;
      const le = randomBytes(dtype, rows * width, 7, [[12, 0]]); // NaN in row 2
      const size = SIZE[dtype];
      const be = le.slice();
      for (let i = 0; i < be.length; i += size) be.subarray(i, i + size).reverse();
      const open = (bytes: Uint8Array, littleEndian: boolean) =>
        openNpy(
          bytesSource(
            'e.npy',
            writeNpy({ dtype, shape: [rows, width], data: bytes, littleEndian }),
          ),
        );
      const a = await computeStats(await open(le, true), { chunkRows: 4 });
      const b = await computeStats(await open(be, false), { chunkRows: 4 });
      expect({ ...b, seconds: 0 }).toEqual({ ...a, seconds: 0 });
      expect([a.nanCount, a.firstNonFiniteRows]).toEqual([1, [2]]);
    }
  });
});
