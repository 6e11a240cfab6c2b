/**
 * The datasets the engine worker trains on, by id: the built-in synthetic corpora (generated
 * here, so their rows never cross to the page), the user's activations that fit the memory
 * budget, which arrive once as a transferred Float32Array, and larger ones streamed from the
 * files through a port to the ingestion worker (src/workers/rowSource.ts). Pure functions plus a
 * Map — no worker globals — so it runs in Vitest.
 *
 * Every loaded array passes a CPU finiteness scan before it is stored: WGSL may assume finite
 * math, so a NaN reaching the GPU could poison a run without any detectable error (case 24).
 */
import { demoDataset, quickDataset } from '../data/demo.ts';
import type { TokenLabData } from '../data/tokens.ts';
import type { BuiltinDataset, EngineDatasetSummary } from './protocol.ts';
import { memoryRows, streamedRows, type RowSource } from './rowSource.ts';

export interface EngineDataset {
  id: string;
  name: string;
  rows: number;
  D: number;
  /** Where training and evaluation read the rows (every value finite). */
  source: RowSource;
  /** Row-major `[rows, D]` when held in memory. */
  x?: Float32Array;
  /** The summary numbers of a streamed dataset (from the ingestion worker's statistics pass). */
  summary?: Omit<EngineDatasetSummary, 'id' | 'name'>;
  /** True number of active features per row: only the synthetic built-ins know it. */
  activeCount?: ArrayLike<number>;
  /** The true atoms [G, D] behind the rows (built-ins only), for feature recovery. */
  dictionary?: Float32Array;
  /** Releases what the dataset holds (a streamed dataset's port). */
  close?: () => void;
}

/** Builds a dataset held in memory. */
function inMemory(
  id: string,
  name: string,
  rows: number,
  D: number,
  x: Float32Array,
  activeCount?: ArrayLike<number>,
): EngineDataset {
  return { id, name, rows, D, x, source: memoryRows(x, rows, D), activeCount };
}

/** Summary numbers of `[rows, D]` rows (float64 sums). */
export function summarizeRows(
  x: Float32Array,
  rows: number,
  D: number,
): Omit<EngineDatasetSummary, 'id' | 'name'> {
  let sumSq = 0;
  let sumNorm = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let o = r * D, end = o + D; o < end; o++) {
      const v = x[o];
      sq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    sumSq += sq;
    sumNorm += Math.sqrt(sq);
  }
  return {
    rows,
    D,
    normFactor: rows > 0 ? Math.sqrt(sumSq / rows) : NaN,
    meanNorm: rows > 0 ? sumNorm / rows : NaN,
    min: rows > 0 ? min : NaN,
    max: rows > 0 ? max : NaN,
  };
}

/**
 * Removes rows holding NaN or ±Inf, compacting in place (the result views the same buffer, so
 * no second copy of a large dataset is made). `dropped` lists the removed rows' original indices.
 */
export function dropNonFiniteRows(
  x: Float32Array,
  rows: number,
  D: number,
): { x: Float32Array; rows: number; dropped: Int32Array } {
  const dropped: number[] = [];
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let finite = true;
    for (let d = 0; d < D; d++) {
      if (!Number.isFinite(x[o + d])) {
        finite = false;
        break;
      }
    }
    if (!finite) {
      dropped.push(r);
      continue;
    }
    if (kept !== r) x.copyWithin(kept * D, o, o + D);
    kept++;
  }
  return { x: x.subarray(0, kept * D), rows: kept, dropped: Int32Array.from(dropped) };
}

export const BUILTIN_NAMES: Record<BuiltinDataset, string> = {
  demo: 'Demo (toy language, built in)',
  quick: 'Quick (small toy language, built in)',
};

export class EngineDatasets {
  private readonly byId = new Map<string, EngineDataset>();
  /** The generated corpora, kept for their tokens and ground truth. */
  private readonly labs = new Map<BuiltinDataset, TokenLabData>();

  /** A built-in corpus, generated on first use (same bytes every time: fixed seed). */
  builtin(id: BuiltinDataset): { dataset: EngineDataset; lab: TokenLabData } {
    let lab = this.labs.get(id);
    if (!lab) {
      lab = id === 'demo' ? demoDataset() : quickDataset();
      this.labs.set(id, lab);
      const dataset = inMemory(id, BUILTIN_NAMES[id], lab.rows, lab.D, lab.x, lab.activeCount);
      this.byId.set(id, { ...dataset, dictionary: lab.dictionary });
    }
    return { dataset: this.byId.get(id)!, lab };
  }

  /**
   * Stores user rows under `id` (replacing a dataset of that id). Throws, storing nothing, when
   * the shape is inconsistent or non-finite rows are present and not to be dropped.
   */
  load(req: {
    id: string;
    name: string;
    rows: number;
    D: number;
    x: Float32Array;
    dropNonFinite?: boolean;
  }): { dataset: EngineDataset; dropped: Int32Array } {
    const { id, name, rows, D } = req;
    if (id in BUILTIN_NAMES) throw new Error(`'${id}' is a built-in dataset's id`);
    if (!(Number.isInteger(rows) && Number.isInteger(D) && rows > 0 && D > 0))
      throw new Error(`${name}: a dataset needs rows ≥ 1 and D ≥ 1, got ${rows} × ${D}`);
    if (req.x.length !== rows * D)
      throw new Error(`${name}: ${req.x.length} values sent for ${rows} rows × ${D}`);
    const clean = dropNonFiniteRows(req.x, rows, D);
    if (clean.dropped.length > 0 && !req.dropNonFinite)
      throw new Error(`${name}: ${clean.dropped.length} rows hold NaN or ±Inf values`);
    if (clean.rows === 0) throw new Error(`${name}: every row holds NaN or ±Inf values`);
    const dataset = inMemory(id, name, clean.rows, D, clean.x);
    this.replace(dataset);
    return { dataset, dropped: clean.dropped };
  }

  /**
   * Registers a dataset streamed from the user's files: `port` reaches the ingestion worker
   * serving it; `summary` comes from its statistics pass (rows hold only finite values: the
   * loader refuses or drops the others before this).
   */
  stream(req: {
    id: string;
    name: string;
    port: MessagePort;
    memoryBytes: number;
    summary: Omit<EngineDatasetSummary, 'id' | 'name'>;
  }): EngineDataset {
    const { id, name, summary } = req;
    const { rows, D } = summary;
    if (id in BUILTIN_NAMES) throw new Error(`'${id}' is a built-in dataset's id`);
    if (!(Number.isInteger(rows) && Number.isInteger(D) && rows > 0 && D > 0))
      throw new Error(`${name}: a dataset needs rows ≥ 1 and D ≥ 1, got ${rows} × ${D}`);
    const source = streamedRows(req.port, rows, D, { memoryBytes: req.memoryBytes });
    const dataset: EngineDataset = { id, name, rows, D, source, summary, close: source.close };
    this.replace(dataset);
    return dataset;
  }

  private replace(dataset: EngineDataset): void {
    this.byId.get(dataset.id)?.close?.();
    this.byId.set(dataset.id, dataset);
  }

  get(id: string): EngineDataset | undefined {
    if (id === 'demo' || id === 'quick') return this.builtin(id).dataset;
    return this.byId.get(id);
  }
}

export function summaryOf(ds: EngineDataset): EngineDatasetSummary {
  const numbers = ds.x ? summarizeRows(ds.x, ds.rows, ds.D) : ds.summary!;
  return { id: ds.id, name: ds.name, ...numbers, streamed: ds.source.streamed };
}
