/**
 * Runs a sweep (sweep.ts) on the engine, one training run after another, through the same
 * requests as the Train form's Start: each run checkpoints as usual, so a sweep interrupted by a
 * reload continues at its run and step (`resume`: the run's checkpoint, `train-restore`). The
 * app and the command line both drive sweeps through this class; it reads the store's training
 * summary to learn when a run ends and keeps the sweep's state in the store and in storage.
 */
import { useAppStore, type AppState } from '../store';
import type { EngineRequest } from '../workers/protocol';
import {
  currentRun,
  planRuns,
  type SweepPlan,
  type SweepRun,
  type SweepState,
  type SweepStorage,
} from './sweep';
import { selectDeadFraction } from '../store/selectors';

export class SweepRunner {
  private stopWatching: (() => void) | null = null;

  /**
   * @param send the engine's request channel
   * @param storage where the sweep is kept between page loads
   * @param onRunEnd called when a run has finished (done or failed), before the next starts;
   *   the command line writes the run's files there
   */
  constructor(
    private readonly send: (r: EngineRequest) => void,
    private readonly storage: SweepStorage,
    private readonly onRunEnd: (run: SweepRun, s: SweepState) => Promise<void> = async () => {},
  ) {}

  /** The saved sweep after a page load: a sweep that was running is now interrupted. */
  restore(): void {
    const saved = this.storage.load();
    if (!saved) return;
    if (saved.state === 'running') {
      saved.state = 'interrupted';
      for (const r of saved.runs) if (r.state === 'running') r.state = 'queued';
    }
    this.publish(saved, false);
  }

  /** Starts a new sweep (replacing any finished or interrupted one). */
  start(plan: SweepPlan): void {
    const s: SweepState = { plan, runs: planRuns(plan), state: 'running' };
    this.publish(s);
    this.next(s);
  }

  /**
   * Continues an interrupted sweep on `datasetId` (the plan's dataset, or the same data loaded
   * again): its current run from its checkpoint when it has one, else from step 0.
   */
  resume(datasetId: string): void {
    const s = this.state;
    if (!s || s.state !== 'interrupted') return;
    const run = currentRun(s);
    if (!run) return;
    const saved = useAppStore.getState().savedRuns.some((r) => r.runId === run.runId);
    const next: SweepState = { ...s, plan: { ...s.plan, datasetId }, state: 'running' };
    this.publish(next);
    if (saved) {
      this.mark(next, run, { state: 'running' });
      this.watch(run);
      this.send({ type: 'train-restore', runId: run.runId, dataset: { id: datasetId } });
    } else this.next(next);
  }

  /** Stops the sweep after asking the engine to stop its run (the run keeps its checkpoint). */
  stop(): void {
    const s = this.state;
    if (!s || s.state === 'done') return;
    this.unwatch();
    if (s.state === 'running') this.send({ type: 'train-stop' });
    this.publish({ ...s, state: 'stopped' });
  }

  /** Forgets the sweep (its runs stay in Saved runs and Compare). */
  clear(): void {
    this.unwatch();
    this.publish(null);
  }

  private get state(): SweepState | null {
    return useAppStore.getState().sweep;
  }

  /** Starts the first queued run, or ends the sweep. */
  private next(s: SweepState): void {
    const run = s.runs.find((r) => r.state === 'queued');
    if (!run) {
      this.unwatch();
      this.publish({ ...s, state: 'done' });
      return;
    }
    this.mark(s, run, { state: 'running' });
    this.watch(run);
    this.send({
      type: 'train-start',
      dataset: { id: s.plan.datasetId },
      config: run.config,
      runId: run.runId,
      checkpointEvery: s.plan.checkpointEvery,
    });
  }

  /**
   * Follows the store until `run` ends: done (with its evaluation), failed, or stopped. Only a
   * change of state counts, after the run was seen active: just after `started`, the store
   * still shows the previous run's final state under the new run id.
   */
  private watch(run: SweepRun): void {
    this.unwatch();
    let prev = useAppStore.getState().training;
    let active = false;
    this.stopWatching = useAppStore.subscribe((now) => {
      const t = now.training;
      const was = prev;
      prev = t;
      if (t === was) return;
      const mine = t.runId === run.runId;
      const changed = t.state !== was.state;
      // A run refused before it starts (an invalid config) fails without taking the run id.
      if (!mine && !active && changed && t.state === 'failed')
        return this.ended(run, { state: 'failed', message: t.message ?? 'refused' });
      if (!mine) return;
      if (['starting', 'running', 'paused', 'evaluating'].includes(t.state)) active = true;
      if (!active) return;
      if (t.state === 'done' && t.evaluation) {
        this.ended(run, {
          state: 'done',
          fvu: t.evaluation.fvu,
          meanL0: t.evaluation.meanL0,
          deadFraction: selectDeadFraction(now),
        });
      } else if (changed && t.state === 'failed') {
        this.ended(run, { state: 'failed', message: t.message ?? 'failed' });
      } else if (changed && t.state === 'stopped' && this.state?.state === 'running') {
        // Stopped from the run controls: the sweep stops with it.
        this.unwatch();
        this.publish({ ...this.state, state: 'stopped' });
      }
    });
  }

  /** Stops following the store (the page is going away). */
  dispose(): void {
    this.unwatch();
  }

  private unwatch(): void {
    this.stopWatching?.();
    this.stopWatching = null;
  }

  private ended(run: SweepRun, result: Partial<SweepRun>): void {
    this.unwatch();
    const s = this.state;
    if (!s) return;
    const after = this.mark(s, run, result);
    void this.onRunEnd({ ...run, ...result }, after).then(
      () => this.state?.state === 'running' && this.next(this.state),
      (e: unknown) => {
        // The run's files could not be written: the sweep stops there.
        this.publish({
          ...after,
          state: 'stopped',
          runs: after.runs.map((r) =>
            r.runId === run.runId ? { ...r, state: 'failed', message: String(e) } : r,
          ),
        });
      },
    );
  }

  /** Updates one run of `s`; returns the new state. */
  private mark(s: SweepState, run: SweepRun, change: Partial<SweepRun>): SweepState {
    const next = {
      ...s,
      runs: s.runs.map((r) => (r.runId === run.runId ? { ...r, ...change } : r)),
    };
    this.publish(next);
    return next;
  }

  private publish(s: SweepState | null, persist = true): void {
    useAppStore.getState().sweepChanged(s);
    if (persist) this.storage.save(s);
  }
}

/** The sweep's state in the store (for views). */
export const selectSweep = (s: AppState): SweepState | null => s.sweep;
