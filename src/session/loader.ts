/**
 * Loading the user's files, start to finish: open (ingestion worker) → statistics with progress →
 * the user's decisions (which array of a multi-array file; drop or abort non-finite rows) →
 * tokens → the rows to the engine worker, one of two ways:
 *  - data whose decoded float32 rows fit the memory budget: all rows, transferred from the
 *    ingestion worker through the page to the engine worker (two transfers, no copy, never
 *    through React or the store);
 *  - larger data: nothing is read whole. A MessageChannel connects the engine worker to the
 *    ingestion worker, which keeps the files open and serves shuffled batches, rows in order and
 *    sampled rows on request (src/workers/rowSource.ts), holding at most the budget;
 * → registry and summary (which says which way, and why).
 *
 * Nothing the app shows changes until the engine has accepted the rows: a rejected file, an
 * abort or a cancel leaves the previous dataset active (reliability cases 1–24).
 */
import type { DatasetStats } from '../io/stats';
import { formatBytes } from '../util/format';
import type { InputFile } from '../io/http';
import { useAppStore } from '../store';
import type { DatasetSummaryView, IngestPhase } from '../store/datasetSlice';
import type { EngineClient } from './engineClient';
import type { DatasetSummary } from '../workers/ingest-protocol';
import { putDataset } from './datasets';
import { shardOrder, type StagedFile } from './fileRoles';
import { IngestError, type IngestClient } from './ingestClient';
import { fileEntries, type RowTokens } from './summaries';
import { listArrays } from './tensors';

export type IngestPort = Pick<IngestClient, 'request' | 'cancel'>;
export type EnginePort = Pick<EngineClient, 'dataset'>;

/** Thrown inside the pipeline when the user cancels or aborts: not an error to show. */
class Stopped extends Error {}

let datasetCounter = 0;

export class DatasetLoader {
  /** Bumped by each load and by cancel: a load whose number is stale ends without effect. */
  private generation = 0;
  private statsRequest: number | null = null;
  private decide: ((answer: string | null) => void) | null = null;

  constructor(
    private readonly ingest: IngestPort,
    private readonly engine: EnginePort,
  ) {}

  /**
   * Loads the staged files; resolves when done, rejected, aborted or cancelled. A new load
   * supersedes one still finishing after a cancel (its late replies are ignored).
   */
  async load(staged: readonly StagedFile[], tensor?: string): Promise<void> {
    const s = useAppStore.getState();
    s.ingestFailed(null);
    const acts = shardOrder(staged.filter((f) => f.role === 'activations').map((f) => f.file));
    if (acts.length === 0) {
      s.ingestFailed({
        file: '(no file)',
        message: 'choose at least one activation file (.npy, .safetensors or .npz)',
      });
      return;
    }
    const gen = ++this.generation;
    let retryWith: string | null = null;
    try {
      await this.run(gen, staged, acts, tensor);
    } catch (e) {
      if (e instanceof IngestError && e.code.endsWith('/choose') && acts.length === 1)
        retryWith = await this.askTensor(gen, acts[0]);
      else if (!(e instanceof Stopped) && gen === this.generation)
        useAppStore.getState().ingestFailed(errorOf(e, acts));
    } finally {
      if (gen === this.generation) this.clearQuestions();
    }
    if (retryWith !== null) await this.load(staged, retryWith);
  }

  /** Stops the load in progress; nothing changes. */
  cancel(): void {
    this.generation++;
    if (this.statsRequest !== null) this.ingest.cancel(this.statsRequest);
    this.answer(null);
    this.clearQuestions();
  }

  /** The user's answer to the question on screen: a tensor name, 'drop', or null (abort). */
  answer(value: string | null): void {
    const d = this.decide;
    this.decide = null;
    d?.(value);
  }

  private async run(
    gen: number,
    staged: readonly StagedFile[],
    acts: InputFile[],
    tensor?: string,
  ) {
    const tokensFile = staged.find((f) => f.role === 'tokens')?.file;
    const vocab = staged.find((f) => f.role === 'vocab')?.file;
    const files = acts.map((f) => f.name);
    const totalBytes = acts.reduce((a, f) => a + f.size, 0);
    // Also called from progress events, so a stale load returns quietly instead of throwing.
    const phase = (step: IngestPhase, done = 0, total = totalBytes, rate = 0) =>
      gen === this.generation &&
      useAppStore.getState().ingestProgress({
        phase: step,
        files,
        bytesDone: done,
        bytesTotal: total,
        bytesPerSecond: rate,
      });

    phase('opening');
    const budget = useAppStore.getState().dataset.memoryMiB * 2 ** 20;
    const opened = (
      await this.ingest.request({ type: 'open', files: acts, tensor, memoryBytes: budget })
    ).dataset;
    this.check(gen);
    const stats = (
      await this.ingest.request(
        { type: 'stats' },
        {
          started: (id) => (this.statsRequest = id),
          onProgress: (p) => phase('stats', p.bytesDone, p.bytesTotal, p.bytesPerSecond),
        },
      )
    ).stats;
    this.statsRequest = null;
    this.check(gen);
    const drop = stats.nonFiniteRows > 0 && (await this.askNonFinite(gen, opened, stats));

    let t: RowTokens = { file: null, tokens: null, sequence: null, position: null };
    if (tokensFile) {
      phase('tokens', 0, tokensFile.size);
      const r = await this.ingest.request({ type: 'tokens', file: tokensFile, vocab });
      t = { file: tokensFile.name, tokens: r.tokens, sequence: r.sequence, position: r.position };
    } else if (opened.sequences !== undefined && opened.positions !== undefined) {
      // 3-D activations without tokens still know each row's sequence and position.
      const P = opened.positions;
      t.sequence = Int32Array.from({ length: opened.rows }, (_, i) => Math.floor(i / P));
      t.position = Int32Array.from({ length: opened.rows }, (_, i) => i % P);
    }
    this.check(gen);

    const name = tensor ? `${datasetName(acts)} [${tensor}]` : datasetName(acts);
    const id = `file-${++datasetCounter}`;
    const rowsFrom = rowsPath(opened.rows * opened.width * 4, budget, opened.decoded);
    let loaded;
    if (!rowsFrom.streamed) {
      phase('transfer', 0, opened.rows * opened.bytesPerRow);
      const rows = await this.ingest.request({ type: 'rows', start: 0, count: opened.rows });
      this.check(gen);
      phase('engine', 0, rows.data.byteLength);
      loaded = await this.engine.dataset({
        type: 'dataset-load',
        id,
        name,
        rows: opened.rows,
        D: opened.width,
        x: rows.data,
        dropNonFinite: drop,
      });
    } else {
      if (drop)
        throw new IngestError(
          datasetName(acts),
          'ingest/stream-nonfinite',
          `${datasetName(acts)}: ${stats.nonFiniteRows} rows hold NaN or ±Inf, and dropping ` +
            `rows is done in memory: the data (${formatBytes(opened.rows * opened.width * 4)} ` +
            `as float32) is over the ${formatBytes(budget)} memory budget. Raise the budget ` +
            'above that size, or remove those rows from the file.',
        );
      phase('engine', 0, 0);
      const channel = new MessageChannel();
      await this.ingest.request({ type: 'connect', port: channel.port1 });
      this.check(gen);
      loaded = await this.engine.dataset({
        type: 'dataset-stream',
        id,
        name,
        port: channel.port2,
        memoryBytes: budget,
        summary: {
          rows: opened.rows,
          D: opened.width,
          normFactor: stats.normFactor,
          meanNorm: NaN, // not part of the statistics pass
          min: stats.min,
          max: stats.max,
        },
      });
    }
    this.check(gen);
    const { entry, view } = fileEntries(loaded, opened, stats, t, rowsFrom);
    putDataset(entry);
    useAppStore.getState().datasetAdded(view, true);
  }

  /** Throws {@link Stopped} once this load was cancelled; true otherwise. */
  private check(gen: number): true {
    if (gen !== this.generation) throw new Stopped();
    return true;
  }

  private ask(gen: number): Promise<string | null> {
    this.check(gen);
    return new Promise((resolve) => (this.decide = resolve));
  }

  private async askNonFinite(gen: number, opened: DatasetSummary, st: DatasetStats) {
    useAppStore.getState().ingestProgress(null);
    useAppStore.getState().ingestAsk({
      nonFinite: {
        file: datasetName(opened.files.map((name) => ({ name }))),
        rows: st.nonFiniteRows,
        totalRows: st.rows,
        nanCount: st.nanCount,
        infCount: st.infCount,
        overflowCount: st.overflowCount,
        firstRows: st.firstNonFiniteRows.slice(0, 10),
      },
    });
    const answer = await this.ask(gen);
    useAppStore.getState().ingestAsk({ nonFinite: null });
    if (answer !== 'drop') throw new Stopped();
    return true;
  }

  private async askTensor(gen: number, file: InputFile): Promise<string | null> {
    try {
      const choice = await listArrays(file);
      useAppStore.getState().ingestProgress(null);
      useAppStore.getState().ingestAsk({ tensorChoice: choice });
      return await this.ask(gen);
    } catch (e) {
      if (gen === this.generation) useAppStore.getState().ingestFailed(errorOf(e, [file]));
      return null;
    }
  }

  private clearQuestions(): void {
    this.decide = null;
    const s = useAppStore.getState();
    s.ingestProgress(null);
    s.ingestAsk({ tensorChoice: null, nonFinite: null });
  }
}

/**
 * Whether rows of `bytes` (decoded float32) are held in memory or streamed, and why; `decoded`
 * names compressed members that were decoded once to browser storage to be read from there.
 */
export function rowsPath(
  bytes: number,
  budget: number,
  decoded: readonly string[] = [],
): DatasetSummaryView['rowsFrom'] {
  const size = formatBytes(bytes);
  const limit = formatBytes(budget);
  const spilled =
    decoded.length > 0
      ? `; compressed and over the budget, ${decoded.join(', ')} ${decoded.length > 1 ? 'were' : 'was'} ` +
        "decoded once to the browser's private storage (OPFS), and rows are read from there"
      : '';
  return bytes <= budget
    ? { streamed: false, why: `${size} of float32 rows fits the ${limit} memory budget${spilled}` }
    : {
        streamed: true,
        why:
          `${size} of float32 rows is over the ${limit} memory budget: batches are read from ` +
          `the files a window of shuffled blocks at a time (every row once per epoch)${spilled}`,
      };
}

function datasetName(files: readonly { name: string }[]): string {
  if (files.length === 1) return files[0].name;
  return `${files[0].name} … ${files[files.length - 1].name} (${files.length} shards)`;
}

/** The message to show: io's own (it starts with the file name), or one naming the files. */
function errorOf(e: unknown, files: readonly InputFile[]): { file: string; message: string } {
  const names = files.map((f) => f.name).join(', ');
  if (e instanceof IngestError) return { file: e.file || names, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { file: names, message: message.includes(names) ? message : `${names}: ${message}` };
}
