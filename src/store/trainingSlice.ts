import type { StateCreator } from 'zustand';
import type { StepMetrics } from '../sae/trainer';
import type { TrainEvaluation, TrainState } from '../workers/protocol';

/** Most metric points kept for charts; older ones are thinned to every other point. */
const MAX_POINTS = 4000;

export interface TrainingSlice {
  training: {
    state: TrainState | 'idle';
    message: string | null;
    /** The run's id, echoed by the engine when it starts (Inspect keys its analyses by it). */
    runId: string | null;
    dataset: { id: string; name: string; rows: number; D: number } | null;
    config: Record<string, unknown> | null;
    step: number;
    steps: number;
    rowsPerSec: number;
    /** GPU buffer bytes the engine holds (last progress report). */
    gpuBytes: number;
    /** Step metrics in step order (thinned when long). */
    history: StepMetrics[];
    latest: StepMetrics | null;
    evaluation: TrainEvaluation | null;
  };
  trainingStarted(
    dataset: { id: string; name: string; rows: number; D: number },
    config: Record<string, unknown>,
    runId: string,
  ): void;
  trainingState(state: TrainState, message?: string): void;
  trainingProgress(p: {
    step: number;
    steps: number;
    rowsPerSec: number;
    gpuBytes: number;
    metrics: StepMetrics[];
  }): void;
  trainingEvaluated(e: TrainEvaluation): void;
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
};

export const createTrainingSlice: StateCreator<TrainingSlice, [], [], TrainingSlice> = (set) => ({
  training: initial,
  trainingStarted: (dataset, config, runId) =>
    set((s) => ({
      training: {
        ...s.training,
        runId,
        dataset,
        config,
        history: [],
        latest: null,
        evaluation: null,
      },
    })),
  trainingState: (state, message) =>
    set((s) => ({ training: { ...s.training, state, message: message ?? null } })),
  trainingProgress: ({ step, steps, rowsPerSec, gpuBytes, metrics }) =>
    set((s) => {
      let history = metrics.length ? [...s.training.history, ...metrics] : s.training.history;
      if (history.length > MAX_POINTS) history = history.filter((_, i) => i % 2 === 0);
      const latest = metrics.length ? metrics[metrics.length - 1] : s.training.latest;
      return {
        training: { ...s.training, step, steps, rowsPerSec, gpuBytes, history, latest },
      };
    }),
  trainingEvaluated: (evaluation) => set((s) => ({ training: { ...s.training, evaluation } })),
  trainingReset: () => set({ training: initial }),
});
