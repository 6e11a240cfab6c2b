/**
 * The training loop of the engine worker: builds the dataset and the GPU trainer, then runs
 * steps until done, paused or stopped. The loop yields to the worker's event loop every step (so
 * pause/stop messages are handled) and keeps at most a few steps in flight on the GPU queue.
 * Progress is posted at most every 250 ms with the step metrics that arrived meanwhile (the page
 * re-renders on each, so fewer messages leave its main thread idler).
 *
 * Keeping the work (issue 6): a checkpoint is committed every `checkpointEvery` steps, on
 * request (the page is hidden or closing) and on pause (src/workers/runCheckpoints.ts). A full
 * disk pauses the run with the numbers, the previous checkpoint kept. When the GPU device is lost
 * the run restores its last checkpoint on a new device and continues — until it has been lost
 * {@link MAX_LOSSES} times within {@link LOSS_WINDOW_MS}. {@link MAX_SKIPPED_IN_A_ROW} consecutive
 * non-finite steps roll back to the last checkpoint and pause (reliability case 25).
 */
import type { DatasetFingerprint } from '../checkpoint/fingerprint';
import { makeCheckpoint, type TrainingCheckpoint } from '../checkpoint/content';
import type { KernelContext } from '../gpu/kernels/context';
import { resolveConfig, type TrainConfig, type TrainConfigInput } from '../model/config';
import { initParams } from '../model/params';
import { normFactorOf } from '../sae/batches';
import { GpuTrainer, type StepMetrics } from '../sae/trainer';
import { ledgerOf } from '../gpu/ledger';
import { limitProblem, trainShapeOf } from '../sae/memoryPlan';
import type { Inspection } from './inspection';
import { evaluateRun, type LiveRun } from './runEvaluation';
import type { EngineDataset } from './engineDatasets';
import type { EngineMessage, TrainState } from './protocol';
import { RowReadError, type BatchStream } from './rowSource';
import { checkStorage, type RunCheckpoints } from './runCheckpoints';

/** Steps allowed in flight before the loop waits for the GPU. */
const MAX_IN_FLIGHT = 2;
const PROGRESS_MS = 250;
/** Metric points a checkpoint keeps (older ones thinned to every other point, as the page does). */
const MAX_HISTORY = 4000;
export const MAX_LOSSES = 3;
export const LOSS_WINDOW_MS = 5 * 60_000;
export const MAX_SKIPPED_IN_A_ROW = 20;

/** Where the run gets its GPU: the engine's device, re-acquired after a loss. */
export interface GpuSource {
  get(): Promise<KernelContext | null>;
  /** Forget the lost device: the next `get` acquires a new one. */
  reset(): void;
}

export interface RunOptions {
  runId: string;
  checkpointEvery: number;
  /** The run's checkpoint directory (this tab holds its Web Lock); null: none are written. */
  checkpoints: RunCheckpoints | null;
  /** Continue from this checkpoint instead of step 0. */
  resume?: TrainingCheckpoint;
  /** Evaluate only the first this-many rows at the end (default: every row). */
  evalRows?: number;
}

export class TrainingRun {
  private state: TrainState = 'starting';
  private pauseRequested = false;
  private pauseMessage: string | undefined;
  private saveRequested = false;
  private wake: (() => void) | null = null;
  private live: LiveRun | null = null;
  /** The evaluation in progress (one at a time: a pause's, or the final one after it). */
  private evaluation: Promise<void> | null = null;
  private history: StepMetrics[] = [];
  private skippedInARow = 0;
  private lastSkipped = 0;
  /** Set when the run starts. */
  runId = '';

  constructor(
    private readonly post: (m: EngineMessage, transfer?: Transferable[]) => void,
    private readonly inspection: Inspection,
  ) {}

  /** Evaluates the model as it is now, while paused (posts `eval-result` with final = false). */
  async evaluateNow(): Promise<void> {
    if (this.state !== 'paused' || !this.live || this.evaluation) return;
    try {
      await this.evaluate(this.live, false);
    } catch (e) {
      this.post({
        type: 'train-state',
        state: 'paused',
        message: `evaluation failed: ${String(e)}`,
      });
    }
  }

  /** Pauses after the steps in flight: 'paused' is reported once no step is running. */
  pause(message?: string): void {
    if (this.state === 'running') {
      this.pauseRequested = true;
      this.pauseMessage = message;
    }
  }

  resume(): void {
    this.pauseRequested = false;
    if (this.state === 'paused') {
      this.setState('running');
      this.wake?.();
    }
  }

  stop(): void {
    if (this.state === 'running' || this.state === 'paused' || this.state === 'starting') {
      this.setState('stopped');
      this.wake?.();
    }
  }

  /** Commit a checkpoint at the next step boundary (a paused run saved one when it paused). */
  requestCheckpoint(): void {
    if (this.state === 'running') this.saveRequested = true;
  }

  private setState(state: TrainState, message?: string): void {
    this.state = state;
    this.post({ type: 'train-state', state, message });
  }

  /**
   * Runs (or continues) the run to its end; a lost GPU device is replaced and the run restored
   * from its last checkpoint (from step 0 when it has none yet).
   */
  async run(
    gpu: GpuSource,
    data: EngineDataset,
    input: TrainConfigInput,
    options: RunOptions,
  ): Promise<void> {
    this.runId = options.runId;
    try {
      const config = resolveConfig(input, data.D);
      if (config.batch_size > data.rows)
        throw new Error(
          `batch_size ${config.batch_size} exceeds the ${data.rows} rows of the data`,
        );
      const fingerprint = await data.source.fingerprint(data.name);
      if (options.checkpoints) {
        const warning = await checkStorage(checkpointBytes(config, data));
        if (warning) this.post({ type: 'checkpoint-problem', runId: this.runId, message: warning });
      }
      let restore = options.resume ?? null;
      const losses: number[] = [];
      for (;;) {
        const ctx = await gpu.get();
        if (!ctx) throw new Error('WebGPU is unavailable');
        const lost = await this.session(ctx, data, config, fingerprint, options, restore);
        if (!lost) return;
        const now = Date.now();
        losses.push(now);
        const recent = losses.filter((t) => now - t <= LOSS_WINDOW_MS).length;
        gpu.reset();
        const latest = (await options.checkpoints?.latest())?.checkpoint ?? null;
        const kept = latest
          ? `the checkpoint of step ${latest.meta.step} is kept`
          : 'no checkpoint';
        if (recent >= MAX_LOSSES)
          throw new Error(
            `the GPU device was lost ${recent} times within ${LOSS_WINDOW_MS / 60_000} minutes ` +
              `(last: ${lost.reason} at step ${lost.step}); stopped retrying — ${kept}. ` +
              'Reload the page to resume from it.',
          );
        const from = latest?.meta.step ?? 0;
        this.lossNote =
          `GPU device lost at step ${lost.step} (${lost.reason}); continuing on a new device from ` +
          (latest ? `the checkpoint of step ${from}` : 'step 0 (no checkpoint yet)') +
          `: ${lost.step - from} steps lost`;
        restore = latest;
        if (this.state !== 'stopped') this.state = 'starting';
      }
    } catch (e) {
      this.setState('failed', e instanceof Error ? e.message : String(e));
    }
  }

  /** Set after a device loss: the message the next session starts with. */
  private lossNote: string | undefined;

  /** One device's worth of the run; returns the loss when the device was lost, else null. */
  private async session(
    ctx: KernelContext,
    data: EngineDataset,
    config: TrainConfig,
    fingerprint: DatasetFingerprint,
    options: RunOptions,
    restore: TrainingCheckpoint | null,
  ): Promise<{ step: number; reason: string } | null> {
    const { D, rows, source } = data;
    // Refused before any GPU allocation when a buffer would exceed the device's limits.
    const problem = limitProblem(trainShapeOf(config, D), ctx.device.limits);
    if (problem) throw new Error(problem.message);
    let deviceLost: string | null = null;
    const lostSignal = ctx.device.lost.then((info) => {
      deviceLost = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
    const headRows = Math.min(rows, 8 * config.batch_size);
    const normFactor =
      restore?.meta.normFactor ?? normFactorOf(await source.head(headRows), headRows, D);
    const params =
      restore?.trainer.params ??
      initParams({
        D,
        F: config.dict_size,
        k: config.k,
        kMax: config.k_max,
        alpha: config.soft_topk_alpha,
        seed: config.seed,
      }).tensors;
    const reported: StepMetrics[] = [];
    const trainer = await GpuTrainer.create(
      ctx,
      config,
      D,
      params,
      { normFactor, shift: new Float32Array(D) },
      (m) => {
        reported.push(m);
        this.keep(m);
      },
    );
    if (restore) trainer.load(restore.trainer);
    this.history = restore ? restore.meta.history.slice() : [];
    this.lastSkipped = restore?.trainer.skipped ?? 0;
    this.skippedInARow = 0;
    let batches: BatchStream = await source.batches(
      config.batch_size,
      config.seed + 1,
      restore?.sampler,
    );
    this.post({
      type: 'train-started',
      dataset: { id: data.id, name: data.name, rows, D },
      config: { ...config },
      normFactor,
      runId: this.runId,
    });
    const note = this.lossNote;
    this.lossNote = undefined;
    if (restore)
      this.post({
        type: 'train-restored',
        step: trainer.step,
        steps: config.steps,
        history: this.history.slice(),
        reason: note ?? `resumed from the checkpoint of step ${trainer.step}`,
      });
    const live: LiveRun = { ctx, trainer, config, data, normFactor, evalRows: options.evalRows };
    this.live = live;
    if (this.state === 'starting') this.setState('running', note);
    let savedStep = restore?.meta.step ?? -1;
    const save = async (): Promise<void> => {
      const cp = options.checkpoints;
      if (!cp || trainer.step === savedStep || deviceLost) return;
      let snapshot;
      let cursor;
      try {
        snapshot = await trainer.snapshot();
        // The cursor before the next batch; a file that can no longer be read is reported by
        // the next batch, and this checkpoint is not written (the last one stays).
        cursor = await batches.save().catch((e: unknown) => {
          if (e instanceof RowReadError) return null;
          throw e;
        });
        if (!cursor) return;
      } catch (e) {
        await rethrowUnlessLost(e);
        return;
      }
      if (deviceLost) return;
      // Steps being skipped now: keep the last good checkpoint as the rollback target.
      if (this.skippedInARow > 0) return;
      const c = makeCheckpoint(
        {
          runId: this.runId,
          savedAt: new Date().toISOString(),
          config,
          D,
          normFactor,
          datasetId: data.id,
          dataset: fingerprint,
          history: this.history.slice(),
          checkpointEvery: options.checkpointEvery,
        },
        snapshot,
        cursor,
      );
      try {
        const p = await cp.save(c);
        savedStep = snapshot.step;
        const { runId } = this;
        const { step, generation, bytes } = p;
        this.post({ type: 'checkpoint-saved', runId, step, generation, bytes });
      } catch (e) {
        const why =
          e instanceof DOMException && e.name === 'QuotaExceededError'
            ? 'storage full'
            : 'write failed';
        const message =
          `checkpoint of step ${snapshot.step} not saved (${why}: ${e instanceof Error ? e.message : String(e)}); ` +
          (savedStep >= 0
            ? `the checkpoint of step ${savedStep} is kept`
            : 'no earlier checkpoint') +
          '. Training paused: free some storage, then Resume.';
        this.post({ type: 'checkpoint-problem', runId: this.runId, message });
        this.pause(message);
      }
    };
    /** Readbacks fail once the device is lost: that is a loss to recover from, not an error. */
    const rethrowUnlessLost = async (e: unknown) => {
      await Promise.race([lostSignal, new Promise((r) => setTimeout(r, 1000))]);
      if (!deviceLost) throw e;
    };
    const inFlight: Promise<void>[] = [];
    const drain = async () => {
      try {
        await Promise.race([Promise.all(inFlight.splice(0)), lostSignal]);
        if (!deviceLost) await Promise.race([trainer.flush(), lostSignal]);
      } catch (e) {
        await rethrowUnlessLost(e);
      }
    };
    let lastPost = performance.now();
    const t0 = performance.now();
    const startStep = trainer.step;
    let done = trainer.step;
    const flushProgress = () => {
      this.post({
        type: 'train-progress',
        step: done,
        steps: config.steps,
        rowsPerSec: ((done - startStep) * config.batch_size) / ((performance.now() - t0) / 1000),
        gpuBytes: ledgerOf(ctx.device)?.bytes ?? 0,
        metrics: reported.splice(0),
        dataEpochs: batches.takeEpochs?.(),
      });
      lastPost = performance.now();
    };
    try {
      // A new run's first checkpoint is its starting point: a rollback target from the outset.
      if (!restore) await save();
      while (trainer.step < config.steps && this.state !== 'stopped') {
        if (deviceLost) return { step: done, reason: deviceLost };
        if (this.skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
          await drain();
          if (deviceLost) continue;
          batches = (await this.rollBack(trainer, options)) ?? batches;
          done = trainer.step;
          flushProgress();
          continue;
        }
        if (this.pauseRequested) {
          await drain();
          if (deviceLost) continue;
          flushProgress();
          await save();
          this.pauseRequested = false;
          this.setState('paused', this.pauseMessage);
          this.pauseMessage = undefined;
          await new Promise<void>((r) => (this.wake = r));
          this.wake = null;
          continue;
        }
        let batch: Float32Array;
        try {
          batch = await batches.next();
        } catch (e) {
          if (!(e instanceof RowReadError)) throw e;
          // The user's file changed or went away (reliability case 38): pause with the last
          // checkpoint intact; Resume rolls back to it and reads from its cursor again.
          await drain();
          if (deviceLost) continue;
          flushProgress();
          batches = await this.pauseForData(e, trainer, options, savedStep);
          done = trainer.step;
          flushProgress();
          continue;
        }
        trainer.trainStep(batch);
        inFlight.push(ctx.device.queue.onSubmittedWorkDone().then(() => void done++));
        if (inFlight.length >= MAX_IN_FLIGHT) await Promise.race([inFlight.shift(), lostSignal]);
        else await new Promise((r) => setTimeout(r, 0));
        if (performance.now() - lastPost >= PROGRESS_MS) flushProgress();
        if (trainer.step % options.checkpointEvery === 0 || this.saveRequested) {
          this.saveRequested = false;
          await drain();
          if (!deviceLost) await save();
        }
      }
      await drain();
      if (deviceLost) return { step: done, reason: deviceLost };
      flushProgress();
      if (this.state !== 'stopped') {
        await save();
        this.setState('evaluating');
        await this.evaluation?.catch(() => {}); // a pause's evaluation reported its own error
        await this.evaluate(live, true);
        this.setState('done');
      }
      return null;
    } finally {
      // A pause's evaluation may still read the trainer's parameters.
      if (!deviceLost) await this.evaluation?.catch(() => {});
      this.live = null;
      trainer.destroy();
    }
  }

  /** Records a step's metrics for the checkpoint and counts consecutive skipped steps. */
  private keep(m: StepMetrics): void {
    this.history.push(m);
    if (this.history.length > MAX_HISTORY)
      this.history = this.history.filter((_, i) => i % 2 === 0);
    this.skippedInARow = m.nonFinite ? this.skippedInARow + 1 : 0;
    this.lastSkipped = m.skipped;
  }

  /**
   * A batch could not be read from the user's files: pause with the io layer's message (it names
   * the file) and the checkpoint kept, then, on Resume, restore that checkpoint and open the
   * stream again at its cursor. Read failures while reopening pause again the same way.
   */
  private async pauseForData(
    e: RowReadError,
    trainer: GpuTrainer,
    options: RunOptions,
    savedStep: number,
  ): Promise<BatchStream> {
    const live = this.live!;
    let problem: Error = e;
    for (;;) {
      const kept =
        savedStep >= 0 ? `the checkpoint of step ${savedStep} is kept` : 'no checkpoint was saved';
      this.pauseRequested = false;
      this.setState(
        'paused',
        `${problem.message} Training paused; ${kept}. Resume continues from it once the file ` +
          'reads again; or pick the file again and resume the run from Saved runs.',
      );
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
      if (this.state === 'stopped')
        return { next: () => Promise.reject(e), save: () => Promise.reject(e) };
      try {
        const latest = (await options.checkpoints?.latest())?.checkpoint;
        const c = live.config;
        if (latest) {
          trainer.load({ ...latest.trainer, skipped: this.lastSkipped });
          this.history = latest.meta.history.slice();
          this.post({
            type: 'train-restored',
            step: latest.meta.step,
            steps: c.steps,
            history: this.history.slice(),
            reason: `reading the data again from the checkpoint of step ${latest.meta.step}`,
          });
        }
        return await live.data.source.batches(c.batch_size, c.seed + 1, latest?.sampler);
      } catch (again) {
        if (!(again instanceof RowReadError)) throw again;
        problem = again;
      }
    }
  }

  /**
   * Too many non-finite steps in a row: restore the last checkpoint (the skipped-step count stays
   * the run's total) and pause with the reason. Returns the restored batch stream.
   */
  private async rollBack(trainer: GpuTrainer, options: RunOptions): Promise<BatchStream | null> {
    const n = this.skippedInARow;
    this.skippedInARow = 0;
    const latest = (await options.checkpoints?.latest())?.checkpoint;
    const what = `${n} consecutive steps had a non-finite loss or gradient (each skipped, parameters and Adam state unchanged)`;
    if (!latest) {
      this.pause(`${what}; there is no checkpoint to roll back to`);
      return null;
    }
    trainer.load({ ...latest.trainer, skipped: this.lastSkipped });
    this.history = latest.meta.history.slice();
    const step = latest.meta.step;
    const reason = `${what}: rolled back to the checkpoint of step ${step} and paused`;
    this.post({
      type: 'train-restored',
      step,
      steps: latest.meta.config.steps,
      history: this.history.slice(),
      reason,
    });
    this.pause(reason);
    const c = latest.meta.config;
    return this.live!.data.source.batches(c.batch_size, c.seed + 1, latest.sampler);
  }

  /** Evaluates the current model (src/workers/runEvaluation.ts), one evaluation at a time. */
  private evaluate(live: LiveRun, final: boolean): Promise<void> {
    const run = evaluateRun(live, { runId: this.runId, final }, this.inspection, this.post);
    this.evaluation = run;
    return run.finally(() => {
      if (this.evaluation === run) this.evaluation = null;
    });
  }
}

/** About how large one checkpoint of this run is (parameters ×3, counters, order, history). */
function checkpointBytes(c: TrainConfig, data: EngineDataset): number {
  const [D, F] = [data.D, c.dict_size];
  const params = 3 * D * F + 3 * F + D + 1; // encoder, decoder, k-estimator, biases
  return 4 * (3 * params + F + data.rows) + 400 * Math.min(c.steps, MAX_HISTORY) + 65536;
}
