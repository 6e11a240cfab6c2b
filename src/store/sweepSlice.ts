import type { StateCreator } from 'zustand';
import type { TrainConfigInput } from '../model/config';

// The sweep's plan and runs (src/session/sweep.ts runs them): small numbers only.

export const SWEEP_ARCHS = ['softsae', 'topk', 'batchtopk'] as const;
export type SweepArch = (typeof SWEEP_ARCHS)[number];

export interface SweepPlan {
  /** Unique in this browser; run ids derive from it. */
  id: string;
  datasetId: string;
  datasetName: string;
  base: TrainConfigInput;
  ks: number[];
  archs: SweepArch[];
  checkpointEvery: number;
}

export type SweepRunState = 'queued' | 'running' | 'done' | 'failed';

/** One run of a sweep and, once finished, its final evaluation (every row, hard top-k). */
export interface SweepRun {
  arch: SweepArch;
  k: number;
  runId: string;
  /** The run's folder name on disk (`softsae-k8`): the command line writes one per run. */
  name: string;
  config: TrainConfigInput;
  state: SweepRunState;
  fvu?: number;
  meanL0?: number;
  deadFraction?: number;
  message?: string;
}

/** A sweep as saved (localStorage) and shown: small numbers only. */
export interface SweepState {
  plan: SweepPlan;
  runs: SweepRun[];
  /** running: a run is training; interrupted: the page was reloaded mid-sweep (Continue). */
  state: 'running' | 'interrupted' | 'stopped' | 'done';
}

export interface SweepSlice {
  /** The current or last sweep; null when none. */
  sweep: SweepState | null;
  sweepChanged(s: SweepState | null): void;
}

export const createSweepSlice: StateCreator<SweepSlice, [], [], SweepSlice> = (set) => ({
  sweep: null,
  sweepChanged: (sweep) => set({ sweep }),
});
