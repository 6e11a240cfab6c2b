/**
 * The rows a training run and an evaluation read, whichever way the engine holds them:
 *  - in memory (`memoryRows`): a Float32Array `[rows, D]` transferred once (the built-ins and
 *    files whose decoded rows fit the memory budget) — batches from `BatchSampler`;
 *  - streamed (`streamedRows`): rows stay in the user's files, and the ingestion worker serves
 *    them over a MessagePort (`connect`) — shuffled batches from its `RowSampler` (a window of
 *    blocks within the budget), rows in order for an evaluation, gathered rows for the
 *    fingerprint. Two requests are kept in flight (double buffering), so the next batch is read
 *    and decoded while the GPU runs the current step.
 * Both give the same numbers for the same data where they overlap (norm factor from the first
 * rows in file order, fingerprint over the same sampled rows); only the batch order differs.
 */
import {
  fingerprintIndices,
  fingerprintRows,
  fingerprintSampled,
  type DatasetFingerprint,
} from '../checkpoint/fingerprint';
import type { EpochChecksum, StreamCursor } from '../io/sampler';
import { BatchSampler, type SamplerState } from '../sae/batches';
import type { IngestMessage, IngestRequest } from './ingest-protocol';

/** Training batches `[batchSize, D]`, one after another. */
export interface BatchStream {
  /** The next batch; valid until the following call (a streamed source refills its buffer). */
  next(): Promise<Float32Array>;
  /** The data cursor before the next batch `next` returns (a checkpoint's sampler state). */
  save(): Promise<SamplerState>;
  /** Streamed data: epochs completed in the batches returned so far (each reported once). */
  takeEpochs?(): EpochChecksum[];
}

export interface RowSource {
  readonly rows: number;
  readonly D: number;
  /** True when rows are read from the files as needed (not held by the engine). */
  readonly streamed: boolean;
  /** Rows `[0, n)` in file order. */
  head(n: number): Promise<Float32Array>;
  fingerprint(name: string): Promise<DatasetFingerprint>;
  /** Seeded shuffled batches, or the continuation of a saved cursor. */
  batches(batchSize: number, seed: number, from?: SamplerState): Promise<BatchStream>;
  /**
   * Every row in order (or the first `limit`), `chunkRows` at a time; a chunk's data is valid
   * until the next.
   */
  chunks(chunkRows: number, limit?: number): AsyncIterable<{ start: number; data: Float32Array }>;
}

/** Rows held in memory. */
export function memoryRows(x: Float32Array, rows: number, D: number): RowSource {
  return {
    rows,
    D,
    streamed: false,
    head: (n) => Promise.resolve(x.subarray(0, Math.min(n, rows) * D)),
    fingerprint: (name) => Promise.resolve(fingerprintRows(x, rows, D, name)),
    async batches(batchSize, seed, from) {
      if (from?.window)
        throw new Error('the saved data cursor is of a streamed dataset; this one is in memory');
      const s = new BatchSampler(x, rows, D, batchSize, seed, from);
      return { next: async () => s.next(), save: async () => s.save() };
    },
    async *chunks(chunkRows, limit = rows) {
      const end = Math.min(rows, limit);
      for (let s = 0; s < end; s += chunkRows)
        yield { start: s, data: x.subarray(s * D, Math.min(end, s + chunkRows) * D) };
    },
  };
}

type Reply = Exclude<IngestMessage, { type: 'progress' }>;
type Body = IngestRequest extends infer R
  ? R extends { type: 'cancel' | 'connect' }
    ? never
    : R extends { id: number }
      ? Omit<R, 'id'>
      : never
  : never;

/** A failed read of the user's files: the io layer's message, which names the file. */
export class RowReadError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RowReadError';
  }
}

/** Requests over the port to the ingestion worker, one promise each. */
class PortClient {
  private readonly waiting = new Map<
    number,
    { resolve: (m: Reply) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;

  constructor(private readonly port: MessagePort) {
    port.onmessage = (ev: MessageEvent<IngestMessage>) => {
      const m = ev.data;
      if (m.type === 'progress') return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.type === 'error') w.reject(new RowReadError(m.file, m.code, m.message));
      else w.resolve(m);
    };
  }

  request<T extends Reply['type']>(
    body: Body,
    transfer: Transferable[] = [],
  ): Promise<Extract<Reply, { type: T }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (m: Reply) => void, reject });
      this.port.postMessage({ ...body, id } as IngestRequest, transfer);
    });
  }

  close(): void {
    for (const w of this.waiting.values()) w.reject(new Error('the dataset was closed'));
    this.waiting.clear();
    this.port.close();
  }
}

/** Options of a streamed dataset's sampler (the page's memory budget). */
export interface StreamOptions {
  /** Bytes of decoded rows the ingestion worker may hold for training batches. */
  memoryBytes: number;
}

/** Batches in flight ahead of the one being trained on. */
const PREFETCH = 2;

/** Rows read from the user's files through the ingestion worker at `port`. */
export function streamedRows(
  port: MessagePort,
  rows: number,
  D: number,
  opts: StreamOptions,
): RowSource & { close(): void } {
  const client = new PortClient(port);
  const readRows = async (start: number, count: number) =>
    (await client.request<'rows'>({ type: 'rows', start, count })).data;
  return {
    rows,
    D,
    streamed: true,
    close: () => client.close(),
    head: (n) => readRows(0, Math.min(n, rows)),
    async fingerprint(name) {
      const indices = fingerprintIndices(rows);
      const got = await client.request<'batch'>({ type: 'batch', indices });
      return fingerprintSampled(got.data, rows, D, name);
    },
    async batches(batchSize, seed, from) {
      if (batchSize > rows) throw new Error(`batch size ${batchSize} exceeds the ${rows} rows`);
      if (from && !from.window)
        throw new Error('the saved data cursor is of a dataset in memory; this one is streamed');
      const cursor: StreamCursor | undefined = from?.window && {
        blockOrder: from.order,
        first: from.window.first,
        cursor: from.cursor,
        epoch: from.epoch,
        rng: from.rng,
        blockRows: from.window.blockRows,
      };
      await client.request<'sampler'>({
        type: 'sampler',
        memoryBytes: opts.memoryBytes,
        seed,
        from: cursor,
      });
      const queue: Promise<Extract<Reply, { type: 'sample' }>>[] = [];
      // Buffers go round: a batch the trainer is done with (it asked for the next) is sent back
      // to be filled again, so a long stream allocates PREFETCH + 1 buffers, not one per batch.
      const spare: Float32Array[] = [];
      let lent: Float32Array | null = null;
      const fill = () => {
        while (queue.length < PREFETCH) {
          const into = spare.pop();
          const p = client.request<'sample'>(
            { type: 'sample', count: batchSize, ...(into ? { into } : {}) },
            into ? [into.buffer] : [],
          );
          p.catch(() => {}); // seen when it is taken from the queue
          queue.push(p);
        }
      };
      fill();
      let epochs: EpochChecksum[] = [];
      return {
        async next() {
          if (lent) spare.push(lent);
          lent = null;
          fill();
          const batch = await queue.shift()!;
          fill();
          epochs.push(...batch.completed);
          lent = batch.data;
          return batch.data;
        },
        takeEpochs() {
          const done = epochs;
          epochs = [];
          return done;
        },
        async save() {
          fill();
          const c = (await queue[0]).cursor;
          return {
            order: Uint32Array.from(c.blockOrder),
            cursor: c.cursor,
            epoch: c.epoch,
            rng: c.rng,
            window: { first: c.first, blockRows: c.blockRows },
          };
        },
      };
    },
    async *chunks(chunkRows, limit = rows) {
      const end = Math.min(rows, limit);
      // The next chunk's read is in flight while the caller works on this one.
      let pending: Promise<Float32Array> | null = readRows(0, Math.min(chunkRows, end));
      for (let s = 0; s < end; s += chunkRows) {
        const data: Float32Array = await pending!;
        const next = s + chunkRows;
        pending = next < end ? readRows(next, Math.min(chunkRows, end - next)) : null;
        pending?.catch(() => {});
        yield { start: s, data };
      }
    },
  };
}

/**
 * Serves batches of a streamed dataset's training stream until one epoch completes (no GPU
 * work) and returns that epoch's rows and checksum: a check of the data against the files.
 */
export async function serveOneEpoch(source: RowSource, batch: number): Promise<EpochChecksum> {
  if (!source.streamed) throw new Error('epoch checksums are kept for streamed datasets');
  const stream = await source.batches(batch, 1);
  for (;;) {
    await stream.next();
    const [epoch] = stream.takeEpochs?.() ?? [];
    if (epoch) return epoch;
  }
}
