// ByteSource.readInto: reads into the caller's memory (a BYOB stream read of a Blob slice, or a
// copy), with the same range checks and short-read errors as `read`.
import { describe, expect, it } from 'vitest';
import type { BlobLike } from '../../src/io/source.ts';
import { blobSource, bytesSource, subSource } from '../../src/io/source.ts';
import { expectIoError } from './helpers.ts';

const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
const expected = (offset: number, n: number) => bytes.slice(offset, offset + n);
/** Index of the first differing byte, or -1 (a deep `toEqual` on 10^5 bytes is slow). */
const firstDiff = (a: Uint8Array, b: Uint8Array) =>
  a.length !== b.length ? Math.min(a.length, b.length) : a.findIndex((x, i) => x !== b[i]);

/** A Blob without `stream()`, as some environments provide: readInto copies from arrayBuffer. */
const noStream = (b: Blob): BlobLike => ({
  size: b.size,
  name: 'nostream.bin',
  slice: (s, e) => ({ arrayBuffer: () => b.slice(s, e).arrayBuffer() }),
});

describe('readInto', () => {
  it('a Blob slice is streamed into the given memory (BYOB): same bytes, same memory', async () => {
    const src = blobSource(new Blob([bytes]), 'a.bin');
    const into = new Uint8Array(250_000);
    const view = into.subarray(1000, 201_000); // an offset view: only this window is written
    const got = await src.readInto!(12_345, view);
    expect(firstDiff(got, expected(12_345, 200_000))).toBe(-1);
    expect([got.byteOffset, got.length, got.buffer.byteLength]).toEqual([1000, 200_000, 250_000]);
    // The buffer went to the stream and came back: the old view is detached, the new one is it.
    expect(into.byteLength).toBe(0);
    const again = await src.readInto!(0, new Uint8Array(got.buffer, 0, 10));
    expect(again).toEqual(expected(0, 10));
  });

  it.each([
    ['Blob without stream()', () => blobSource(noStream(new Blob([bytes])))],
    ['bytes in memory', () => bytesSource('m.bin', bytes)],
    ['a window of a Blob', () => subSource(blobSource(new Blob([bytes])), 100, 5000, 'w.bin')],
  ])('%s: the bytes land in the given buffer', async (_, make) => {
    const src = make();
    const base = src.name === 'w.bin' ? 100 : 0;
    const got = await src.readInto!(7, new Uint8Array(4000));
    expect(got).toEqual(expected(base + 7, 4000));
  });

  it('ranges outside the file are refused before reading, like read()', async () => {
    for (const src of [blobSource(new Blob([bytes]), 'a.bin'), bytesSource('a.bin', bytes)]) {
      await expectIoError(src.readInto!(299_999, new Uint8Array(2)), 'io/short-read', 'a.bin');
      await expectIoError(src.readInto!(-1, new Uint8Array(2)), 'io/short-read', 'a.bin');
    }
  });

  it('a Blob that delivers fewer bytes than its size says is a short read, not garbage', async () => {
    // A file that shrank after it was chosen: the slice claims 1000 bytes and streams 400.
    const lying: BlobLike = {
      size: 1000,
      name: 'shrunk.bin',
      slice: (s, e) => {
        const real = new Blob([bytes.subarray(0, 400)]).slice(s, Math.min(e, 400));
        return { arrayBuffer: () => real.arrayBuffer(), stream: () => real.stream() };
      },
    };
    const e = await expectIoError(
      blobSource(lying).readInto!(0, new Uint8Array(1000)),
      'io/short-read',
      'shrunk.bin',
    );
    expect(e.message).toMatch(/changed or truncated while reading at byte 400/);
    const lyingNoStream: BlobLike = {
      ...lying,
      slice: (a, b) => ({ arrayBuffer: lying.slice(a, b).arrayBuffer }),
    };
    await expectIoError(
      blobSource(lyingNoStream).readInto!(0, new Uint8Array(1000)),
      'io/short-read',
    );
  });
});

describe('openReader: one stream for a pass', () => {
  it.each([
    ['Blob (one BYOB stream)', () => blobSource(new Blob([bytes]), 'a.bin')],
    ['Blob without stream()', () => blobSource(noStream(new Blob([bytes])))],
    ['bytes in memory', () => bytesSource('a.bin', bytes)],
  ])(
    '%s: consecutive reads return consecutive bytes, in two alternating buffers',
    async (_, make) => {
      const r = make().openReader!(1000, 250_000);
      const bufs: Uint8Array[] = [new Uint8Array(70_000), new Uint8Array(70_000)];
      const got = new Uint8Array(250_000);
      for (let at = 0, k = 0; at < 250_000; at += 70_000, k ^= 1) {
        const n = Math.min(70_000, 250_000 - at);
        const v = await r.readInto(bufs[k].subarray(0, n));
        bufs[k] = new Uint8Array(v.buffer); // the memory, whether or not it was transferred
        got.set(v, at);
      }
      r.close();
      expect(firstDiff(got, expected(1000, 250_000))).toBe(-1);
    },
  );

  it('reading past the range, or a file that shrank, is a short read', async () => {
    const r = blobSource(new Blob([bytes]), 'a.bin').openReader!(0, 100);
    await r.readInto(new Uint8Array(60));
    await expectIoError(r.readInto(new Uint8Array(60)), 'io/short-read', 'a.bin');
    expect(() => blobSource(new Blob([bytes]), 'a.bin').openReader!(299_000, 2000)).toThrow(
      /needed bytes 299000..301000 of 300000/,
    );
  });

  it('closing early releases the stream without an unhandled rejection', async () => {
    const r = blobSource(new Blob([bytes]), 'a.bin').openReader!(0, 300_000);
    await r.readInto(new Uint8Array(10));
    r.close();
    r.close();
  });
});
