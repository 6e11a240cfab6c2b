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

/** An evaluation under way (every row, two passes): rows done of `total`, since `startedAt`. */
export interface EvalProgress {
  runId: string;
  done: number;
  total: number;
  /** performance.now() and rows done at its first update, for the rate. */
  startedAt: number;
  startDone: number;
  /** Rows per second over both passes so far (NaN until measurable). */
  rowsPerSec: number;
}

export interface RunsSlice {
  runs: RunSummary[];
  /** The evaluation under way, or null. */
  evalProgress: EvalProgress | null;
  /** Adds a run, or replaces the summary of a run evaluated again (its evaluation is over). */
  runEvaluated(run: RunSummary): void;
  evalProgressed(runId: string, done: number, total: number, now: number): void;
}

export const createRunsSlice: StateCreator<RunsSlice, [], [], RunsSlice> = (set) => ({
  runs: [],
  evalProgress: null,
  runEvaluated: (run) =>
    set((s) => {
      const i = s.runs.findIndex((r) => r.runId === run.runId);
      if (i < 0) return { runs: [...s.runs, run], evalProgress: null };
      const runs = [...s.runs];
      runs[i] = run;
      return { runs, evalProgress: null };
    }),
  evalProgressed: (runId, done, total, now) =>
    set((s) => {
      const same = s.evalProgress?.runId === runId && s.evalProgress.done <= done;
      // The first update starts the clock: the rate counts the rows done since then.
      const { startedAt, startDone } = same ? s.evalProgress! : { startedAt: now, startDone: done };
      const seconds = (now - startedAt) / 1000;
      const rowsPerSec = seconds > 0 ? (done - startDone) / seconds : NaN;
      return { evalProgress: { runId, done, total, startedAt, startDone, rowsPerSec } };
    }),
});
