// Files written by NumPy itself (scripts/make-numpy-fixtures.py); the expected float32 values are
// NumPy's own `astype('<f4')`, so every comparison here is against NumPy, bit for bit.
import { openAsBlob } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openNpy, readNpyHeader } from '../../src/io/npy.ts';
import { openNpz } from '../../src/io/npz.ts';
import { blobSource } from '../../src/io/source.ts';
import { bits, expectedF32, fixture, fixturePath } from './helpers.ts';

const ALL = [
  'v1_f4',
  'f2_special',
  'be_f4',
  'f8',
  'fortran_f4',
  'fortran_f8',
  'seq3d_f4',
  'v2_f2',
  'v3_f4',
];

describe('NumPy-written .npy files decode exactly like NumPy (cases 5, 6, 7)', () => {
  it.each(ALL)('%s', async (name) => {
    const src = blobSource(await openAsBlob(fixturePath('numpy', `${name}.npy`)), `${name}.npy`);
    const r = await openNpy(src);
    const want = expectedF32('numpy', `${name}.f32.bin`);
    expect(r.rows * r.width).toBe(want.length);
    expect(Array.from(bits(await r.readRows(0, r.rows)))).toEqual(Array.from(bits(want)));
    // A slice from the middle reads the same values as the full read.
    if (r.rows > 2) {
      const mid = await r.readRows(1, r.rows - 2);
      expect(Array.from(bits(mid))).toEqual(
        Array.from(bits(want.subarray(r.width, (r.rows - 1) * r.width))),
      );
    }
  });

  it('case 5: half specials (±0, subnormals, ±Inf, NaN, max finite) match hand-computed values', async () => {
    const r = await openNpy(fixture('numpy', 'f2_special.npy'));
    const v = await r.readRows(0, 2);
    expect(Object.is(v[0], 0)).toBe(true);
    expect(Object.is(v[1], -0)).toBe(true);
    expect(v[2]).toBe(2 ** -24); // smallest half subnormal
    expect(v[3]).toBe(1023 * 2 ** -24); // largest half subnormal
    expect(v[4]).toBe(2 ** -14); // smallest normal
    expect(v[5]).toBe(65504);
    expect(v[6]).toBe(-65504);
    expect(v[7]).toBe(Infinity);
    expect(v[8]).toBe(-Infinity);
    expect(Number.isNaN(v[9])).toBe(true);
  });

  it('case 5: f64 → f32 rounds to nearest even and overflows to Inf like NumPy', async () => {
    const v = await (await openNpy(fixture('numpy', 'f8.npy'))).readRows(0, 4);
    expect(v[2]).toBe(1); // 1 + 2^-24 is a tie → even (1)
    expect(v[3]).toBe(1 + 2 ** -22); // 1 + 3·2^-24 is a tie → even (1 + 2^-22)
    expect(v[4]).toBe(Infinity);
    expect(v[5]).toBe(-Infinity);
    expect(Object.is(v[6], 0)).toBe(true);
  });

  it('case 6: Fortran order is transposed, not read row-major', async () => {
    const r = await openNpy(fixture('numpy', 'fortran_f4.npy'));
    expect(r.describe()).toBe('fortran_f4.npy: f32 (4, 3) (Fortran order)');
    expect((await openNpy(fixture('numpy', 'be_f4.npy'))).describe()).toBe(
      'be_f4.npy: f32 big-endian (4, 3)',
    );
    expect(r.header.order).toBe('F');
    const want = expectedF32('numpy', 'fortran_f4.f32.bin');
    // Row 1 of a [4, 3] array is elements 3..5 of the C-order copy NumPy made.
    expect(Array.from(await r.readRows(1, 1))).toEqual(Array.from(want.subarray(3, 6)));
  });

  it('case 7: 3-D [sequences, positions, D] flattens to rows and keeps sequence/position', async () => {
    const r = await openNpy(fixture('numpy', 'seq3d_f4.npy'));
    expect([r.sequences, r.positions, r.rows, r.width]).toEqual([2, 3, 6, 4]);
  });

  it('versions 2.0 and 3.0 headers are read', async () => {
    expect((await readNpyHeader(fixture('numpy', 'v2_f2.npy'))).shape).toEqual([3, 5]);
    expect((await readNpyHeader(fixture('numpy', 'v3_f4.npy'))).shape).toEqual([2, 2]);
  });
});

describe('case 18: real np.savez / np.savez_compressed archives', () => {
  it.each(['savez.npz', 'savez_compressed.npz'])(
    '%s lists every array and reads them exactly',
    async (name) => {
      const npz = await openNpz(blobSource(await openAsBlob(fixturePath('numpy', name)), name));
      expect(npz.members.map((m) => m.key).sort()).toEqual(['acts', 'halves', 'k']);
      expect(npz.members.every((m) => m.compressed === (name === 'savez_compressed.npz'))).toBe(
        true,
      );
      for (const key of ['acts', 'halves']) {
        const r = await npz.open(key);
        const want = expectedF32('numpy', `npz_${key}.f32.bin`);
        expect(Array.from(bits(await r.readRows(0, r.rows)))).toEqual(Array.from(bits(want)));
      }
      const k = await npz.header('k');
      expect([k.dtype, k.shape]).toEqual(['i64', []]);
      await expect(npz.open('k')).rejects.toMatchObject({ code: 'npz/bad-shape' });
    },
  );
});
