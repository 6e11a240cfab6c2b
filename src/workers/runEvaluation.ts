/**
 * The evaluation of a training run's current model: its parameters read back from the trainer,
 * the evaluation pass over every row (hard path; src/workers/evalPass.ts) kept by the inspection
 * for queries and posted as `eval-result`; and, at the end of a run whose data knows each row's
 * true number of active features (the synthetic built-ins), the paper's check: Spearman(k̂, count).
 */
import { spearman } from '../data/metrics';
import type { KernelContext } from '../gpu/kernels/context';
import type { TrainConfig } from '../model/config';
import type { SaeModel } from '../io/sae/modelFile';
import type { GpuTrainer } from '../sae/trainer';
import type { EngineDataset } from './engineDatasets';
import type { Inspection } from './inspection';
import type { EngineMessage } from './protocol';

/** What an evaluation of the current model needs (set while the trainer exists). */
export interface LiveRun {
  ctx: KernelContext;
  trainer: GpuTrainer;
  config: TrainConfig;
  data: EngineDataset;
  normFactor: number;
  /**
   * Evaluate only the first this-many rows (in file order) instead of every row: a run over a
   * file of millions of rows can end with a sample (`softsae train --eval-rows`).
   */
  evalRows?: number;
}

export async function evaluateRun(
  live: LiveRun,
  { runId, final }: { runId: string; final: boolean },
  inspection: Inspection,
  post: (m: EngineMessage) => void,
): Promise<void> {
  const { ctx, trainer, config, data, normFactor } = live;
  const { D, source } = data;
  const rows = Math.min(data.rows, live.evalRows ?? data.rows);
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
  const result = await inspection.evaluate(ctx, {
    runId,
    datasetId: data.id,
    model,
    data: { rows, D, source },
    batchSize: evalBatch(config.batch_size, config.dict_size, D),
    step: trainer.step,
    final,
    config: configSummary(config),
    truth: truthOf(data, rows),
  });
  // Only the synthetic built-ins know each row's true number of active features.
  const truth = truthOf(data, rows)?.activeCount;
  if (final)
    post({
      type: 'train-eval',
      rows,
      fvu: result.fvu,
      meanL0: result.meanL0,
      spearmanKHat: result.kHat && truth ? spearman(result.kHat, truth) : null,
      spearmanL0: truth ? spearman(result.l0, truth) : null,
    });
  inspection.publish(result);
}

/**
 * Rows per batch of a run's evaluation. Each row's results do not depend on the batch, but every
 * batch costs a fixed round of uploads and readbacks, so evaluating a million rows at a small
 * training batch is bound by those: batches grow up to 8192 rows while a [batch, max(F, D)]
 * float32 buffer stays within 32 MiB, and never shrink below the training batch (which fits).
 */
export function evalBatch(trainBatch: number, F: number, D: number): number {
  const fits = Math.floor((32 * 2 ** 20) / (4 * Math.max(F, D)) / 64) * 64;
  return Math.max(trainBatch, Math.min(8192, fits));
}

/**
 * The data's ground truth, when its generator is known (the built-in corpora), for its first
 * `rows` rows (all of them by default).
 */
export function truthOf(data: EngineDataset, rows = data.rows) {
  const count = data.activeCount;
  return count && data.dictionary
    ? {
        activeCount: rows < count.length ? Array.prototype.slice.call(count, 0, rows) : count,
        dictionary: data.dictionary,
      }
    : undefined;
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
