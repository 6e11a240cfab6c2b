// Test-only page: starts the real ingestion worker and drives it from the files a person (or
// Playwright's setInputFiles) puts into the <input type="file"> elements. Exposes a small client
// as `window.ingest` and shows the dataset, progress and errors as text.
import type { StatsProgress } from '../../src/io/stats';
import type { IngestMessage, IngestRequest } from '../../src/workers/ingest-protocol';
import { installBlobSpy, type BlobRead } from './blob-spy';

type Reply = Exclude<IngestMessage, { type: 'progress' }>;
type Request = IngestRequest extends infer R
  ? R extends { id: number; type: infer T }
    ? T extends 'cancel'
      ? never
      : Omit<R, 'id'>
    : never
  : never;
/** What crosses back to Playwright: typed arrays become plain arrays. */
type Plain<T> = {
  [K in keyof T]: T[K] extends Float32Array | Int32Array | Uint32Array ? number[] : T[K];
};
export type PlainReply = Plain<Reply>;

export interface IngestPage {
  /** `worker`: the spying wrapper (default) or the plain worker module, as the app loads it. */
  worker: 'spy' | 'plain';
  /** Opens the files in the activation input (shards in their order), with the tensor field. */
  open(): Promise<PlainReply>;
  tokens(): Promise<PlainReply>;
  /** A statistics pass; `cancelAfter` sends `cancel` once that many progress messages came. */
  stats(opts?: {
    chunkRows?: number;
    cancelAfter?: number;
  }): Promise<{ reply: PlainReply; progress: StatsProgress[] }>;
  rows(start: number, count: number): Promise<PlainReply>;
  /** The same rows as raw float32 bit patterns (NaN payloads survive; numbers lose them). */
  rowBits(start: number, count: number): Promise<number[] | string>;
  batch(indices: number[]): Promise<PlainReply>;
  /** Starts the worker's batch sampler, then draws from it. */
  sampler(opts: { memoryBytes?: number; blockRows?: number; seed?: number }): Promise<PlainReply>;
  sample(count: number): Promise<PlainReply>;
  /** Reads the worker made (through the spy), and reads in this page. */
  workerReads: BlobRead[];
  pageReads: BlobRead[];
  /** A deliberate whole-file read in the page: the control showing the spy sees one. */
  readWholeFileInPage(): Promise<number>;
}

declare global {
  interface Window {
    ingest?: IngestPage;
  }
}

const $ = <T extends HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`)!;
const filesInput = $<HTMLInputElement>('ingest.files');
const tokensInput = $<HTMLInputElement>('ingest.tokens');
const tensorInput = $<HTMLInputElement>('ingest.tensor');

const workerKind = new URLSearchParams(location.search).get('worker') === 'plain' ? 'plain' : 'spy';
const worker =
  workerKind === 'plain'
    ? new Worker(new URL('../../src/workers/ingest.worker.ts', import.meta.url), { type: 'module' })
    : new Worker(new URL('./spy.worker.ts', import.meta.url), { type: 'module' });

const workerReads: BlobRead[] = [];
const pageReads: BlobRead[] = [];
installBlobSpy((r) => pageReads.push(r));

interface Pending {
  resolve: (m: Reply) => void;
  reject: (e: Error) => void;
  onProgress: (p: StatsProgress) => void;
}
const pending = new Map<number, Pending>();
let nextId = 1;

worker.onmessage = (ev: MessageEvent<IngestMessage | { type: 'blob-read'; read: BlobRead }>) => {
  const m = ev.data;
  if (m.type === 'blob-read') {
    workerReads.push(m.read);
    return;
  }
  const p = pending.get(m.id);
  if (!p) return;
  if (m.type === 'progress') {
    p.onProgress(m.progress);
    return;
  }
  pending.delete(m.id);
  p.resolve(m);
};

// A worker that fails to load (e.g. a module request the dev server cannot answer) or throws
// outside the session would otherwise leave requests waiting until the test times out.
let workerFailure: string | undefined;
worker.onerror = (ev) => {
  workerFailure = `ingestion worker failed: ${ev.message || 'module did not load'}`;
  $('ingest.status').textContent = workerFailure;
  for (const p of pending.values()) p.reject(new Error(workerFailure));
  pending.clear();
};

function request(
  req: Request,
  onProgress: (p: StatsProgress, id: number) => void = () => {},
): Promise<Reply> {
  const id = nextId++;
  return new Promise<Reply>((resolve, reject) => {
    if (workerFailure) return reject(new Error(workerFailure));
    pending.set(id, { resolve, reject, onProgress: (p) => onProgress(p, id) });
    worker.postMessage({ ...req, id } as IngestRequest);
  });
}

const send = (req: Request, onProgress?: (p: StatsProgress, id: number) => void) =>
  request(req, onProgress).then(show);

/** Shows what a person would see, and returns the reply with plain arrays. */
function show(m: Reply): PlainReply {
  if (m.type === 'opened') $('ingest.dataset').textContent = m.dataset.describe;
  $('ingest.error').textContent = m.type === 'error' ? m.message : '';
  const plain: Record<string, unknown> = { ...m };
  for (const [k, v] of Object.entries(m)) {
    if (v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint32Array)
      plain[k] = Array.from(v);
  }
  if (m.type === 'stats') plain.stats = { ...m.stats, mean: Array.from(m.stats.mean) };
  return plain as PlainReply;
}

window.ingest = {
  worker: workerKind,
  workerReads,
  pageReads,
  open: () => {
    const tensor = tensorInput.value || undefined;
    return send({ type: 'open', files: [...(filesInput.files ?? [])], tensor });
  },
  tokens: () => send({ type: 'tokens', file: tokensInput.files![0] }),
  async stats(opts = {}) {
    const progress: StatsProgress[] = [];
    const reply = await send({ type: 'stats', chunkRows: opts.chunkRows }, (p, id) => {
      progress.push(p);
      const mb = (p.bytesPerSecond / 1e6).toFixed(1);
      $('ingest.progress').textContent = `${p.rowsDone} / ${p.rows} rows, ${mb} MB/s`;
      if (progress.length === opts.cancelAfter) worker.postMessage({ type: 'cancel', id });
    });
    return { reply, progress };
  },
  rows: (start, count) => send({ type: 'rows', start, count }),
  async rowBits(start, count) {
    const m = await request({ type: 'rows', start, count });
    show(m);
    if (m.type !== 'rows') return m.type === 'error' ? m.message : m.type;
    return Array.from(new Uint32Array(m.data.buffer, m.data.byteOffset, m.data.length));
  },
  batch: (indices) => send({ type: 'batch', indices: Uint32Array.from(indices) }),
  sampler: (opts) => send({ type: 'sampler', ...opts }),
  sample: (count) => send({ type: 'sample', count }),
  async readWholeFileInPage() {
    return (await filesInput.files![0].arrayBuffer()).byteLength;
  },
};
$('ingest.status').textContent = 'ready';
