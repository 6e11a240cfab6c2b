/** Typed messages between the page and the engine worker (which owns the GPUDevice). */
import type { AdapterSummary } from '../gpu/device';
import type { GpuEvent } from '../gpu/events';
import type { TrainConfigInput } from '../reference/sae/config';
import type { StepMetrics } from '../sae/trainer';
import type { CheckResult } from '../selfcheck/kernels';

/** Built-in datasets the engine can generate itself (seeded synthetic lab). */
export type BuiltinDataset = 'demo' | 'quick';

export type EngineRequest =
  | { type: 'probe' }
  | { type: 'selfcheck' }
  | { type: 'train-start'; dataset: BuiltinDataset; config: TrainConfigInput }
  | { type: 'train-pause' }
  | { type: 'train-resume' }
  | { type: 'train-stop' };

export type TrainState =
  'starting' | 'running' | 'paused' | 'stopped' | 'evaluating' | 'done' | 'failed';

/** The evaluation pass after training (hard path, every row). */
export interface TrainEvaluation {
  rows: number;
  fvu: number;
  meanL0: number;
  /** Spearman correlation of k̂ with each row's true active-feature count (SoftSAE). */
  spearmanKHat: number | null;
  spearmanL0: number;
}

export type EngineMessage =
  | { type: 'gpu-ready'; summary: AdapterSummary; deviceFeatures: string[] }
  | { type: 'gpu-unavailable'; message: string }
  | { type: 'gpu-event'; event: GpuEvent }
  | { type: 'selfcheck-start'; total: number }
  | { type: 'selfcheck-result'; index: number; result: CheckResult }
  | { type: 'selfcheck-error'; index: number; name: string; message: string }
  | { type: 'selfcheck-done'; passed: number; total: number; ms: number }
  | {
      type: 'train-started';
      dataset: { name: string; rows: number; D: number };
      config: Record<string, unknown>;
      normFactor: number;
    }
  | { type: 'train-state'; state: TrainState; message?: string }
  | ({ type: 'train-eval' } & TrainEvaluation)
  | {
      type: 'train-progress';
      /** Steps completed (submitted and finished). */
      step: number;
      steps: number;
      rowsPerSec: number;
      /** Metrics of the steps reported since the last progress message (throttled). */
      metrics: StepMetrics[];
    };
