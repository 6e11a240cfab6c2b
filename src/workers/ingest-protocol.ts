/** Typed messages between the page and the ingestion worker (which owns the user's files). */
import type { InputFile } from '../io/http.ts';
import type { EpochChecksum, StreamCursor } from '../io/sampler.ts';
import type { DatasetStats, StatsProgress } from '../io/stats.ts';

/** What the page may show about the open dataset: small and serialisable. */
export interface DatasetSummary {
  /** One line per file, e.g. `acts.npy: f16 (2048, 768)`. */
  describe: string;
  files: string[];
  rows: number;
  width: number;
  sequences?: number;
  positions?: number;
  bytesPerRow: number;
  warnings: string[];
  /** Compressed members decoded to storage, e.g. `acts.npz/acts.npy (deflated, 1.2 GiB)`. */
  decoded: string[];
}

/** How the sampler holds the data: whole (`inMemory`) or a window of `windowBlocks` blocks. */
export interface SamplerSummary {
  inMemory: boolean;
  blocks: number;
  blockRows: number;
  windowBlocks: number;
  /** Bytes of decoded rows held (the window), ≤ the memory budget. */
  residentBytes: number;
}

/** Requests; `id` is chosen by the page and echoed in every reply. */
export type IngestRequest =
  /**
   * Open one file, or several as shards in order; replaces the dataset only on success.
   * `memoryBytes`: the row memory budget, also the most a compressed `.npz` member may take
   * inflated in memory (a larger one is decoded once to the origin's private storage).
   */
  | { type: 'open'; id: number; files: InputFile[]; tensor?: string; memoryBytes?: number }
  /** One pass over the dataset: mean, norm_factor, range, non-finite census, with progress. */
  | { type: 'stats'; id: number; chunkRows?: number }
  /** Rows `[start, start + count)` as float32 (the buffer is transferred). */
  | { type: 'rows'; id: number; start: number; count: number }
  /** Rows at `indices` (any order, repeats allowed), e.g. a random training batch. */
  | { type: 'batch'; id: number; indices: Uint32Array }
  /**
   * Start serving shuffled training batches within `memoryBytes` (see `RowSampler`); replaces
   * any earlier sampler. Answered once the first window is in memory.
   */
  | {
      type: 'sampler';
      id: number;
      memoryBytes?: number;
      blockRows?: number;
      seed?: number;
      /** Continue a saved stream (a checkpoint's data cursor). */
      from?: StreamCursor;
    }
  /**
   * The next `count` rows of the sampler's shuffled stream. `into`: an earlier reply's buffer,
   * transferred back to be filled again (at least `count × width` values), so a stream of
   * batches allocates no new buffer per batch.
   */
  | { type: 'sample'; id: number; count: number; into?: Float32Array }
  /** Load tokens (and a vocabulary for ids) and align them to the dataset rows. */
  | { type: 'tokens'; id: number; file: InputFile; vocab?: InputFile }
  /**
   * Serve the open dataset on `port` (to the engine worker, which then reads rows without the
   * page): requests arriving there (`rows`, `batch`, `sampler`, `sample`) are answered there,
   * on this dataset even after another one is opened.
   */
  | { type: 'connect'; id: number; port: MessagePort }
  /** Cancel the request with this id (statistics stop at the next chunk). */
  | { type: 'cancel'; id: number };

/** Replies and events. */
export type IngestMessage =
  | { type: 'opened'; id: number; dataset: DatasetSummary }
  | { type: 'progress'; id: number; progress: StatsProgress }
  | { type: 'stats'; id: number; stats: DatasetStats }
  | { type: 'rows'; id: number; start: number; count: number; data: Float32Array }
  /** `data` is `[indices.length, width]`, row `i` being dataset row `indices[i]`. */
  | { type: 'batch'; id: number; count: number; data: Float32Array }
  | { type: 'tokens'; id: number; tokens: string[]; sequence: Int32Array; position: Int32Array }
  | { type: 'sampler'; id: number; sampler: SamplerSummary }
  /** `data` is `[rows.length, width]`, row `i` being dataset row `rows[i]`. */
  | {
      type: 'sample';
      id: number;
      data: Float32Array;
      rows: Uint32Array;
      epoch: number;
      /** The stream's cursor before this batch: a sampler built `from` it serves this batch. */
      cursor: StreamCursor;
      /** Epochs completed while serving this batch. */
      completed: EpochChecksum[];
    }
  | { type: 'connected'; id: number }
  /** `code` is the `IoError` code (`ingest/…` for protocol misuse, `internal` for bugs). */
  | { type: 'error'; id: number; file: string; code: string; message: string };
