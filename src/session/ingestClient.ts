/**
 * The page's side of the ingestion worker: one promise per request, progress callbacks, and
 * cancel. The worker owns the File objects' reads; replies with big arrays arrive transferred,
 * so they are never copied on the page.
 */
import type { StatsProgress } from '../io/stats';
import type { IngestMessage, IngestRequest } from '../workers/ingest-protocol';

type Reply = Exclude<IngestMessage, { type: 'progress' | 'error' }>;
type ReplyOf<T extends Reply['type']> = Extract<Reply, { type: T }>;
/** Requests without their id (the client numbers them). */
type Body = IngestRequest extends infer R
  ? R extends { type: 'cancel' }
    ? never
    : R extends { id: number }
      ? Omit<R, 'id'>
      : never
  : never;
/** The reply type of each request type (types only: the worker echoes the id). */
interface ReplyTypes {
  open: 'opened';
  stats: 'stats';
  rows: 'rows';
  batch: 'batch';
  tokens: 'tokens';
  sampler: 'sampler';
  sample: 'sample';
  connect: 'connected';
}

/** A failed request: the worker's `IoError` (file, stable code, message naming the file). */
export class IngestError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

interface Waiter {
  resolve: (m: Reply) => void;
  reject: (e: Error) => void;
  onProgress?: (p: StatsProgress) => void;
}

/** The part of `Worker` the client uses (tests bridge it to `IngestSession` directly). */
export interface WorkerLike {
  postMessage(msg: IngestRequest, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<IngestMessage>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
  terminate(): void;
}

const ingestWorker = (): WorkerLike =>
  new Worker(new URL('../workers/ingest.worker.ts', import.meta.url), {
    type: 'module',
    name: 'softsae-ingest',
  });

export class IngestClient {
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;

  constructor(private readonly worker: WorkerLike = ingestWorker()) {
    this.worker.onmessage = (ev: MessageEvent<IngestMessage>) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      for (const w of this.waiting.values())
        w.reject(new IngestError('', 'internal', `the ingestion worker failed: ${ev.message}`));
      this.waiting.clear();
    };
  }

  /**
   * Sends a request; resolves with its reply, rejects with an {@link IngestError}. `started`
   * receives the request id at once (for {@link cancel}).
   */
  request<B extends Body>(
    body: B,
    opts: { onProgress?: (p: StatsProgress) => void; started?: (id: number) => void } = {},
  ): Promise<ReplyOf<ReplyTypes[B['type']]>> {
    const id = this.nextId++;
    opts.started?.(id);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {
        resolve: resolve as (m: Reply) => void,
        reject,
        onProgress: opts.onProgress,
      });
      // A `connect` hands its port over to the worker.
      const transfer = body.type === 'connect' ? [body.port] : [];
      this.worker.postMessage({ ...body, id } as IngestRequest, transfer);
    });
  }

  /** Asks the worker to stop request `id` (statistics stop at their next chunk). */
  cancel(id: number): void {
    this.worker.postMessage({ type: 'cancel', id } satisfies IngestRequest);
  }

  terminate(): void {
    this.worker.terminate();
    for (const w of this.waiting.values())
      w.reject(new IngestError('', 'internal', 'the ingestion worker was stopped'));
    this.waiting.clear();
  }

  private receive(msg: IngestMessage): void {
    const w = this.waiting.get(msg.id);
    if (!w) return;
    if (msg.type === 'progress') {
      w.onProgress?.(msg.progress);
      return;
    }
    this.waiting.delete(msg.id);
    if (msg.type === 'error') w.reject(new IngestError(msg.file, msg.code, msg.message));
    else w.resolve(msg);
  }
}
