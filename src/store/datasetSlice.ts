import type { StateCreator } from 'zustand';

/** What the Data panel shows about one dataset (small, serialisable). */
export interface DatasetSummaryView {
  id: string;
  name: string;
  builtin: boolean;
  rows: number;
  D: number;
  /** e.g. `acts.npy: f16 (2048, 768)`, one line per file; the generator for built-ins. */
  source: string;
  dtype: string;
  sequences: number | null;
  normFactor: number;
  meanNorm: number;
  min: number;
  max: number;
  /** NaN and ±Inf values found while loading (before any rows were dropped). */
  nanCount: number;
  infCount: number;
  droppedRows: number;
  /** How tokens line up with rows, e.g. `657 tokens from acts.txt, one per row`, or null. */
  tokens: string | null;
  warnings: string[];
  /**
   * Where training and evaluation read the rows: held in the engine's memory, or streamed from
   * the files (larger than the memory budget); `why` says why, with the numbers.
   */
  rowsFrom: { streamed: boolean; why: string };
}

/** Default budget of decoded float32 rows held in memory (the ingestion worker's window too). */
export const DEFAULT_ROW_MEMORY_MIB = 256;

export type IngestPhase = 'opening' | 'stats' | 'tokens' | 'transfer' | 'engine';

export interface IngestProgress {
  phase: IngestPhase;
  files: string[];
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
}

/** A multi-array file: the arrays the user may choose from. */
export interface TensorChoice {
  file: string;
  options: { name: string; shape: number[]; dtype: string }[];
}

/** Rows with NaN/±Inf were found: the user chooses to drop them or abort (case 24). */
export interface NonFiniteFinding {
  file: string;
  rows: number;
  totalRows: number;
  nanCount: number;
  infCount: number;
  overflowCount: number;
  firstRows: number[];
}

export interface DatasetSlice {
  dataset: {
    activeId: string | null;
    list: DatasetSummaryView[];
    ingest: IngestProgress | null;
    tensorChoice: TensorChoice | null;
    nonFinite: NonFiniteFinding | null;
    /** The last rejected file and why; the active dataset is unchanged. */
    error: { file: string; message: string } | null;
    /**
     * MiB of decoded rows a dataset may hold in memory: data that fits is loaded whole; larger
     * data is streamed from the files, the ingestion worker holding at most this much.
     */
    memoryMiB: number;
  };
  setRowMemory(mib: number): void;
  datasetAdded(summary: DatasetSummaryView, activate: boolean): void;
  datasetSelected(id: string): void;
  ingestProgress(p: IngestProgress | null): void;
  ingestAsk(q: { tensorChoice?: TensorChoice | null; nonFinite?: NonFiniteFinding | null }): void;
  ingestFailed(error: { file: string; message: string } | null): void;
}

export const createDatasetSlice: StateCreator<DatasetSlice, [], [], DatasetSlice> = (set) => ({
  dataset: {
    activeId: null,
    list: [],
    ingest: null,
    tensorChoice: null,
    nonFinite: null,
    error: null,
    memoryMiB: DEFAULT_ROW_MEMORY_MIB,
  },
  setRowMemory: (memoryMiB) => set((s) => ({ dataset: { ...s.dataset, memoryMiB } })),
  datasetAdded: (summary, activate) =>
    set((s) => {
      const list = s.dataset.list.filter((d) => d.id !== summary.id).concat(summary);
      const activeId = activate ? summary.id : s.dataset.activeId;
      return { dataset: { ...s.dataset, list, activeId } };
    }),
  datasetSelected: (id) =>
    set((s) =>
      s.dataset.list.some((d) => d.id === id) ? { dataset: { ...s.dataset, activeId: id } } : s,
    ),
  ingestProgress: (ingest) => set((s) => ({ dataset: { ...s.dataset, ingest } })),
  ingestAsk: (q) => set((s) => ({ dataset: { ...s.dataset, ...q } })),
  ingestFailed: (error) => set((s) => ({ dataset: { ...s.dataset, error } })),
});
