// gatherRows: arbitrary row indices (random training batches) through few, bounded reads.
import { describe, expect, it } from 'vitest';
import { openNpy } from '../../src/io/npy.ts';
import { writeNpy } from '../../src/io/npy-write.ts';
import { gatherRows } from '../../src/io/gather.ts';
import { concatShards } from '../../src/io/shards.ts';
import { bytesSource } from '../../src/io/source.ts';
import { expectIoError, spy } from './helpers.ts';

const W = 3;
// Row r holds (r, r + 0.25, r + 0.5): every value names its row.
const rowValues = (start: number, rows: number) =>
  Float32Array.from({ length: rows * W }, (_, i) => start + Math.floor(i / W) + (i % W) * 0.25);

async function shard(name: string, start: number, rows: number) {
  const data = new Uint8Array(rowValues(start, rows).buffer);
  const s = spy(bytesSource(name, writeNpy({ dtype: 'f32', shape: [rows, W], data })));
  return { reader: await openNpy(s.src), reads: s.reads };
}

describe('gatherRows', () => {
  it('returns rows in the order asked, repeats included, across shard boundaries', async () => {
    const a = await shard('a.npy', 0, 40);
    const b = await shard('b.npy', 40, 25);
    const ds = concatShards([a.reader, b.reader]);
    const indices = [64, 0, 39, 40, 7, 7, 52, 1];
    const got = await gatherRows(ds, indices);
    const want = indices.flatMap((r) => Array.from(rowValues(r, 1)));
    expect(Array.from(got)).toEqual(want);
  });

  it('reads nearby rows together and far rows separately, never more than the cap', async () => {
    const a = await shard('a.npy', 0, 1000);
    a.reads.length = 0;
    // bytesPerRow = 12: a gap of ≤ 2 rows (24 bytes) is read through; the cap is 10 rows.
    await gatherRows(a.reader, [3, 5, 7, 500, 20, 23], { maxGapBytes: 24, maxReadBytes: 120 });
    const rowsRead = a.reads.map(([, len]) => len / 12);
    expect(rowsRead).toEqual([5, 1, 1, 1]); // 3..7, 20, 23, 500
    expect(Math.max(...rowsRead)).toBeLessThanOrEqual(10);
  });

  it('refuses an index outside the dataset, naming it', async () => {
    const a = await shard('a.npy', 0, 4);
    const e = await expectIoError(gatherRows(a.reader, [0, 4]), 'io/row-range');
    expect(e.message).toMatch(/row index 4 \(position 1 of the batch\) is outside 0\.\.3/);
    await expectIoError(gatherRows(a.reader, [-1]), 'io/row-range');
    await expectIoError(gatherRows(a.reader, [0.5]), 'io/row-range');
  });

  it('an empty batch reads nothing', async () => {
    const a = await shard('a.npy', 0, 4);
    a.reads.length = 0;
    expect((await gatherRows(a.reader, [])).length).toBe(0);
    expect(a.reads).toEqual([]);
  });
});
