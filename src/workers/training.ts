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
import { evaluateModel } from '../sae/evaluate';
import type { SaeModel } from '../sae/modelFile';
import { initParams } from '../reference/sae/params';
import { BatchSampler, normFactorOf } from '../sae/batches';
import { GpuTrainer, type StepMetrics } from '../sae/trainer';
import type { EngineDataset } from './engineDatasets';
import type { EngineMessage, TrainState } from './protocol';

/** Steps allowed in flight before the loop waits for the GPU. */
const MAX_IN_FLIGHT = 2;
const PROGRESS_MS = 250;

export class TrainingRun {
  private state: TrainState = 'starting';
  private pauseRequested = false;
  private wake: (() => void) | null = null;

  constructor(private readonly post: (m: EngineMessage) => void) {}

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
    try {
      const { D, rows, x } = data;
      const config = resolveConfig(input, D);
      if (config.batch_size > rows)
        throw new Error(`batch_size ${config.batch_size} exceeds the ${rows} rows of the data`);
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
          await this.evaluate(ctx, trainer, config, data, normFactor);
          this.setState('done');
        }
      } finally {
        trainer.destroy();
      }
    } catch (e) {
      this.setState('failed', e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * The evaluation pass over every row (hard path) and, where the data knows each row's true
   * number of active features (the synthetic built-ins), the paper's check: Spearman(k̂, count).
   */
  private async evaluate(
    ctx: KernelContext,
    trainer: GpuTrainer,
    config: TrainConfig,
    data: EngineDataset,
    normFactor: number,
  ): Promise<void> {
    const { D, rows, x } = data;
    const model: SaeModel = {
      arch: config.arch === 'topk' ? 'topk' : 'softsae',
      D,
      F: config.dict_size,
      tensors: await trainer.readParams(),
      k: trainer.k,
      kMax: config.k_max,
      alpha: trainer.alpha,
      normFactor,
      shift: new Float32Array(D),
    };
    const source = {
      rows,
      width: D,
      readRows: async (s: number, n: number) => x.subarray(s * D, (s + n) * D),
    };
    // Inference needs no optimizer state, so it can take larger batches than training: fewer
    // submissions and readbacks (each [B, F] buffer stays ≤ 16 MiB).
    const evalBatch = Math.min(
      rows,
      Math.max(config.batch_size, Math.floor(2 ** 22 / config.dict_size)),
    );
    const report = await evaluateModel(ctx, model, source, evalBatch);
    const truth = data.activeCount;
    this.post({
      type: 'train-eval',
      rows,
      fvu: report.fvu,
      meanL0: report.mean_l0,
      spearmanKHat: report.k_hat && truth ? spearman(report.k_hat, truth) : null,
      spearmanL0: truth ? spearman(report.l0, truth) : null,
    });
  }
}
