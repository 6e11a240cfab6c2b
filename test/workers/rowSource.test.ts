// The engine's two row sources: in memory, and streamed from the ingestion worker's session over
// a real MessageChannel (src/workers/rowSource.ts ↔ src/workers/ingest-core.ts). Expected rows
// come from the array written into the file; the streamed source must agree with it (and with
// the in-memory source) on everything but the batch order.
import { describe, expect, it } from 'vitest';
import { fingerprintRows } from '../../src/checkpoint/fingerprint.ts';
import { writeNpy } from '../../src/io/npy-write.ts';
import { IngestSession } from '../../src/workers/ingest-core.ts';
import { memoryRows, RowReadError, streamedRows } from '../../src/workers/rowSource.ts';

const rows = 700;
const D = 5;
const x = Float32Array.from({ length: rows * D }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
const npy = (name: string) =>
  new File(
    [writeNpy({ dtype: 'f32', shape: [rows, D], data: new Uint8Array(x.slice().buffer) })],
    name,
  );

/** A streamed source over a real ingestion session holding `file`. */
async function streamed(file: File, memoryBytes: number) {
  const ingest = new IngestSession(() => {});
  await ingest.handle({ type: 'open', id: 1, files: [file] });
  const { port1, port2 } = new MessageChannel();
  await ingest.handle({ type: 'connect', id: 2, port: port1 });
  return streamedRows(port2, rows, D, { memoryBytes });
}

const row = (data: Float32Array, i: number) => Array.from(data.subarray(i * D, (i + 1) * D));

describe('streamedRows', () => {
  it('serves every row once per epoch, in bounded windows, and agrees with memory on the rest', async () => {
    const src = await streamed(npy('a.npy'), 40 * D * 4); // a window of 40 rows of 700
    try {
      expect(Array.from(await src.head(9))).toEqual(Array.from(x.subarray(0, 9 * D)));
      expect(await src.fingerprint('a')).toEqual(fingerprintRows(x, rows, D, 'a'));
      const chunks: number[] = [];
      for await (const c of src.chunks(64)) {
        expect(Array.from(c.data)).toEqual(
          Array.from(x.subarray(c.start * D, c.start * D + c.data.length)),
        );
        chunks.push(c.start);
      }
      expect(chunks).toEqual(Array.from({ length: 11 }, (_, i) => i * 64));
      // The first 150 rows only (a final evaluation over a sample: `--eval-rows`), in both sources.
      for (const s of [src, memoryRows(x, rows, D)]) {
        const got: number[][] = [];
        for await (const c of s.chunks(64, 150)) got.push([c.start, c.data.length / D, c.data[0]]);
        expect(got).toEqual([
          [0, 64, x[0]],
          [64, 64, x[64 * D]],
          [128, 22, x[128 * D]],
        ]);
      }
      // Epochs: each row's values exactly once per 700 rows served (batches straddle epochs).
      const stream = await src.batches(50, 3);
      const byValue = new Map<string, number>();
      for (let r = 0; r < rows; r++) byValue.set(row(x, r).join(','), r);
      const served: number[] = [];
      for (let b = 0; b < 28; b++) {
        const data = await stream.next();
        for (let i = 0; i < 50; i++) served.push(byValue.get(row(data, i).join(','))!);
      }
      for (const epoch of [served.slice(0, rows), served.slice(rows, 2 * rows)])
        expect([...epoch].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
      expect(served.slice(0, rows)).not.toEqual(Array.from({ length: rows }, (_, i) => i));
    } finally {
      src.close();
    }
  });

  it('a batch the trainer is done with goes back to be refilled: no buffer per batch', async () => {
    const src = await streamed(npy('c.npy'), 40 * D * 4);
    try {
      const stream = await src.batches(50, 3);
      const first = await stream.next();
      expect(first.length).toBe(50 * D);
      await stream.next();
      // Asking for the next batch sent the first one's buffer back (transferred: detached here).
      expect(first.length).toBe(0);
      expect(first.buffer.byteLength).toBe(0);
    } finally {
      src.close();
    }
  });

  it('a stream reopened from a saved cursor serves the very batches the original serves next', async () => {
    const file = npy('b.npy');
    const a = await streamed(file, 64 * D * 4);
    const b = await streamed(file, 64 * D * 4);
    try {
      const original = await a.batches(30, 9);
      for (let i = 0; i < 5; i++) await original.next();
      const cursor = await original.save();
      expect(cursor.window).toBeDefined();
      const next = [];
      for (let i = 0; i < 30; i++) next.push(Array.from(await original.next()));
      const resumed = await b.batches(30, 12345, cursor); // the seed is the cursor's
      for (let i = 0; i < 30; i++) expect(Array.from(await resumed.next())).toEqual(next[i]);
      // A memory dataset's cursor does not fit a stream, and the reverse.
      const mem = memoryRows(x, rows, D);
      await expect(mem.batches(30, 1, cursor)).rejects.toThrow(/streamed/);
      const memCursor = await (await mem.batches(30, 1)).save();
      await expect(b.batches(30, 1, memCursor)).rejects.toThrow(/in memory/);
    } finally {
      a.close();
      b.close();
    }
  });

  it('a file that can no longer be read fails the batch with a RowReadError naming the file', async () => {
    // A Blob whose reads fail like Chromium's for a file changed on disk after it was picked.
    const good = npy('gone.npy');
    const failing = {
      name: 'gone.npy',
      size: good.size,
      slice(a: number, b: number) {
        const part = good.slice(a, b);
        return a < 128 // the header reads fine; rows do not
          ? part
          : {
              arrayBuffer: () =>
                Promise.reject(
                  new DOMException('The requested file could not be read', 'NotReadableError'),
                ),
            };
      },
    } as unknown as File;
    const src = await streamed(failing, 64 * D * 4);
    try {
      const err = await src.batches(10, 1).then(
        (s) => s.next(),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RowReadError);
      const e = err as RowReadError;
      expect(e.code).toBe('io/unreadable');
      expect(e.message).toMatch(
        /^gone\.npy: the file can no longer be read at byte \d+ \(NotReadableError\).*Pick the file again/,
      );
    } finally {
      src.close();
    }
  });
});
