// Passes free each chunk's buffer once it is used (release.ts), and only buffers a read returned
// whole; the values they produce are unchanged.
import { describe, expect, it } from 'vitest';
import { openNpy } from '../../src/io/npy.ts';
import { writeNpy } from '../../src/io/npy-write.ts';
import { readAhead, readRanges } from '../../src/io/read-ahead.ts';
import { releaseBuffer } from '../../src/io/release.ts';
import { blobSource, bytesSource } from '../../src/io/source.ts';

const rows = 50;
const width = 6;
const x = new Float32Array(rows * width).map((_, i) => i / 4 - 20);
const npy = writeNpy({ dtype: 'f32', shape: [rows, width], data: new Uint8Array(x.buffer) });

describe('releaseBuffer', () => {
  it('detaches the buffer at once (its memory goes with a message nobody receives)', () => {
    const b = new ArrayBuffer(1 << 20);
    const view = new Float32Array(b);
    releaseBuffer(b);
    expect([b.byteLength, view.length]).toEqual([0, 0]);
    releaseBuffer(b); // already detached: nothing happens
    releaseBuffer(new ArrayBuffer(0));
  });
});

describe('readAhead with release', () => {
  it.each([
    ['a Blob', () => blobSource(new Blob([npy]), 'a.npy')],
    ['bytes in memory', () => bytesSource('a.npy', npy)],
  ])('%s: chunk i is freed when chunk i + 1 is asked for, after it was used', async (_, make) => {
    const ds = await openNpy(make());
    const seen: Float32Array[] = [];
    const got: number[] = [];
    for await (const c of readAhead(ds, 8, { release: true })) {
      const v = new Float32Array(c.blocks[0].raw.buffer);
      got.push(...v); // still readable while handed out
      if (seen.length) expect(seen[seen.length - 1].length).toBe(0); // the previous one is gone
      seen.push(v);
    }
    expect(new Float32Array(got)).toEqual(x);
    expect(seen.every((v) => v.length === 0)).toBe(true); // the last one too, at the end
  });

  it('stopping early frees the chunk handed out; without release nothing is freed', async () => {
    const ds = await openNpy(bytesSource('a.npy', npy));
    let kept: Uint8Array | undefined;
    for await (const c of readRanges(
      ds,
      [
        [0, 10],
        [10, 10],
      ],
      { release: true },
    )) {
      kept = c.blocks[0].raw;
      break;
    }
    expect(kept!.length).toBe(0);
    for await (const c of readAhead(ds, 25)) kept = c.blocks[0].raw;
    expect(kept!.length).toBe(25 * width * 4);
  });

  it('a view into a larger buffer is never freed (it is not the read own buffer)', async () => {
    const big = new Uint8Array(4096);
    const ds = await openNpy(bytesSource('a.npy', npy));
    const viewing = {
      ...ds,
      readBlocks: async () => [
        { raw: big.subarray(64, 64 + 24), dtype: 'f32' as const, littleEndian: true, rows: 1 },
      ],
    };
    for await (const c of readAhead(viewing, 1, { release: true })) expect(c.count).toBe(1);
    expect(big.length).toBe(4096);
  });
});
