// Format detection in openActivations.
import { describe, expect, it } from 'vitest';
import { openActivations } from '../../src/io/open.ts';
import { bytesSource } from '../../src/io/source.ts';
import { writeSafetensors } from '../../src/io/safetensors-write.ts';
import { expectIoError, fixture } from './helpers.ts';

describe('openActivations', () => {
  it('detects .npy by magic, whatever the name', async () => {
    const src = fixture('numpy', 'v1_f4.npy');
    const r = await openActivations({ ...src, name: 'renamed.bin', read: src.read });
    expect([r.header.format, r.rows, r.width]).toEqual(['npy', 5, 3]);
  });
  it('safetensors: picks the only 2-D tensor next to scalars, or asks to choose', async () => {
    const one = writeSafetensors([
      { name: 'k', dtype: 'I64', shape: [], data: new BigInt64Array([4n]) },
      { name: 'acts', dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
    ]);
    const r = await openActivations(bytesSource('one.safetensors', one));
    expect(r.header.tensor).toBe('acts');
    const e = await expectIoError(
      openActivations(fixture('st-dtypes.safetensors')),
      'safetensors/choose',
    );
    expect(e.message).toMatch(/choose a tensor: f32, f16, bf16, f64, k/);
    expect((await openActivations(fixture('st-dtypes.safetensors'), 'bf16')).header.dtype).toBe(
      'bf16',
    );
  });
  it('npz: asks to choose between several arrays', async () => {
    const e = await expectIoError(openActivations(fixture('numpy', 'savez.npz')), 'npz/choose');
    expect(e.message).toMatch(/acts, halves, k/);
    expect((await openActivations(fixture('numpy', 'savez.npz'), 'halves')).header.dtype).toBe(
      'f16',
    );
  });
  it('unknown formats are named', async () => {
    await expectIoError(
      openActivations(fixture('tokens-5.txt')),
      'io/unknown-format',
      'tokens-5.txt',
    );
  });
});
