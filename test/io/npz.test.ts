// Reliability cases 19–20 (.npz); case 18 (real NumPy archives) is in numpy-fixtures.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNpz } from '../../src/io/npz.ts';
import { openActivations } from '../../src/io/open.ts';
import { bytesSource } from '../../src/io/source.ts';
import type { Spill } from '../../src/io/spill.ts';
import { bits, expectIoError, fixture, spy } from './helpers.ts';

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

/** A spill into memory, recording what the archive reader does with it. */
function bufferSpill() {
  const log: string[] = [];
  const chunks: Uint8Array[] = [];
  const spill: Spill = async (file, member, bytes) => {
    log.push(`open ${file}/${member} ${bytes}`);
    return {
      async write(c) {
        chunks.push(c.slice());
      },
      async finish(name) {
        log.push('finish');
        const all = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
        let at = 0;
        for (const c of chunks) all.set(c, (at += c.length) - c.length);
        return bytesSource(name, all);
      },
      async discard() {
        log.push('discard');
      },
    };
  };
  return { spill, log };
}

describe('a deflated member over the in-memory limit (issue 13)', () => {
  const npzPath = join(import.meta.dirname, '../../e2e/fixtures/ingest/acts_compressed.npz');
  const archive = () => bytesSource('acts.npz', new Uint8Array(readFileSync(npzPath)));
  const numpy = () => {
    const b = readFileSync(`${npzPath}.acts.f32.bin`);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };

  it('is decoded once into the spill and read from there: NumPy’s rows', async () => {
    const { spill, log } = bufferSpill();
    const npz = await openNpz(archive(), { maxInflatedBytes: 8192, spill });
    expect((await npz.header('acts')).shape).toEqual([512, 24]); // a prefix: no spill
    expect(log).toEqual([]);
    const r = await npz.open('acts');
    expect(log).toEqual(['open acts.npz/acts.npy 49280', 'finish']);
    expect(bits(await r.readRows(0, 512))).toEqual(bits(numpy()));
    // A member within the limit stays in memory.
    expect((await npz.readArray('token_ids')).shape).toEqual([512]);
    expect(log).toHaveLength(2);
  });

  it('without a spill it is refused with the size, the limit and the fix', async () => {
    const npz = await openNpz(archive(), { maxInflatedBytes: 4096 });
    const e = await expectIoError(npz.open('acts'), 'npz/too-large', 'acts.npz');
    expect(e.message).toBe(
      'acts.npz: compressed member acts.npy is 48.1 KiB (49280 bytes) inflated, over the ' +
        '4.0 KiB (4096 bytes) it may take ' +
        'in memory; save with np.savez (uncompressed) to stream it',
    );
  });

  it('a member inflating past its declared size is aborted and its partial copy discarded', async () => {
    const { spill, log } = bufferSpill();
    const npz = await openNpz(fixture('npz-bomb.npz'), { maxInflatedBytes: 100, spill });
    await expectIoError(npz.open('acts'), 'npz/zip-bomb', 'npz-bomb.npz');
    expect(log).toEqual(['open npz-bomb.npz/acts.npy 152', 'discard']);
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
