/**
 * The training loop of the engine worker: builds the dataset and the GPU trainer, then runs
 * steps until done, paused or stopped. The loop yields to the worker's event loop every step (so
 * pause/stop messages are handled) and keeps at most a few steps in flight on the GPU queue.
 * Progress is posted at most every 250 ms with the step metrics that arrived meanwhile (the page
 * re-renders on each, so fewer messages leave its main thread idler).
 */
import type { KernelContext } from '../gpu/kernels/context';
import { resolveConfig, type TrainConfig, type TrainConfigInput } from '../reference/sae/config';
import { spearman } from '../data/metrics';
import type { SaeModel } from '../sae/modelFile';
import { initParams } from '../reference/sae/params';
import { BatchSampler, normFactorOf } from '../sae/batches';
import { GpuTrainer, type StepMetrics } from '../sae/trainer';
import { ledgerOf } from '../gpu/ledger';
import { limitProblem, trainShapeOf } from '../sae/memoryPlan';
import type { Inspection } from './inspection';
import type { EngineDataset } from './engineDatasets';
import type { EngineMessage, TrainState } from './protocol';

/** Steps allowed in flight before the loop waits for the GPU. */
const MAX_IN_FLIGHT = 2;
const PROGRESS_MS = 250;

let runCounter = 0;
/** A run id unique within this worker and, by the clock, across page reloads. */
function newRunId(): string {
  return `run-${Date.now().toString(36)}-${++runCounter}`;
}

/** What an evaluation of the current model needs (set while the trainer exists). */
interface LiveRun {
  ctx: KernelContext;
  trainer: GpuTrainer;
  config: TrainConfig;
  data: EngineDataset;
  normFactor: number;
}

export class TrainingRun {
  private state: TrainState = 'starting';
  private pauseRequested = false;
  private wake: (() => void) | null = null;
  private live: LiveRun | null = null;
  /** The evaluation in progress (one at a time: a pause's, or the final one after it). */
  private evaluation: Promise<void> | null = null;
  /** Set when the run starts (the request's id, or one made here). */
  runId = newRunId();

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
  pause(): void {
    if (this.state === 'running') this.pauseRequested = true;
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

  private setState(state: TrainState, message?: string): void {
    this.state = state;
    this.post({ type: 'train-state', state, message });
  }

  async run(
    ctx: KernelContext,
    data: EngineDataset,
    input: TrainConfigInput,
    runId: string,
  ): Promise<void> {
    this.runId = runId;
    try {
      const { D, rows, x } = data;
      const config = resolveConfig(input, D);
      if (config.batch_size > rows)
        throw new Error(`batch_size ${config.batch_size} exceeds the ${rows} rows of the data`);
      // Refused before any GPU allocation when a buffer would exceed the device's limits.
      const problem = limitProblem(trainShapeOf(config, D), ctx.device.limits);
      if (problem) throw new Error(problem.message);
      const normFactor = normFactorOf(x, Math.min(rows, 8 * config.batch_size), D);
      const params = initParams({
        D,
        F: config.dict_size,
        k: config.k,
        kMax: config.k_max,
        alpha: config.soft_topk_alpha,
        seed: config.seed,
      });
      const reported: StepMetrics[] = [];
      const trainer = await GpuTrainer.create(
        ctx,
        config,
        D,
        params.tensors,
        { normFactor, shift: new Float32Array(D) },
        (m) => reported.push(m),
      );
      this.post({
        type: 'train-started',
        dataset: { id: data.id, name: data.name, rows, D },
        config: { ...config },
        normFactor,
        runId,
      });
      const live: LiveRun = { ctx, trainer, config, data, normFactor };
      this.live = live;
      if (this.state === 'starting') this.setState('running');
      const sampler = new BatchSampler(x, rows, D, config.batch_size, config.seed + 1);
      const inFlight: Promise<void>[] = [];
      let lastPost = performance.now();
      const t0 = performance.now();
      let done = 0;
      const flushProgress = () => {
        this.post({
          type: 'train-progress',
          step: done,
          steps: config.steps,
          rowsPerSec: (done * config.batch_size) / ((performance.now() - t0) / 1000),
          gpuBytes: ledgerOf(ctx.device)?.bytes ?? 0,
          metrics: reported.splice(0),
        });
        lastPost = performance.now();
      };
      try {
        while (trainer.step < config.steps && this.state !== 'stopped') {
          if (this.pauseRequested) {
            await Promise.all(inFlight.splice(0));
            await trainer.flush();
            flushProgress();
            this.pauseRequested = false;
            this.setState('paused');
            await new Promise<void>((r) => (this.wake = r));
            this.wake = null;
            continue;
          }
          trainer.trainStep(sampler.next());
          inFlight.push(ctx.device.queue.onSubmittedWorkDone().then(() => void done++));
          if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
          else await new Promise((r) => setTimeout(r, 0));
          if (performance.now() - lastPost >= PROGRESS_MS) flushProgress();
        }
        await Promise.all(inFlight.splice(0));
        await trainer.flush();
        flushProgress();
        if (this.state !== 'stopped') {
          this.setState('evaluating');
          await this.evaluation?.catch(() => {}); // a pause's evaluation reported its own error
          await this.evaluate(live, true);
          this.setState('done');
        }
      } finally {
        // A pause's evaluation may still read the trainer's parameters.
        await this.evaluation?.catch(() => {});
        this.live = null;
        trainer.destroy();
      }
    } catch (e) {
      this.setState('failed', e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * The evaluation pass over every row (hard path; src/workers/evalPass.ts), kept by the
   * inspection for queries and posted as `eval-result`; and, where the data knows each row's true
   * number of active features (the synthetic built-ins), the paper's check: Spearman(k̂, count).
   */
  private evaluate(live: LiveRun, final: boolean): Promise<void> {
    const run = this.evaluatePass(live, final);
    this.evaluation = run;
    return run.finally(() => {
      if (this.evaluation === run) this.evaluation = null;
    });
  }

  private async evaluatePass(live: LiveRun, final: boolean): Promise<void> {
    const { ctx, trainer, config, data, normFactor } = live;
    const { D, rows, x } = data;
    const model: SaeModel = {
      arch: config.arch,
      D,
      F: config.dict_size,
      tensors: await trainer.readParams(),
      k: trainer.k,
      kMax: config.k_max,
      alpha: trainer.alpha,
      normFactor,
      shift: new Float32Array(D),
      threshold: config.arch === 'batchtopk' ? await trainer.readThreshold() : undefined,
    };
    const result = await this.inspection.evaluate(ctx, {
      runId: this.runId,
      datasetId: data.id,
      model,
      data: { rows, D, x },
      batchSize: config.batch_size,
      step: trainer.step,
      final,
      config: configSummary(config),
    });
    // Only the synthetic built-ins know each row's true number of active features.
    const truth = data.activeCount;
    if (final)
      this.post({
        type: 'train-eval',
        rows,
        fvu: result.fvu,
        meanL0: result.meanL0,
        spearmanKHat: result.kHat && truth ? spearman(result.kHat, truth) : null,
        spearmanL0: truth ? spearman(result.l0, truth) : null,
      });
    this.inspection.publish(result);
  }
}

/** The few settings a run is recognised by in the runs list and the compare view. */
function configSummary(c: TrainConfig): Record<string, number | string> {
  return {
    arch: c.arch,
    F: c.dict_size,
    k: c.k,
    k_max: c.k_max,
    steps: c.steps,
    batch: c.batch_size,
    lr: c.lr,
    seed: c.seed,
  };
}
