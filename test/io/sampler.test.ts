// RowSampler: batches from a dataset larger than the memory budget (a window of shuffled blocks)
// and from one that fits (read once). Expected rows come from reading the whole file with the
// parser; what the sampler read is seen through a spying ByteSource.
import { describe, expect, it } from 'vitest';
import { openNpy } from '../../src/io/npy.ts';
import { writeNpy } from '../../src/io/npy-write.ts';
import { RowSampler } from '../../src/io/sampler.ts';
import { concatShards } from '../../src/io/shards.ts';
import { blobSource, bytesSource } from '../../src/io/source.ts';
import { computeStats } from '../../src/io/stats.ts';
import { expectIoError, spy } from './helpers.ts';

/** A float16 `.npy` of `rows × width` distinct finite halves, and a spy on its reads. */
async function f16File(rows: number, width: number, name = 'a.npy') {
  const h = new Uint16Array(rows * width).map((_, i) => (i * 7919) % 0x7bff);
  const bytes = writeNpy({ dtype: 'f16', shape: [rows, width], data: new Uint8Array(h.buffer) });
  const all = await (await openNpy(bytesSource(name, bytes))).readRows(0, rows);
  const s = spy(bytesSource(name, bytes));
  const reader = await openNpy(s.src);
  s.reads.length = 0; // count only what the sampler reads
  return { reader, all, reads: s.reads, dataBytes: rows * width * 2 };
}

/** Draws `total` rows in batches of `batch`, checking each row's values against `all`. */
async function draw(
  sampler: RowSampler,
  all: Float32Array,
  width: number,
  total: number,
  batch: number,
) {
  const served: number[] = [];
  while (served.length < total) {
    const b = await sampler.next(Math.min(batch, total - served.length));
    expect(b.data).toHaveLength(b.rows.length * width);
    b.rows.forEach((r, i) =>
      expect(b.data.subarray(i * width, (i + 1) * width)).toEqual(
        all.subarray(r * width, (r + 1) * width),
      ),
    );
    served.push(...b.rows);
  }
  return served;
}

const isPermutation = (xs: number[], n: number) =>
  xs.length === n && [...xs].sort((a, b) => a - b).every((x, i) => x === i);

describe('RowSampler', () => {
  it('data larger than its memory budget: shuffled epochs of every row once, bounded reads', async () => {
    const rows = 1003; // not a multiple of the block
    const width = 12;
    const { reader, all, reads, dataBytes } = await f16File(rows, width);
    const memoryBytes = 10_000; // the decoded data is 48 144 bytes
    const s = new RowSampler(reader, { memoryBytes, blockRows: 20, seed: 5 });
    expect(s.inMemory).toBe(false);
    expect(s.blocks).toBe(Math.ceil(rows / 20));
    const served = await draw(s, all, width, 3 * rows, 64); // batches straddle windows and epochs
    const epochs = [0, 1, 2].map((e) => served.slice(e * rows, (e + 1) * rows));
    for (const e of epochs) expect(isPermutation(e, rows)).toBe(true);
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[0].slice(0, 50)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(s.epoch).toBe(2);
    // Memory: one window buffer within the budget, reads of one block at most, each block read
    // once per epoch.
    expect(s.residentBytes).toBeGreaterThan(0);
    expect(s.residentBytes).toBeLessThanOrEqual(memoryBytes);
    expect(Math.max(...reads.map((r) => r[1]))).toBeLessThanOrEqual(20 * width * 2);
    expect(reads.reduce((a, r) => a + r[1], 0)).toBe(3 * dataBytes);
    expect(s.bytesRead).toBe(3 * dataBytes);
  });

  it('the same seed replays the same batches; another seed gives others', async () => {
    const { reader, all } = await f16File(200, 3);
    const run = async (seed: number) =>
      draw(new RowSampler(reader, { memoryBytes: 1200, seed }), all, 3, 450, 32);
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
    // Into a reused staging buffer: the same rows, written in place.
    const staged = new RowSampler(reader, { memoryBytes: 1200, seed: 1 });
    const staging = new Float32Array(40 * 3);
    const b = await staged.next(32, staging);
    expect(b.data.buffer).toBe(staging.buffer);
    expect(Array.from(b.rows)).toEqual(a.slice(0, 32));
    b.rows.forEach((r, i) =>
      expect(staging.subarray(3 * i, 3 * i + 3)).toEqual(all.subarray(3 * r, 3 * r + 3)),
    );
    await expect(staged.next(41, staging)).rejects.toThrow(/needs 123 values/);
  });

  it('an in-order pass reads the rows in file order, one chunk ahead, whatever the budget', async () => {
    const { reader, all, reads } = await f16File(301, 5);
    const s = new RowSampler(reader, { memoryBytes: 800 });
    const got: number[] = [];
    for await (const c of s.inOrder(64)) {
      expect(c.start).toBe(got.length / 5);
      got.push(...c.data);
    }
    expect(new Float32Array(got)).toEqual(all);
    expect(s.residentBytes).toBe(0); // a pass holds no window
    expect(Math.max(...reads.map((r) => r[1]))).toBe(64 * 5 * 2);
  });

  it('data that fits is read once and reshuffled each epoch', async () => {
    const { reader, all, reads, dataBytes } = await f16File(257, 6);
    const s = new RowSampler(reader, { memoryBytes: 257 * 6 * 4, seed: 3 });
    expect(s.inMemory).toBe(true);
    const served = await draw(s, all, 6, 3 * 257, 100);
    const epochs = [0, 1, 2].map((e) => served.slice(e * 257, (e + 1) * 257));
    for (const e of epochs) expect(isPermutation(e, 257)).toBe(true);
    expect(epochs[1]).not.toEqual(epochs[2]);
    expect(reads.reduce((a, r) => a + r[1], 0)).toBe(dataBytes); // once, not once per epoch
    const pass: number[] = [];
    for await (const c of s.inOrder(100)) pass.push(...c.data);
    expect(new Float32Array(pass)).toEqual(all);
    expect(reads.reduce((a, r) => a + r[1], 0)).toBe(dataBytes); // served from memory
    expect(s.residentBytes).toBe(257 * 6 * 4);
  });

  it('shards of different dtypes: in-order chunks and batches across the boundary', async () => {
    const a = await f16File(50, 4, 'a.npy');
    const x = new Float32Array(30 * 4).map((_, i) => i / 8 - 3);
    const f32 = await openNpy(
      bytesSource(
        'b.npy',
        writeNpy({ dtype: 'f32', shape: [30, 4], data: new Uint8Array(x.buffer) }),
      ),
    );
    const all = new Float32Array([...a.all, ...x]);
    const s = new RowSampler(concatShards([a.reader, f32]), { memoryBytes: 320, seed: 9 });
    expect(s.inMemory).toBe(false);
    expect(isPermutation(await draw(s, all, 4, 80, 7), 80)).toBe(true);
    const pass: number[] = [];
    for await (const c of s.inOrder(33)) pass.push(...c.data);
    expect(new Float32Array(pass)).toEqual(all);
  });

  it('refuses a budget smaller than one row, an empty dataset and a bad batch size', async () => {
    const { reader } = await f16File(10, 100);
    expect(() => new RowSampler(reader, { memoryBytes: 399 })).toThrow(
      /cannot hold one 400-byte row/,
    );
    const empty = await openNpy(
      bytesSource('e.npy', writeNpy({ dtype: 'f32', shape: [0, 4], data: new Uint8Array() })),
    );
    expect(() => new RowSampler(empty)).toThrow(/no rows/);
    await expectIoError(new RowSampler(reader).next(0), 'sampler/batch', 'a.npy');
  });

  it('over a Blob (each block freed once decoded): same rows, same statistics', async () => {
    const rows = 700;
    const width = 9;
    const h = new Uint16Array(rows * width).map((_, i) => (i * 4099) % 0x7bff);
    const bytes = writeNpy({ dtype: 'f16', shape: [rows, width], data: new Uint8Array(h.buffer) });
    const all = await (await openNpy(bytesSource('m.npy', bytes))).readRows(0, rows);
    const blob = await openNpy(blobSource(new Blob([bytes]), 'b.npy'));
    const s = new RowSampler(blob, { memoryBytes: 5000, blockRows: 16, seed: 2 });
    expect(isPermutation(await draw(s, all, width, rows, 50), rows)).toBe(true);
    const pass: number[] = [];
    for await (const c of s.inOrder(100)) pass.push(...c.data);
    expect(new Float32Array(pass)).toEqual(all);
    const fromBlob = await computeStats(blob, { chunkRows: 64 });
    const fromBytes = await computeStats(await openNpy(bytesSource('b.npy', bytes)), {
      chunkRows: 64,
    });
    expect({ ...fromBlob, seconds: 0 }).toEqual({ ...fromBytes, seconds: 0 });
  });
});

describe('RowSampler.save / from', () => {
  it('a sampler restored from any saved cursor serves exactly the rows the original serves next', async () => {
    const rows = 517;
    const width = 6;
    const { reader, all } = await f16File(rows, width);
    const opts = { memoryBytes: 4_000, blockRows: 16, seed: 11 };
    const original = new RowSampler(reader, opts);
    // Cursors before the first batch, mid-window, at window ends and across epochs.
    const cursors = [original.save()];
    const expected: number[][] = [];
    for (let i = 0; i < 40; i++) {
      const b = await original.next(37);
      expected.push([...b.rows]);
      cursors.push(original.save());
    }
    for (const at of [0, 1, 7, 13, 14, 29, 39]) {
      const restored = new RowSampler(reader, { ...opts, from: cursors[at] });
      for (let i = at; i < Math.min(40, at + 4); i++) {
        const b = await restored.next(37);
        expect([...b.rows]).toEqual(expected[i]);
        b.rows.forEach((r, j) =>
          expect(b.data.subarray(j * width, (j + 1) * width)).toEqual(
            all.subarray(r * width, (r + 1) * width),
          ),
        );
      }
    }
  });

  it('refuses a cursor saved with another block size', async () => {
    const { reader } = await f16File(100, 4);
    const saved = new RowSampler(reader, { memoryBytes: 800, blockRows: 10 }).save();
    expect(() => new RowSampler(reader, { memoryBytes: 800, blockRows: 5, from: saved })).toThrow(
      /blocks of 10 rows/,
    );
  });
});
