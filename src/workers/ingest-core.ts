/**
 * The ingestion worker's logic, free of worker globals so it runs in Node tests: it owns the
 * open dataset and answers {@link IngestRequest}s. A failed `open` leaves the previous dataset in
 * place, so a bad file never costs the user the data already loaded.
 */
import { alignTokens } from '../io/align.ts';
import type { DatasetSource } from '../io/dataset.ts';
import { IoError, formatBytes } from '../io/errors.ts';
import { gatherRows } from '../io/gather.ts';
import { openActivations } from '../io/open.ts';
import { RowSampler } from '../io/sampler.ts';
import { concatShards } from '../io/shards.ts';
import { inputSource } from '../io/http.ts';
import type { Spill } from '../io/spill.ts';
import { computeStats } from '../io/stats.ts';
import { loadTokens } from '../io/tokens.ts';
import type { DatasetSummary, IngestMessage, IngestRequest } from './ingest-protocol.ts';

/** Sends a message, transferring the listed buffers. */
export type Post = (msg: IngestMessage, transfer: Transferable[]) => void;

export class IngestSession {
  private dataset: DatasetSource | undefined;
  private sampler: RowSampler | undefined;
  private readonly running = new Map<number, AbortController>();
  /** Sampler requests run one after another: a batch may await a window's reads. */
  private samplerTurn: Promise<unknown> = Promise.resolve();

  /**
   * @param spill where a compressed `.npz` member over the memory budget is decoded once
   *   (the browser's private storage); without one, such a member is refused.
   */
  constructor(
    private readonly post: Post,
    private readonly spill?: Spill,
  ) {}

  /** A session serving one already-open dataset (the engine's end of a `connect`). */
  static serving(dataset: DatasetSource, post: Post): IngestSession {
    const s = new IngestSession(post);
    s.dataset = dataset;
    return s;
  }

  /** Handles one request; never throws (errors become `error` messages). */
  async handle(req: IngestRequest): Promise<void> {
    if (req.type === 'cancel') {
      this.running.get(req.id)?.abort();
      return;
    }
    const ac = new AbortController();
    this.running.set(req.id, ac);
    try {
      if (req.type === 'sampler' || req.type === 'sample') {
        const turn = this.samplerTurn.then(() => this.dispatch(req, ac.signal));
        this.samplerTurn = turn.catch(() => {});
        await turn;
      } else await this.dispatch(req, ac.signal);
    } catch (e) {
      this.post(errorMessage(req.id, e), []);
    } finally {
      this.running.delete(req.id);
    }
  }

  private async dispatch(req: Exclude<IngestRequest, { type: 'cancel' }>, signal: AbortSignal) {
    const { id } = req;
    switch (req.type) {
      case 'open': {
        if (req.files.length === 0)
          throw new IoError('(no file)', 'ingest/no-file', 'no file given');
        const parts = [];
        const decoded: string[] = [];
        const spill: Spill | undefined =
          this.spill &&
          ((file, member, bytes) => {
            decoded.push(`${file}/${member} (deflated, ${formatBytes(bytes)})`);
            return this.spill!(file, member, bytes);
          });
        const npz = { maxInflatedBytes: req.memoryBytes, spill };
        for (const f of req.files)
          parts.push(await openActivations(await inputSource(f), req.tensor, npz));
        const ds = concatShards(parts);
        this.dataset = ds; // only now: everything above validated
        this.sampler = undefined; // it served the previous dataset
        const dataset: DatasetSummary = {
          describe: ds.describe(),
          files: req.files.map((f) => f.name),
          rows: ds.rows,
          width: ds.width,
          sequences: ds.sequences,
          positions: ds.positions,
          bytesPerRow: ds.bytesPerRow,
          warnings: parts.flatMap((p) => p.header.warnings.map((w) => `${p.header.file}: ${w}`)),
          decoded,
        };
        this.post({ type: 'opened', id, dataset }, []);
        return;
      }
      case 'stats': {
        const stats = await computeStats(this.requireDataset(), {
          chunkRows: req.chunkRows,
          signal,
          onProgress: (progress) => this.post({ type: 'progress', id, progress }, []),
        });
        this.post({ type: 'stats', id, stats }, [stats.mean.buffer]);
        return;
      }
      case 'rows': {
        const data = await this.requireDataset().readRows(req.start, req.count);
        this.post({ type: 'rows', id, start: req.start, count: req.count, data }, [data.buffer]);
        return;
      }
      case 'batch': {
        const data = await gatherRows(this.requireDataset(), req.indices);
        this.post({ type: 'batch', id, count: req.indices.length, data }, [data.buffer]);
        return;
      }
      case 'connect': {
        const served = IngestSession.serving(this.requireDataset(), (msg, transfer) =>
          req.port.postMessage(msg, transfer),
        );
        req.port.onmessage = (ev: MessageEvent<IngestRequest>) => void served.handle(ev.data);
        this.post({ type: 'connected', id }, []);
        return;
      }
      case 'sampler': {
        const { memoryBytes, blockRows, seed, from } = req;
        const sampler = new RowSampler(this.requireDataset(), {
          memoryBytes,
          blockRows,
          seed,
          from,
        });
        await sampler.prepare();
        this.sampler = sampler;
        const { inMemory, blocks, windowBlocks, residentBytes } = sampler;
        const summary = {
          inMemory,
          blocks,
          blockRows: sampler.blockRows,
          windowBlocks,
          residentBytes,
        };
        this.post({ type: 'sampler', id, sampler: summary }, []);
        return;
      }
      case 'sample': {
        if (!this.sampler)
          throw new IoError('(no sampler)', 'ingest/no-sampler', 'start a sampler first');
        const cursor = this.sampler.save();
        const into =
          req.into && req.into.length >= req.count * this.requireDataset().width
            ? req.into
            : undefined;
        const { data, rows, epoch, completed } = await this.sampler.next(req.count, into);
        this.post({ type: 'sample', id, data, rows, epoch, cursor, completed }, [
          data.buffer,
          rows.buffer,
          cursor.blockOrder.buffer,
        ]);
        return;
      }
      case 'tokens': {
        const vocab = req.vocab ? await inputSource(req.vocab) : undefined;
        const table = await loadTokens(await inputSource(req.file), { vocab });
        const a = alignTokens(table, this.requireDataset());
        const sequence = a.sequence.slice(); // own copies, so they can be transferred
        const position = a.position.slice();
        this.post({ type: 'tokens', id, tokens: a.tokens, sequence, position }, [
          sequence.buffer,
          position.buffer,
        ]);
        return;
      }
    }
  }

  private requireDataset(): DatasetSource {
    if (!this.dataset) throw new IoError('(no dataset)', 'ingest/no-dataset', 'open a file first');
    return this.dataset;
  }
}

function errorMessage(id: number, e: unknown): IngestMessage {
  if (e instanceof IoError)
    return { type: 'error', id, file: e.file, code: e.code, message: e.message };
  // A bug, not a bad file: report it without losing the session.
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { type: 'error', id, file: '', code: 'internal', message };
}
