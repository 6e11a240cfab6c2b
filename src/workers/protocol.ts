/** Typed messages between the page and the engine worker (which owns the GPUDevice). */
import type { DatasetFingerprint } from '../checkpoint/fingerprint';
import type { AdapterSummary } from '../gpu/device';
import type { GpuEvent } from '../gpu/events';
import type { EpochChecksum } from '../io/sampler';
import type { TrainConfig, TrainConfigInput } from '../model/config';
import type { StepMetrics } from '../sae/trainer';
import type { CheckResult } from '../selfcheck/kernels';
import type { InspectMessage, InspectRequest } from './inspectProtocol';

/** Built-in datasets the engine can generate itself (seeded synthetic lab). */
export type BuiltinDataset = 'demo' | 'quick';

export type EngineRequest =
  /** `defaultLimits`: ask for WebGPU's default limits (a small GPU; `?limits=default`). */
  | { type: 'probe'; defaultLimits?: boolean }
  | { type: 'selfcheck' }
  | {
      type: 'train-start';
      /** A built-in dataset, or one loaded earlier with `dataset-load` (by its id). */
      dataset: BuiltinDataset | { id: string };
      config: TrainConfigInput;
      /** Chosen by the page and echoed in `train-started`, so analyses can be keyed by run. */
      runId?: string;
      /** Write a checkpoint every this many steps (default {@link DEFAULT_CHECKPOINT_EVERY}). */
      checkpointEvery?: number;
      /** Evaluate only the first this-many rows at the end (default: every row). */
      evalRows?: number;
    }
  /** Continue a saved run from its newest committed checkpoint, on this dataset. */
  | { type: 'train-restore'; runId: string; dataset: { id: string }; evalRows?: number }
  /** Write a checkpoint now (the page is being hidden or closed). */
  | { type: 'checkpoint-now' }
  | { type: 'checkpoint-list' }
  | { type: 'checkpoint-discard'; runId: string }
  /**
   * Development builds only (ignored otherwise): lose the GPU device (`device.destroy()`), or
   * make checkpoint writes fail like a full disk / stop midway like a closing tab.
   */
  | { type: 'test-fault'; fault: 'destroy-device' }
  | { type: 'test-fault'; fault: 'storage'; quotaBytes?: number; haltAfterBytes?: number }
  | { type: 'train-pause' }
  | { type: 'train-resume' }
  | { type: 'train-stop' }
  /**
   * Rows `[rows, D]` for training, transferred (never copied through the page's state). With
   * `dropNonFinite` rows holding NaN/±Inf are removed (the user chose "drop"); without it such
   * rows are refused, since WGSL cannot be trusted to detect NaN.
   */
  | {
      type: 'dataset-load';
      id: string;
      name: string;
      rows: number;
      D: number;
      x: Float32Array;
      dropNonFinite?: boolean;
    }
  /**
   * A dataset too large for memory: its rows stay in the user's files and are read through
   * `port`, connected to the ingestion worker that has them open. `summary` comes from the
   * statistics pass; `memoryBytes` bounds the decoded rows the ingestion worker holds for batches.
   */
  | {
      type: 'dataset-stream';
      id: string;
      name: string;
      port: MessagePort;
      memoryBytes: number;
      summary: Omit<EngineDatasetSummary, 'id' | 'name' | 'streamed'>;
    }
  /**
   * A data check: serve one whole epoch of a dataset's shuffled training stream without training
   * (every row once; `dataset-epoch-result` with its checksum), e.g. to compare a streamed
   * dataset with the rows NumPy reads from the same files.
   */
  | { type: 'dataset-epoch'; id: string; batch: number }
  /** Generate a built-in dataset and report it (`dataset-loaded` with its tokens). */
  | { type: 'dataset-builtin'; id: BuiltinDataset }
  | InspectRequest;

export const DEFAULT_CHECKPOINT_EVERY = 200;

/** A run saved in the browser's storage, as offered for resuming. */
export interface SavedRun {
  runId: string;
  /** Steps completed in its newest committed checkpoint. */
  step: number;
  steps: number;
  arch: string;
  F: number;
  datasetId: string;
  dataset: DatasetFingerprint;
  savedAt: string;
  bytes: number;
  /** Files passed over when loading (a half-written generation, a torn pointer), with why. */
  ignored: string[];
}

/** Numbers of a dataset as the engine holds it (after any dropped rows), for the summary. */
export interface EngineDatasetSummary {
  id: string;
  name: string;
  rows: number;
  D: number;
  /** sqrt(mean ‖x‖²) over all rows (spec §2, uncentred). */
  normFactor: number;
  meanNorm: number;
  min: number;
  max: number;
  /** Rows read from the files as needed rather than held in the engine's memory. */
  streamed?: boolean;
}

export type TrainState =
  'starting' | 'running' | 'paused' | 'stopped' | 'evaluating' | 'done' | 'failed';

/** The evaluation pass after training (hard path, every row). */
export interface TrainEvaluation {
  rows: number;
  fvu: number;
  meanL0: number;
  /** Spearman correlation of k̂ with each row's true active-feature count (SoftSAE). */
  spearmanKHat: number | null;
  /** Null when the data has no ground truth (user files). */
  spearmanL0: number | null;
}

export type EngineMessage =
  | {
      type: 'gpu-ready';
      summary: AdapterSummary;
      deviceFeatures: string[];
      deviceLimits: Record<string, number>;
    }
  | { type: 'gpu-unavailable'; message: string }
  | { type: 'gpu-event'; event: GpuEvent }
  | { type: 'selfcheck-start'; total: number }
  | { type: 'selfcheck-result'; index: number; result: CheckResult }
  | { type: 'selfcheck-error'; index: number; name: string; message: string }
  | { type: 'selfcheck-done'; passed: number; total: number; ms: number }
  | {
      type: 'train-started';
      dataset: { id: string; name: string; rows: number; D: number };
      /** The run's whole config as the engine resolved it (defaults filled in, validated). */
      config: TrainConfig;
      normFactor: number;
      /** The request's `runId` (or one the engine made up when none was given). */
      runId: string;
    }
  | { type: 'train-state'; state: TrainState; message?: string }
  /**
   * The run continues from a checkpoint (a resume, a new GPU device, a rollback): the step and
   * the metric history are replaced by the checkpoint's.
   */
  | { type: 'train-restored'; step: number; steps: number; history: StepMetrics[]; reason: string }
  | { type: 'checkpoint-saved'; runId: string; step: number; generation: number; bytes: number }
  /** A checkpoint could not be written (the previous one is kept), or a storage warning. */
  | { type: 'checkpoint-problem'; runId: string; message: string }
  | { type: 'checkpoint-list-result'; runs: SavedRun[] }
  /** A saved run cannot be resumed here (data mismatch, open in another tab, no checkpoint). */
  | { type: 'checkpoint-refused'; runId: string; message: string }
  | ({ type: 'train-eval' } & TrainEvaluation)
  | {
      type: 'train-progress';
      /** Steps completed (submitted and finished). */
      step: number;
      steps: number;
      rowsPerSec: number;
      /** Bytes of GPU buffers the engine holds now (src/gpu/ledger.ts). */
      gpuBytes: number;
      /** Metrics of the steps reported since the last progress message (throttled). */
      metrics: StepMetrics[];
      /** Streamed data: epochs completed since the last message, with their checksums. */
      dataEpochs?: EpochChecksum[];
    }
  /**
   * A dataset is ready for training. `dropped`: indices (in the rows sent) of the rows removed as
   * non-finite, so the page can drop the same rows' tokens. Built-ins carry their tokens.
   */
  | {
      type: 'dataset-loaded';
      summary: EngineDatasetSummary;
      dropped: Int32Array;
      tokens?: string[];
      sequence?: Int32Array;
      position?: Int32Array;
    }
  | { type: 'dataset-error'; id: string; message: string }
  | {
      type: 'dataset-epoch-result';
      id: string;
      epoch: EpochChecksum | null;
      seconds: number;
      message?: string;
    }
  | InspectMessage;
