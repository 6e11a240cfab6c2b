// GPU training steps from a given state, for comparison with the float64 reference trainer.
import { resolveConfig, type TrainConfigInput } from '../../src/model/config';
import { PARAM_NAMES, type ParamName } from '../../src/model/params';
import { GpuTrainer, type StepMetrics, type TrainerRestore } from '../../src/sae/trainer';
import type { HarnessCheck } from './env';

export interface TrainStepsArg {
  config: TrainConfigInput;
  D: number;
  /** Initial parameters, reference layout. */
  tensors: Record<ParamName, number[]>;
  normFactor: number;
  shift: number[];
  /** Raw batches, one per step. */
  batches: number[][];
  /** Read parameters and moments after these step counts (1 = after the first step). */
  snapshots: number[];
  /** GpuTrainer's `sparse` option (default: sparse products with the default capacity). */
  sparse?: boolean | number;
  /** Start from this step, dead-feature counters and θ instead of step 0. */
  restore?: TrainerRestore & { sinceFired?: number[] };
}

export interface TrainSnapshot {
  after: number;
  params: Record<ParamName, number[]>;
  m: Record<ParamName, number[]>;
  v: Record<ParamName, number[]>;
  adamSteps: Record<ParamName, number>;
  sinceFired: number[];
  threshold: number;
}

const plain = (r: Record<ParamName, Float32Array>) =>
  Object.fromEntries(PARAM_NAMES.map((n) => [n, [...r[n]]])) as Record<ParamName, number[]>;

export const checks: Record<string, HarnessCheck> = {
  async trainSteps(env, a: TrainStepsArg) {
    const config = resolveConfig(a.config, a.D);
    const metrics: StepMetrics[] = [];
    const trainer = await GpuTrainer.create(
      env.ctx,
      config,
      a.D,
      a.tensors,
      { normFactor: a.normFactor, shift: Float32Array.from(a.shift) },
      (m) => metrics.push(m),
      { sparse: a.sparse },
    );
    const snapshots: TrainSnapshot[] = [];
    const first = trainer.step;
    try {
      if (a.restore) trainer.restore(a.restore);
      for (const batch of a.batches) {
        trainer.trainStep(Float32Array.from(batch));
        if (a.snapshots.includes(trainer.step - (a.restore?.step ?? first))) {
          await trainer.flush();
          const { m, v } = await trainer.readMoments();
          snapshots.push({
            after: trainer.step - (a.restore?.step ?? first),
            params: plain(await trainer.readParams()),
            m: plain(m),
            v: plain(v),
            adamSteps: await trainer.readAdamSteps(),
            sinceFired: [...(await trainer.readSinceFired())],
            threshold: await trainer.readThreshold(),
          });
        }
      }
      await trainer.flush();
      return { snapshots, metrics };
    } finally {
      trainer.destroy();
    }
  },
};
