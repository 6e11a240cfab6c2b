// Reliability cases 12–17 (safetensors). Fixtures: scripts/make-io-fixtures.mjs.
import { describe, expect, it } from 'vitest';
import { openSafetensors } from '../../src/io/safetensors.ts';
import { bytesSource } from '../../src/io/source.ts';
import { writeSafetensors } from '../../src/io/safetensors-write.ts';
import { bits, expectIoError, fixture, spy } from './helpers.ts';

const open = (name: string) => openSafetensors(fixture(name));

describe('case 12: too short, header past the end, header > 100 MB → rejected before allocation', () => {
  it.each([
    ['st-short.safetensors', 'safetensors/too-short'],
    ['st-header-past-end.safetensors', 'safetensors/header-length'],
    ['st-header-huge.safetensors', 'safetensors/header-too-large'],
  ])('%s', async (name, code) => {
    const s = spy(fixture(name));
    await expectIoError(openSafetensors(s.src), code, name);
    expect(s.maxRead()).toBeLessThanOrEqual(8);
  });
});

describe('case 13: bad UTF-8, bad JSON, unknown dtype, non-string metadata', () => {
  it.each([
    ['st-bad-utf8.safetensors', 'safetensors/bad-utf8', /not valid UTF-8/],
    ['st-bad-json.safetensors', 'safetensors/bad-json', /not valid JSON/],
    ['st-unknown-dtype.safetensors', 'safetensors/unknown-dtype', /unknown dtype "F33"/],
    ['st-metadata-not-string.safetensors', 'safetensors/bad-metadata', /"k" is not a string/],
  ])('%s', async (name, code, msg) => {
    expect((await expectIoError(open(name), code, name)).message).toMatch(msg);
  });
});

describe('case 14: data_offsets overlapping, out of range, reversed, gapped; size ≠ shape × dtype', () => {
  it.each([
    ['st-overlap.safetensors', 'safetensors/overlap'],
    ['st-out-of-range.safetensors', 'safetensors/truncated'],
    ['st-reversed.safetensors', 'safetensors/bad-offsets'],
    ['st-gap.safetensors', 'safetensors/gap'],
    ['st-size-mismatch.safetensors', 'safetensors/size-mismatch'],
  ])('%s', async (name, code) => {
    await expectIoError(open(name), code, name);
  });
});

describe('case 15: trailing or missing bytes', () => {
  it('trailing bytes → rejected', async () => {
    const e = await expectIoError(open('st-trailing.safetensors'), 'safetensors/trailing-bytes');
    expect(e.message).toMatch(/3 bytes after/);
  });
  it('missing bytes → rejected', async () => {
    await expectIoError(
      open('st-missing.safetensors'),
      'safetensors/truncated',
      'st-missing.safetensors',
    );
  });
});

describe('case 16: duplicate names; __proto__ / constructor', () => {
  it('duplicate tensor names are rejected (JSON.parse would keep the last)', async () => {
    const e = await expectIoError(open('st-duplicate.safetensors'), 'safetensors/bad-json');
    expect(e.message).toMatch(/duplicate key "x"/);
  });
  it('__proto__ and constructor are ordinary tensor names', async () => {
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const st = await open('st-proto.safetensors');
    expect(st.tensors.map((t) => t.name)).toEqual(['__proto__', 'constructor']);
    expect(Array.from(await st.open('__proto__').readRows(0, 1))).toEqual([1, 2]);
    expect(Array.from(await st.open('constructor').readRows(0, 2))).toEqual([3, 4, 5, 6]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });
});

describe('case 17: F32, F16, BF16, F64 decoded; unaligned offsets', () => {
  it('values match hand-computed ones', async () => {
    const st = await open('st-dtypes.safetensors');
    expect(st.metadata.get('format')).toBe('pt');
    const f32 = await st.open('f32').readRows(0, 2);
    expect(Array.from(bits(f32))).toEqual(Array.from(bits(new Float32Array([1.5, -2, 0.1, -0]))));
    expect(Array.from(await st.open('f16').readRows(0, 2))).toEqual([1.5, -2, 65504, 2 ** -24]);
    expect(st.open('f16').describe()).toBe('st-dtypes.safetensors [f16]: f16 (2, 2)');
    expect(Array.from(await st.open('bf16').readRows(0, 2))).toEqual([
      1.5,
      3.140625,
      Infinity,
      -Infinity,
    ]);
    const f64 = await st.open('f64').readRows(0, 2);
    expect(f64[0]).toBe(1.5);
    expect(f64[1]).toBe(Math.fround(0.1));
    expect(f64[2]).toBe(Infinity);
    expect(Object.is(f64[3], -0)).toBe(true);
    expect(Array.from(await st.readValues('k'))).toEqual([32]);
    await expectIoError(
      Promise.resolve().then(() => st.open('k')),
      'safetensors/bad-shape',
    );
  });
  it('F32 data at an odd file offset is copied, not viewed misaligned', async () => {
    const st = await open('st-unaligned.safetensors');
    expect(st.tensors[0].begin % 4).toBe(1);
    expect(Array.from(await st.open('x').readRows(0, 3))).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('unknown tensor names and undecodable dtypes give clear errors', async () => {
    const st = await open('st-dtypes.safetensors');
    await expectIoError(
      Promise.resolve().then(() => st.open('nope')),
      'safetensors/no-tensor',
    );
    const bytes = writeSafetensors([
      { name: 'q', dtype: 'F8_E4M3', shape: [2, 2], data: new Uint8Array(4) },
    ]);
    const q = await openSafetensors(bytesSource('q.safetensors', bytes));
    await expectIoError(
      Promise.resolve().then(() => q.open('q')),
      'safetensors/unsupported-dtype',
    );
  });
});
