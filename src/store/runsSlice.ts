import type { StateCreator } from 'zustand';
import type { EvalArch } from '../workers/inspectProtocol';

/** A finished (or paused-and-evaluated) run as the compare view lists it: small numbers only. */
export interface RunSummary {
  runId: string;
  arch: EvalArch;
  /** Readable settings (arch, F, k, steps, …). */
  config: Record<string, number | string>;
  datasetId: string;
  rows: number;
  step: number;
  final: boolean;
  fvu: number;
  meanL0: number;
  deadFraction: number;
  /** Rows with L0 = 0, 1, 2, … (index = L0), up to the largest L0 seen. */
  l0Hist: number[];
  /** On data with ground truth: Spearman(k̂, true count) (null for TopK) and feature recovery. */
  truth?: { spearmanKHat: number | null; recovery: number };
}

export interface RunsSlice {
  runs: RunSummary[];
  /** Adds a run, or replaces the summary of a run evaluated again. */
  runEvaluated(run: RunSummary): void;
}

export const createRunsSlice: StateCreator<RunsSlice, [], [], RunsSlice> = (set) => ({
  runs: [],
  runEvaluated: (run) =>
    set((s) => {
      const i = s.runs.findIndex((r) => r.runId === run.runId);
      if (i < 0) return { runs: [...s.runs, run] };
      const runs = [...s.runs];
      runs[i] = run;
      return { runs };
    }),
});
