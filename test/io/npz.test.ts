// Reliability cases 19–20 (.npz); case 18 (real NumPy archives) is in numpy-fixtures.test.ts.
import { describe, expect, it } from 'vitest';
import { openNpz } from '../../src/io/npz.ts';
import { openActivations } from '../../src/io/open.ts';
import { expectIoError, fixture, spy } from './helpers.ts';

describe('a hand-built stored archive', () => {
  it('is listed and read from slices of the file', async () => {
    const npz = await openNpz(fixture('npz-ok-stored.npz'));
    expect(npz.members).toMatchObject([{ name: 'acts.npy', key: 'acts', compressed: false }]);
    const r = await npz.open('acts');
    expect(r.describe()).toContain('npz-ok-stored.npz/acts.npy');
    expect(Array.from(await r.readRows(0, 3))).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('openActivations picks the only 2-D array', async () => {
    const r = await openActivations(fixture('npz-ok-stored.npz'));
    expect([r.rows, r.width]).toEqual([3, 2]);
  });
});

describe('a deflated member larger than the header prefix', () => {
  it('header() inflates only a prefix; open() inflates it whole', async () => {
    const s = spy(fixture('npz-large-deflated.npz'));
    const npz = await openNpz(s.src);
    const h = await npz.header('big');
    expect([h.shape, h.dtype]).toEqual([[4096, 16], 'f32']);
    const r = await npz.open('big');
    expect(r.rows).toBe(4096);
    expect(Array.from(await r.readRows(4095, 1))).toEqual(new Array(16).fill(0));
  });
});

describe('case 19: zip bomb', () => {
  it('an entry inflating past its declared size is aborted with memory bounded', async () => {
    const heapBefore = process.memoryUsage().arrayBuffers;
    const npz = await openNpz(fixture('npz-bomb.npz'));
    const e = await expectIoError(npz.open('acts'), 'npz/zip-bomb', 'npz-bomb.npz');
    expect(e.message).toMatch(/inflates beyond its declared 152 bytes/);
    // The 8 MiB payload was never held: growth stays far below it.
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(4 << 20);
  });
  it('a declared size over the limit is refused before inflating', async () => {
    const npz = await openNpz(fixture('npz-bomb.npz'), { maxInflatedBytes: 100 });
    await expectIoError(npz.open('acts'), 'npz/too-large', 'npz-bomb.npz');
  });
});

describe('case 20: truncated, encrypted, path traversal', () => {
  it.each([
    ['npz-truncated.npz', 'npz/bad-zip'],
    ['npz-traversal.npz', 'npz/unsafe-name'],
    ['npz-absolute.npz', 'npz/unsafe-name'],
    ['npz-backslash.npz', 'npz/unsafe-name'],
  ])('%s', async (name, code) => {
    const e = await expectIoError(openNpz(fixture(name)), code, name);
    expect(e.message.length).toBeGreaterThan(name.length + 10);
  });
  it('npz-encrypted.npz', async () => {
    const npz = await openNpz(fixture('npz-encrypted.npz'));
    await expectIoError(npz.open('acts'), 'npz/encrypted', 'npz-encrypted.npz');
  });
  it('a file that is not a zip at all', async () => {
    await expectIoError(openNpz(fixture('npy-data-long.npy')), 'npz/bad-zip');
  });
});
