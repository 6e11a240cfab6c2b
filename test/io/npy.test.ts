// Reliability cases 1–11 (.npy). Fixtures: scripts/make-io-fixtures.mjs (hand-assembled bytes).
import { describe, expect, it, vi } from 'vitest';
import { activationReader } from '../../src/io/dataset.ts';
import { openNpy, readNpyHeader } from '../../src/io/npy.ts';
import { blobSource, bytesSource } from '../../src/io/source.ts';
import { expectIoError, fixture, fixturePath, spy } from './helpers.ts';

const open = (name: string) => openNpy(fixture(name));

describe('case 1: not a .npy file / unsupported version', () => {
  it.each([
    ['npy-empty.npy', 'npy/bad-magic', /not a \.npy file/],
    ['npy-short.npy', 'npy/bad-magic', /not a \.npy file/],
    ['npy-bad-magic.npy', 'npy/bad-magic', /not a \.npy file/],
    ['npy-version-0.npy', 'npy/unsupported-version', /unsupported \.npy version 0\.0/],
    ['npy-version-4.npy', 'npy/unsupported-version', /unsupported \.npy version 4\.0/],
  ])('%s', async (name, code, msg) => {
    const err = await expectIoError(open(name), code, name);
    expect(err.message).toMatch(msg);
  });
});

it('case 1: each of the six magic bytes is checked', async () => {
  const good = new Uint8Array(
    await fixture('npy-data-long.npy').read(0, fixture('npy-data-long.npy').size),
  );
  for (let i = 0; i < 6; i++) {
    const b = good.slice();
    b[i] ^= 0x20;
    await expectIoError(openNpy(bytesSource('m.npy', b)), 'npy/bad-magic', 'm.npy');
  }
});

describe('case 2: header length past the end or absurd → rejected before reading it', () => {
  it.each([
    ['npy-header-past-end.npy', 'npy/truncated'],
    ['npy-header-huge.npy', 'npy/header-too-large'],
  ])('%s', async (name, code) => {
    const s = spy(fixture(name));
    await expectIoError(openNpy(s.src), code, name);
    expect(s.maxRead()).toBeLessThanOrEqual(12); // only the fixed prefix was read
  });
});

describe('case 3: header must be exactly the three keys, tokenised, bounded', () => {
  it.each([
    ['npy-header-missing-key.npy', /found descr, shape/],
    ['npy-header-extra-key.npy', /found descr, fortran_order, shape, x/],
    ['npy-header-not-dict.npy', /not a dict/],
    ['npy-header-code.npy', /unexpected character "\." at 26/],
    ['npy-header-nested.npy', /nested deeper than 16/],
  ])('%s', async (name, msg) => {
    const t0 = performance.now();
    const err = await expectIoError(open(name), 'npy/bad-header', name);
    expect(err.message).toMatch(msg);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('a code-like header is never evaluated: globals are untouched', async () => {
    const before = Object.keys(globalThis).length;
    await expectIoError(open('npy-header-code.npy'), 'npy/bad-header');
    expect(Object.keys(globalThis).length).toBe(before);
  });
});

describe('case 4: non-numeric dtypes → unsupported dtype', () => {
  it.each([
    ['npy-dtype-object.npy', /pickle/],
    ['npy-dtype-structured.npy', /structured/],
    ['npy-dtype-string.npy', /unicode strings/],
    ['npy-dtype-complex.npy', /complex/],
    ['npy-dtype-datetime.npy', /unsupported dtype/],
  ])('%s', async (name, msg) => {
    const err = await expectIoError(open(name), 'npy/unsupported-dtype', name);
    expect(err.message).toMatch(/unsupported dtype/);
    expect(err.message).toMatch(msg);
  });
});

describe('case 6: Fortran order', () => {
  it('3-D Fortran order is refused explicitly, never read as row-major', async () => {
    const err = await expectIoError(
      open('npy-fortran-3d.npy'),
      'npy/fortran-3d',
      'npy-fortran-3d.npy',
    );
    expect(err.message).toMatch(/Fortran-order/);
  });
  it('2-D Fortran order transposes a hand-laid-out matrix', async () => {
    // [[1, 2, 3], [4, 5, 6]] in column-major order is 1 4 2 5 3 6.
    const data = new Uint8Array(new Float32Array([1, 4, 2, 5, 3, 6]).buffer);
    const r = activationReader(bytesSource('f.npy', data), {
      format: 'npy',
      file: 'f.npy',
      dtype: 'f32',
      littleEndian: true,
      shape: [2, 3],
      order: 'F',
      dataOffset: 0,
      dataBytes: 24,
      warnings: [],
    });
    expect(Array.from(await r.readRows(0, 2))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await r.readRows(1, 1))).toEqual([4, 5, 6]);
  });
});

describe('case 7: shapes', () => {
  it.each([
    ['npy-shape-scalar.npy', 'npy/bad-shape', /shape \(\) is 0-D/],
    ['npy-shape-negative.npy', 'npy/bad-shape', /negative dimension \(-1\)/],
    ['npy-shape-1d.npy', 'npy/bad-shape', /shape \(6\) is 1-D/],
    ['npy-shape-4d.npy', 'npy/bad-shape', /4-D/],
  ])('%s is refused clearly', async (name, code, msg) => {
    const err = await expectIoError(open(name), code, name);
    expect(err.message).toMatch(msg);
  });
  it('(0, 4) opens with no rows and a warning', async () => {
    const r = await open('npy-shape-empty.npy');
    expect([r.rows, r.width]).toEqual([0, 4]);
    expect(r.header.warnings).toContain('the array has no rows');
    await expectIoError(r.readRows(0, 1), 'io/row-range');
  });
});

describe('case 8: element count overflow', () => {
  it('(2**40, 2**40) is sized exactly with BigInt and refused as truncated', async () => {
    const s = spy(fixture('npy-shape-overflow.npy'));
    const err = await expectIoError(openNpy(s.src), 'npy/truncated', 'npy-shape-overflow.npy');
    // 2^80 elements × 4 bytes = 2^82 = 4835703278458516698824704 bytes, exactly.
    expect(err.message).toContain('4835703278458516698824704 bytes');
    expect(s.maxRead()).toBeLessThan(200);
  });
});

describe('case 9: data length', () => {
  it('short data → "file truncated"', async () => {
    const err = await expectIoError(
      open('npy-data-short.npy'),
      'npy/truncated',
      'npy-data-short.npy',
    );
    expect(err.message).toMatch(/file truncated/);
  });
  it('long data → a warning, and the rows are the promised ones', async () => {
    const r = await open('npy-data-long.npy');
    expect(r.header.warnings).toEqual(['5 trailing bytes after the data were ignored']);
    expect(Array.from(await r.readRows(0, 3))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('case 10: header not padded to 64 bytes', () => {
  it('data at offset 71 (not a multiple of 4) is still read correctly', async () => {
    const r = await open('npy-unpadded.npy');
    expect(r.header.dataOffset).toBe(71);
    expect(Array.from(await r.readRows(1, 2))).toEqual([3, 4, 5, 6]);
  });
});

describe('case 11: a file larger than memory is streamed, never read whole', () => {
  it('an 8 GiB virtual file: only the requested slices are read', async () => {
    const rows = 2 ** 21;
    const width = 1024;
    const header = new TextEncoder().encode(
      `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${width}), }`.padEnd(117, ' ') +
        '\n',
    );
    const prefix = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
    const dataOffset = prefix.length + header.length;
    // Element i of the data is the float32 value (i mod 1000).
    const byteAt = (p: number): number => {
      if (p < prefix.length) return prefix[p];
      if (p < dataOffset) return header[p - prefix.length];
      const k = p - dataOffset;
      const f = new Uint8Array(new Float32Array([Math.floor(k / 4) % 1000]).buffer);
      return f[k % 4];
    };
    const sliceSizes: number[] = [];
    const virtualFile = {
      name: 'huge.npy',
      size: dataOffset + rows * width * 4,
      arrayBuffer: () => {
        throw new Error('arrayBuffer() of the whole file must never be called');
      },
      slice(a: number, b: number) {
        sliceSizes.push(b - a);
        return {
          arrayBuffer: async () =>
            Uint8Array.from({ length: b - a }, (_, i) => byteAt(a + i)).buffer,
        };
      },
    };
    expect(virtualFile.size).toBeGreaterThan(8 * 2 ** 30);
    const r = await openNpy(blobSource(virtualFile));
    expect([r.rows, r.width]).toEqual([rows, width]);
    const row = 1_000_003;
    const v = await r.readRows(row, 1);
    expect(v[0]).toBe((row * width) % 1000);
    expect(v[width - 1]).toBe((row * width + width - 1) % 1000);
    expect(Math.max(...sliceSizes)).toBe(width * 4);
  });
});

it('readNpyHeader accepts Python 2 long suffixes in shapes', async () => {
  const text = "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }\n";
  const pre = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0]);
  const bytes = new Uint8Array([...pre, ...new TextEncoder().encode(text), ...new Uint8Array(8)]);
  expect((await readNpyHeader(bytesSource('py2.npy', bytes))).shape).toEqual([1, 2]);
});

it('case 8: a huge dimension next to a zero cannot slip through as an inexact number', async () => {
  const text = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 18014398509481985), }\n";
  const pre = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0]);
  const bytes = new Uint8Array([...pre, ...new TextEncoder().encode(text)]);
  const e = await expectIoError(openNpy(bytesSource('z.npy', bytes)), 'npy/bad-shape', 'z.npy');
  expect(e.message).toMatch(/18014398509481985 is too large/);
});

it('case 11: with a real Blob, arrayBuffer() is only ever called on slices', async () => {
  const { openAsBlob } = await import('node:fs');
  const blob = await openAsBlob(fixturePath('numpy', 'seq3d_f4.npy'));
  const sizes: number[] = [];
  const original = Blob.prototype.arrayBuffer;
  const spyFn = vi.spyOn(Blob.prototype, 'arrayBuffer').mockImplementation(function (this: Blob) {
    sizes.push(this.size);
    return original.call(this);
  });
  try {
    const r = await openNpy(blobSource(blob, 'seq3d_f4.npy'));
    await r.readRows(2, 3);
  } finally {
    spyFn.mockRestore();
  }
  expect(sizes.length).toBeGreaterThan(0);
  expect(sizes.every((n) => n < blob.size)).toBe(true);
  expect(sizes).toContain(3 * 4 * 4); // the three requested rows, and nothing more
});
