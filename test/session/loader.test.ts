// The page's file loader end to end in Node: the real IngestClient bridged to the ingestion
// worker's session logic (real io readers) and the engine's dataset registry, with the store and
// the page registry observed as the Data panel would show them.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/io/npy-write.ts';
import { getDataset } from '../../src/session/datasets.ts';
import { stage } from '../../src/session/fileRoles.ts';
import { IngestClient, type WorkerLike } from '../../src/session/ingestClient.ts';
import { DatasetLoader, type EnginePort } from '../../src/session/loader.ts';
import { useAppStore } from '../../src/store/index.ts';
import { EngineDatasets, summaryOf } from '../../src/workers/engineDatasets.ts';
import { IngestSession } from '../../src/workers/ingest-core.ts';
import type { IngestMessage, IngestRequest } from '../../src/workers/ingest-protocol.ts';

/** A Worker stand-in that runs the ingestion worker's logic in this thread. */
function bridge(): WorkerLike {
  const w: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (req: IngestRequest) => void session.handle(req),
    terminate: () => {},
  };
  const session = new IngestSession((msg: IngestMessage) =>
    queueMicrotask(() => w.onmessage?.({ data: msg } as MessageEvent<IngestMessage>)),
  );
  return w;
}

function engine(): EnginePort & { datasets: EngineDatasets } {
  const datasets = new EngineDatasets();
  return {
    datasets,
    async dataset(req) {
      if (req.type === 'dataset-stream') {
        const dataset = datasets.stream(req);
        return { type: 'dataset-loaded', summary: summaryOf(dataset), dropped: new Int32Array(0) };
      }
      if (req.type !== 'dataset-load') throw new Error('built-ins are not used here');
      const { dataset, dropped } = datasets.load(req);
      return { type: 'dataset-loaded', summary: summaryOf(dataset), dropped };
    },
  };
}

const npy = (name: string, rows: number[][]) =>
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
const text = (name: string, lines: string[]) =>
  new File([lines.map((l) => `${l}\n`).join('')], name);

const ROWS = [
  [3, 4],
  [NaN, 1],
  [0, 1],
  [1, Infinity],
  [6, 8],
];
const TOKENS = ['a', 'b', 'c', 'd', 'e'];

const state = () => useAppStore.getState().dataset;
/** Resolves when the loader asks a question (or finishes). */
const until = (pred: () => boolean) =>
  new Promise<void>((resolve) => {
    if (pred()) return resolve();
    const stop = useAppStore.subscribe(() => {
      if (pred()) {
        stop();
        resolve();
      }
    });
  });

let loader: DatasetLoader;
let eng: ReturnType<typeof engine>;
beforeEach(() => {
  useAppStore.setState({
    dataset: {
      activeId: null,
      list: [],
      ingest: null,
      tensorChoice: null,
      nonFinite: null,
      error: null,
      memoryMiB: 256,
    },
  });
  eng = engine();
  loader = new DatasetLoader(new IngestClient(bridge()), eng);
});

describe('DatasetLoader', () => {
  it('asks about NaN/Inf rows; "drop" keeps the other rows and their tokens', async () => {
    const done = loader.load(stage([npy('acts.npy', ROWS), text('acts.txt', TOKENS)]));
    await until(() => state().nonFinite !== null);
    expect(state().nonFinite).toMatchObject({ rows: 2, totalRows: 5, nanCount: 1, infCount: 1 });
    expect(state().activeId).toBeNull();
    loader.answer('drop');
    await done;
    const s = state();
    expect(s.error).toBeNull();
    expect(s.nonFinite).toBeNull();
    const view = s.list.find((d) => d.id === s.activeId)!;
    // Rows (3,4), (0,1), (6,8): norms 5, 1, 10.
    expect(view).toMatchObject({ name: 'acts.npy', rows: 3, D: 2, droppedRows: 2, dtype: 'f32' });
    expect(view.normFactor).toBeCloseTo(Math.sqrt((25 + 1 + 100) / 3), 6);
    expect(view.meanNorm).toBeCloseTo((5 + 1 + 10) / 3, 6);
    expect([view.min, view.max]).toEqual([0, 8]);
    const ds = getDataset(s.activeId!)!;
    expect(ds.tokens).toEqual(['a', 'c', 'e']);
    expect(Array.from(ds.pos!)).toEqual([0, 2, 4]);
    expect(Array.from(eng.datasets.get(s.activeId!)!.x!)).toEqual([3, 4, 0, 1, 6, 8]);
  });

  it('"abort" changes nothing: the previous dataset stays active', async () => {
    await loader.load(
      stage([
        npy('good.npy', [
          [1, 2],
          [3, 4],
        ]),
      ]),
    );
    const before = state().activeId;
    expect(before).not.toBeNull();
    const done = loader.load(stage([npy('bad.npy', ROWS)]));
    await until(() => state().nonFinite !== null);
    loader.answer(null);
    await done;
    expect(state().activeId).toBe(before);
    expect(state().list.map((d) => d.name)).toEqual(['good.npy']);
    expect(state().error).toBeNull();
  });

  it('a malformed file or a token count mismatch is reported by name; nothing changes', async () => {
    await loader.load(
      stage([
        npy('good.npy', [
          [1, 2],
          [3, 4],
        ]),
      ]),
    );
    const before = state().activeId;
    await loader.load(stage([new File([new Uint8Array(4)], 'broken.npy')]));
    expect(state().error?.message).toMatch(/^broken\.npy: .*not a \.npy file/);
    await loader.load(stage([npy('ok.npy', [[1, 2]]), text('few.txt', ['x', 'y'])]));
    expect(state().error?.message).toMatch(/^few\.txt: 2 tokens but 1 activation rows/);
    expect(state().activeId).toBe(before);
    expect(state().list).toHaveLength(1);
    expect(state().ingest).toBeNull();
  });

  it('cancel during a question leaves no question, no error and no new dataset', async () => {
    const done = loader.load(stage([npy('bad.npy', ROWS)]));
    await until(() => state().nonFinite !== null);
    loader.cancel();
    await done;
    expect(state()).toMatchObject({
      activeId: null,
      list: [],
      nonFinite: null,
      error: null,
      ingest: null,
    });
    // The next load works as usual.
    await loader.load(stage([npy('next.npy', [[1, 2]])]));
    expect(state().list.map((d) => d.name)).toEqual(['next.npy']);
  });

  it('asks which array of an .npz holds the activations (NumPy-written, compressed)', async () => {
    const path = new URL('../fixtures/io/numpy/savez_compressed.npz', import.meta.url);
    const npz = new File([readFileSync(path)], 'savez_compressed.npz');
    const done = loader.load(stage([npz]));
    await until(() => state().tensorChoice !== null);
    // np.savez_compressed(acts=(6, 4) f4, halves=(3, 4) f2, k=scalar): the scalar is no choice.
    expect(state().tensorChoice).toEqual({
      file: 'savez_compressed.npz',
      options: [
        { name: 'acts', shape: [6, 4], dtype: 'f32' },
        { name: 'halves', shape: [3, 4], dtype: 'f16' },
      ],
    });
    loader.answer('halves');
    await done;
    await until(() => state().activeId !== null);
    const view = state().list.find((d) => d.id === state().activeId)!;
    expect(view).toMatchObject({ name: 'savez_compressed.npz [halves]', rows: 3, D: 4 });
    expect(state().tensorChoice).toBeNull();
  });

  it('refuses a load without activation files', async () => {
    await loader.load(stage([text('only.txt', ['a'])]));
    expect(state().error?.message).toContain('choose at least one activation file');
  });

  it('data over the memory budget is streamed: nothing read whole, the summary says why', async () => {
    const rows = Array.from({ length: 300 }, (_, r) => [r, -2 * r, r % 7]);
    useAppStore.getState().setRowMemory(1000 / 2 ** 20); // 1000 bytes < 300 × 3 × 4
    await loader.load(stage([npy('big.npy', rows)]));
    const s = state();
    expect(s.error).toBeNull();
    const view = s.list.find((d) => d.id === s.activeId)!;
    expect(view.rowsFrom.streamed).toBe(true);
    expect(view.rowsFrom.why).toMatch(
      /^3\.52 KiB of float32 rows is over the 1000 B memory budget/,
    );
    expect(view).toMatchObject({ rows: 300, D: 3, min: -598, max: 299 });
    const ds = eng.datasets.get(s.activeId!)!;
    expect(ds.x).toBeUndefined();
    expect(ds.source.streamed).toBe(true);
    expect(Array.from(await ds.source.head(4))).toEqual(rows.slice(0, 4).flat());
    const batch = await (await ds.source.batches(50, 1)).next();
    expect(batch).toHaveLength(150);
    ds.close?.();
    // The same file within the budget is held in memory.
    useAppStore.getState().setRowMemory(1);
    await loader.load(stage([npy('big.npy', rows)]));
    const again = state().list.find((d) => d.id === state().activeId)!;
    expect(again.rowsFrom).toEqual({
      streamed: false,
      why: '3.52 KiB of float32 rows fits the 1.00 MiB memory budget',
    });
  });

  it('streamed data with NaN rows cannot drop them: refused with the sizes and the fix', async () => {
    useAppStore.getState().setRowMemory(16 / 2 ** 20);
    const done = loader.load(stage([npy('acts.npy', ROWS)]));
    await until(() => state().nonFinite !== null);
    loader.answer('drop');
    await done;
    expect(state().error?.message).toMatch(
      /^acts\.npy: 2 rows hold NaN or ±Inf, and dropping rows is done in memory: .* Raise the budget/,
    );
    expect(state().activeId).toBeNull();
  });
});
