// Training progress from the page to the command line. The page calls `progress(…)` with where
// the run is; this prints one console message, `__softsae_progress {json}`, which the Node side
// (scripts/cli-progress.mjs) renders on stderr as a live line or as JSON lines. Standalone: any
// loop that knows its step can feed it (today the CLI's own loop, later the engine's messages).

/** The prefix of a progress message on the console; the rest of the line is JSON. */
export const PROGRESS_PREFIX = '__softsae_progress ';

/** One update, as `--progress json` prints it. */
export interface ProgressUpdate {
  /** Steps done so far. */
  step: number;
  steps: number;
  rows_per_sec: number | null;
  /** Seconds to the last step at the current rate; null until there is a rate. */
  eta_s: number | null;
  loss: number;
  mean_k_hat?: number;
}

export interface ProgressInput {
  step: number;
  steps: number;
  /** Rows per step, for the rate and the ETA. */
  batch: number;
  loss: number;
  mean_k_hat?: number;
  /** Rows/s when the caller measures it (the engine does); else measured here between calls. */
  rows_per_sec?: number;
}

/** An evaluation's update, as `--progress json` prints it (both passes: 2 × rows in total). */
export interface EvalProgressUpdate {
  phase: 'eval';
  rows_done: number;
  rows_total: number;
  rows_per_sec: number | null;
  eta_s: number | null;
}

/**
 * An evaluation progress reporter: call it with the store's `evalProgress` (rows done of both
 * passes, and the rate); it emits at most every `minIntervalMs`, and always the end.
 */
export function evalProgressReporter(
  minIntervalMs = 1000,
  now: () => number = () => performance.now(),
) {
  let lastEmit = -Infinity;
  return (p: { done: number; total: number; rowsPerSec: number }): boolean => {
    const t = now();
    if (p.done < p.total && t - lastEmit < minIntervalMs) return false;
    lastEmit = t;
    const rate = Number.isFinite(p.rowsPerSec) && p.rowsPerSec > 0 ? p.rowsPerSec : null;
    const update: EvalProgressUpdate = {
      phase: 'eval',
      rows_done: p.done,
      rows_total: p.total,
      rows_per_sec: rate,
      eta_s: rate ? (p.total - p.done) / rate : null,
    };
    console.log(PROGRESS_PREFIX + JSON.stringify(update));
    return true;
  };
}

/**
 * A progress reporter: call it after each step; it emits at most every `minIntervalMs`, and
 * always the first and the last step. Returns whether it emitted.
 */
export function progressReporter(minIntervalMs = 250, now: () => number = () => performance.now()) {
  let lastEmit = -Infinity;
  let lastStep = -1;
  let t0 = NaN;
  let step0 = 0;
  return (p: ProgressInput): boolean => {
    const t = now();
    if (Number.isNaN(t0)) {
      t0 = t;
      step0 = p.step;
    }
    const last = p.step >= p.steps;
    if (p.step === lastStep || (!last && lastStep >= 0 && t - lastEmit < minIntervalMs))
      return false;
    lastEmit = t;
    lastStep = p.step;
    const measured = t > t0 ? ((p.step - step0) * p.batch * 1000) / (t - t0) : NaN;
    const rate = p.rows_per_sec ?? measured;
    const rows_per_sec = Number.isFinite(rate) && rate > 0 ? rate : null;
    const update: ProgressUpdate = {
      step: p.step,
      steps: p.steps,
      rows_per_sec,
      eta_s: rows_per_sec ? ((p.steps - p.step) * p.batch) / rows_per_sec : null,
      loss: p.loss,
      mean_k_hat: p.mean_k_hat,
    };
    console.log(PROGRESS_PREFIX + JSON.stringify(update));
    return true;
  };
}
