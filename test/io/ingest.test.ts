// The ingestion worker's session logic (src/workers/ingest-core.ts), driven with real File objects.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/io/npy-write.ts';
import { IngestSession } from '../../src/workers/ingest-core.ts';
import type { IngestMessage } from '../../src/workers/ingest-protocol.ts';
import { fixturePath } from './helpers.ts';

const file = (...p: string[]) => new File([readFileSync(fixturePath(...p))], p[p.length - 1]);
const npyFile = (name: string, rows: number[][]) =>
  new File(
    [
      writeNpy({
        dtype: 'f32',
        shape: [rows.length, rows[0].length],
        data: new Uint8Array(new Float32Array(rows.flat()).buffer),
      }),
    ],
    name,
  );

function session() {
  const out: { msg: IngestMessage; transfer: Transferable[] }[] = [];
  const s = new IngestSession((msg, transfer) => out.push({ msg, transfer }));
  const last = () => out[out.length - 1].msg;
  return { s, out, last };
}

describe('IngestSession', () => {
  it('opens shards, serves rows (transferred), and keeps the dataset when a later open fails', async () => {
    const { s, out, last } = session();
    await s.handle({
      type: 'open',
      id: 1,
      files: [npyFile('a.npy', [[1, 2]]), npyFile('b.npy', [[3, 4]])],
    });
    expect(last()).toMatchObject({
      type: 'opened',
      id: 1,
      dataset: { rows: 2, width: 2, files: ['a.npy', 'b.npy'] },
    });
    await s.handle({ type: 'open', id: 2, files: [file('npy-version-4.npy')] });
    expect(last()).toMatchObject({
      type: 'error',
      id: 2,
      file: 'npy-version-4.npy',
      code: 'npy/unsupported-version',
    });
    await s.handle({ type: 'rows', id: 3, start: 0, count: 2 });
    const m = last();
    expect(m.type === 'rows' && Array.from(m.data)).toEqual([1, 2, 3, 4]);
    expect(out[out.length - 1].transfer).toHaveLength(1);
    await s.handle({ type: 'batch', id: 4, indices: Uint32Array.from([1, 0, 1]) });
    const b = last();
    expect(b.type === 'batch' && [b.count, Array.from(b.data)]).toEqual([3, [3, 4, 1, 2, 3, 4]]);
    expect(out[out.length - 1].transfer).toHaveLength(1);
  });

  it('statistics with progress, and cancel', async () => {
    const { s, out, last } = session();
    await s.handle({ type: 'open', id: 1, files: [file('..', 'softsae-small', 'x.npy')] });
    await s.handle({ type: 'stats', id: 2, chunkRows: 8 });
    expect(
      out
        .filter((o) => o.msg.type === 'progress')
        .map((o) => o.msg.type === 'progress' && o.msg.progress.rowsDone),
    ).toEqual([8, 16, 24, 32]);
    const st = last();
    expect(st.type === 'stats' && st.stats.normFactor).toBeCloseTo(7.566635124883337, 12);
    const p = s.handle({ type: 'stats', id: 3, chunkRows: 1 });
    await s.handle({ type: 'cancel', id: 3 });
    await p;
    expect(last()).toMatchObject({ type: 'error', id: 3, code: 'io/aborted' });
  });

  it('tokens align to the rows or are refused with both counts', async () => {
    const { s, last } = session();
    await s.handle({ type: 'rows', id: 1, start: 0, count: 1 });
    expect(last()).toMatchObject({ type: 'error', code: 'ingest/no-dataset' });
    await s.handle({ type: 'open', id: 2, files: [npyFile('a.npy', [[1], [2], [3]])] });
    await s.handle({ type: 'tokens', id: 3, file: file('tokens-5.txt') });
    expect(last()).toMatchObject({ type: 'error', code: 'tokens/count-mismatch' });
    expect(last().type === 'error' && last()).toMatchObject({
      message: expect.stringMatching(/5 tokens but 3 activation rows/),
    });
    await s.handle({ type: 'tokens', id: 4, file: new File(['x\ny\nz\n'], 't.txt') });
    expect(last()).toMatchObject({ type: 'tokens', id: 4, tokens: ['x', 'y', 'z'] });
  });

  it('a sampler serves shuffled batches (transferred) and is dropped when another file opens', async () => {
    const { s, out, last } = session();
    await s.handle({ type: 'sampler', id: 1 });
    expect(last()).toMatchObject({ type: 'error', code: 'ingest/no-dataset' });
    const rows = Array.from({ length: 40 }, (_, r) => [r, -r]);
    await s.handle({ type: 'open', id: 2, files: [npyFile('a.npy', rows)] });
    await s.handle({ type: 'sample', id: 3, count: 1 });
    expect(last()).toMatchObject({ type: 'error', code: 'ingest/no-sampler' });
    await s.handle({ type: 'sampler', id: 4, memoryBytes: 10 * 8, blockRows: 3, seed: 1 });
    expect(last()).toMatchObject({
      type: 'sampler',
      sampler: { inMemory: false, blocks: 14, blockRows: 3, windowBlocks: 3, residentBytes: 72 },
    });
    const seen: number[] = [];
    for (let id = 5; seen.length < 40; id++) {
      await s.handle({ type: 'sample', id, count: 8 });
      const m = last();
      if (m.type !== 'sample') throw new Error(JSON.stringify(m));
      expect(out[out.length - 1].transfer).toHaveLength(3);
      m.rows.forEach((r, i) => expect([m.data[2 * i], m.data[2 * i + 1]]).toEqual([r, -r]));
      seen.push(...m.rows);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(rows.map((r) => r[0]));
    await s.handle({ type: 'open', id: 99, files: [npyFile('b.npy', [[1, 2]])] });
    await s.handle({ type: 'sample', id: 100, count: 1 });
    expect(last()).toMatchObject({ type: 'error', code: 'ingest/no-sampler' });
  });
});
