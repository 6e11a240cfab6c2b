import type { StateCreator } from 'zustand';
import type { EpochChecksum } from '../io/sampler';
import type { StepMetrics } from '../sae/trainer';
import type { TrainConfig } from '../model/config';
import type { SavedRun, TrainEvaluation, TrainState } from '../workers/protocol';

/** Most metric points kept for charts; older ones are thinned to every other point. */
const MAX_POINTS = 4000;

export interface TrainingSlice {
  training: {
    state: TrainState | 'idle';
    message: string | null;
    /** The run's id, echoed by the engine when it starts (Inspect keys its analyses by it). */
    runId: string | null;
    dataset: { id: string; name: string; rows: number; D: number } | null;
    config: TrainConfig | null;
    step: number;
    steps: number;
    rowsPerSec: number;
    /** GPU buffer bytes the engine holds (last progress report). */
    gpuBytes: number;
    /** Step metrics in step order (thinned when long). */
    history: StepMetrics[];
    latest: StepMetrics | null;
    evaluation: TrainEvaluation | null;
    /** The run's newest committed checkpoint. */
    checkpoint: { step: number; generation: number; bytes: number } | null;
    /** A checkpoint that could not be written, or a storage warning. */
    checkpointProblem: string | null;
    /** Why the run last continued from a checkpoint (resume, new GPU device, rollback). */
    restored: string | null;
    /** Streamed data: each completed epoch's rows and checksum (a few numbers per epoch). */
    dataEpochs: EpochChecksum[];
    /** The last data check: its seconds, or why it failed. */
    dataCheck: { seconds: number; message: string | null } | null;
  };
  /** Runs saved in this browser's storage (the resume offer). */
  savedRuns: SavedRun[];
  /** Why the last resume was refused. */
  resumeRefused: string | null;
  trainingRestored(step: number, steps: number, history: StepMetrics[], reason: string): void;
  checkpointSaved(runId: string, c: { step: number; generation: number; bytes: number }): void;
  checkpointProblem(message: string): void;
  savedRunsListed(runs: SavedRun[]): void;
  resumeRefusedWith(message: string | null): void;
  trainingStarted(
    dataset: { id: string; name: string; rows: number; D: number },
    config: TrainConfig,
    runId: string,
  ): void;
  trainingState(state: TrainState, message?: string): void;
  trainingProgress(p: {
    step: number;
    steps: number;
    rowsPerSec: number;
    gpuBytes: number;
    metrics: StepMetrics[];
    dataEpochs?: EpochChecksum[];
  }): void;
  trainingEvaluated(e: TrainEvaluation): void;
  /** A data check's epoch (`dataset-epoch`), appended to `dataEpochs`; or why it failed. */
  dataEpochChecked(epoch: EpochChecksum | null, seconds: number, message?: string): void;
  trainingReset(): void;
}

const initial: TrainingSlice['training'] = {
  state: 'idle',
  message: null,
  runId: null,
  dataset: null,
  config: null,
  step: 0,
  steps: 0,
  rowsPerSec: 0,
  gpuBytes: 0,
  history: [],
  latest: null,
  evaluation: null,
  checkpoint: null,
  checkpointProblem: null,
  restored: null,
  dataEpochs: [],
  dataCheck: null,
};

export const createTrainingSlice: StateCreator<TrainingSlice, [], [], TrainingSlice> = (set) => ({
  training: initial,
  savedRuns: [],
  resumeRefused: null,
  trainingStarted: (dataset, config, runId) =>
    set((s) => ({
      resumeRefused: null,
      training: {
        ...s.training,
        ...(runId === s.training.runId
          ? {}
          : { checkpoint: null, checkpointProblem: null, restored: null }),
        runId,
        dataset,
        config,
        history: [],
        latest: null,
        evaluation: null,
        dataEpochs: [],
      },
    })),
  trainingState: (state, message) =>
    set((s) => ({ training: { ...s.training, state, message: message ?? null } })),
  trainingProgress: ({ step, steps, rowsPerSec, gpuBytes, metrics, dataEpochs }) =>
    set((s) => {
      let history = metrics.length ? [...s.training.history, ...metrics] : s.training.history;
      if (history.length > MAX_POINTS) history = history.filter((_, i) => i % 2 === 0);
      const latest = metrics.length ? metrics[metrics.length - 1] : s.training.latest;
      const epochs = dataEpochs?.length
        ? [...s.training.dataEpochs, ...dataEpochs]
        : s.training.dataEpochs;
      return {
        training: {
          ...s.training,
          ...{ step, steps, rowsPerSec, gpuBytes, history, latest },
          dataEpochs: epochs,
        },
      };
    }),
  dataEpochChecked: (epoch, seconds, message) =>
    set((s) => ({
      training: {
        ...s.training,
        dataEpochs: epoch ? [...s.training.dataEpochs, epoch] : s.training.dataEpochs,
        dataCheck: { seconds, message: message ?? null },
      },
    })),
  trainingRestored: (step, steps, history, reason) =>
    set((s) => ({
      training: {
        ...s.training,
        step,
        steps,
        history: history.length > MAX_POINTS ? history.filter((_, i) => i % 2 === 0) : history,
        // After a rollback the latest numbers stay (they show the skipped-step count).
        latest: s.training.latest ?? (history.length ? history[history.length - 1] : null),
        restored: reason,
      },
    })),
  checkpointSaved: (runId, checkpoint) =>
    set((s) =>
      s.training.runId === runId
        ? { training: { ...s.training, checkpoint, checkpointProblem: null } }
        : {},
    ),
  checkpointProblem: (message) =>
    set((s) => ({ training: { ...s.training, checkpointProblem: message } })),
  savedRunsListed: (savedRuns) => set({ savedRuns }),
  resumeRefusedWith: (resumeRefused) => set({ resumeRefused }),
  trainingEvaluated: (evaluation) => set((s) => ({ training: { ...s.training, evaluation } })),
  trainingReset: () => set({ training: initial }),
});
