/**
 * SAE training on the GPU (spec §5, §6) for SoftSAE, TopK and BatchTopK, one step per queue
 * submission:
 *   step 0: b_dec ← geometric median of the first normalised batch (CPU, float64, once)
 *   forward (SoftSAE: soft, or hard when step > steps − hard_topk_steps; TopK: top-k per row;
 *   BatchTopK: the k·B largest entries of the batch, θ blended in on the GPU after step 1000) →
 *   dead-feature counters → aux-k term (top-⌊D/2⌋ dead pre-activations reconstruct the residual)
 *   → backward (soft: every tensor; TopK/BatchTopK: straight-through on the kept codes; hard:
 *   decoder and b_dec, plus the encoder through aux) → optimizer (projection, clip, Adam with the
 *   scheduled lr, renormalisation; a non-finite loss or gradient skips the step) → host-side k and
 *   α annealing for the next step.
 * Nothing is read back inside a step: the loss terms, k̂ statistics, dead count, θ and optimizer
 * status are copied to a small ring of staging buffers and reported when they arrive. Whether the
 * aux term is active (some feature dead) is known only on the GPU: its kernels read the dead count,
 * and in the hard phase the optimizer gives the encoder a gradient only when that count is
 * nonzero (the reference's `grad is None` otherwise). The host skips the aux kernels only while no
 * feature can be dead yet: every counter is at most (largest counter at start) + rows trained.
 * The decoder products and ∂W_enc run over the active entries (sparsePath.ts, dense on overflow,
 * chosen on the GPU); the aux-k products are dense GEMMs.
 */
import { readbackF32, upload } from '../gpu/buffers';
import type { KernelContext } from '../gpu/kernels/context';
import type { ThresholdSearch } from '../gpu/kernels/softtopk';
import { LOSS_SCALARS } from '../gpu/kernels/loss';
import { ReadbackRing } from '../gpu/readbackRing';
import type { TrainConfig } from '../model/config';
import type { ParamName } from '../model/params';
import { annealedAlpha, annealedK, BATCHTOPK_THRESHOLD } from '../model/schedules';
import { SaeAux } from './aux';
import { SaeBackward } from './backward';
import { SaeBuffers } from './buffers';
import { DeadTracker } from './deadTracker';
import { SaeForward, type GpuForwardMode } from './forward';
import { decoderBiasInit, writeDecoderBias } from './median';
import { Optimizer, scheduledLr } from './optimizer';
import { readTensors, uploadTensors } from './paramBuffers';
import { decodeStepMetrics, gatherMetrics, METRIC_SLOTS, type StepMetrics } from './stepMetrics';

export type { StepMetrics } from './stepMetrics';

/** Input normalisation x_n = (x − shift)/normFactor (spec §2). */
export interface GpuNormalization {
  normFactor: number;
  shift: Float32Array;
}

/** Training options beyond the reference config. */
export interface TrainerOptions {
  /** Products over the active entries (default true); a number sets the lists' capacity. */
  sparse?: boolean | number;
  /** Soft top-k threshold search (default `select`; the benchmarks compare `newton`). */
  thresholdSearch?: ThresholdSearch;
}

/** Tensors with a gradient in each training mode (the reference's `grad is None` for the others). */
const GRADS: Record<GpuForwardMode, ParamName[] | undefined> = {
  soft: undefined, // all
  hard: ['decoder.weight', 'b_dec'], // + the encoder while aux is active (decided on the GPU)
  topk: ['encoder.weight', 'encoder.bias', 'decoder.weight', 'b_dec'],
  batchtopk: ['encoder.weight', 'encoder.bias', 'decoder.weight', 'b_dec'],
  threshold: [], // inference only
  jumprelu: [], // inference only (imported SAEs)
};
const ENCODER: ParamName[] = ['encoder.weight', 'encoder.bias'];

/** Trainer state beyond the parameters (a checkpoint's, or a test's starting point). */
export interface TrainerRestore {
  /** Index of the next step. */
  step: number;
  /** Rows since each feature fired [F] (default: zeros). */
  sinceFired?: ArrayLike<number>;
  /** BatchTopK θ (default −1: not set yet). */
  threshold?: number;
}

/**
 * Everything a training run holds on the GPU and in the trainer's host state, for a checkpoint:
 * restoring it with {@link GpuTrainer.load} continues the run bit for bit.
 */
export interface TrainerSnapshot {
  /** Index of the next step. */
  step: number;
  params: Record<ParamName, Float32Array>;
  adamM: Record<ParamName, Float32Array>;
  adamV: Record<ParamName, Float32Array>;
  /** Adam step count of each tensor (updates it received). */
  adamSteps: Record<ParamName, number>;
  sinceFired: Uint32Array;
  /** The host's bound on the dead-feature counters (decides when the aux kernels are encoded). */
  deadBound: number;
  /** BatchTopK θ (−1 until set). */
  threshold: number;
  /** Steps skipped so far for a non-finite loss or gradient. */
  skipped: number;
}

export class GpuTrainer {
  /** Index of the next step. */
  step = 0;
  /** Budget k and Laplace scale α the next step uses (annealed after each step). */
  k: number;
  alpha: number;
  private readonly ring: ReadbackRing;
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly ctx: KernelContext,
    readonly config: TrainConfig,
    readonly bufs: SaeBuffers,
    readonly norm: GpuNormalization,
    private readonly fwd: SaeForward,
    private readonly bwd: SaeBackward,
    private readonly aux: SaeAux,
    private readonly dead: DeadTracker,
    private readonly optimizer: Optimizer,
    private readonly onMetrics: (m: StepMetrics) => void,
  ) {
    this.ring = new ReadbackRing(ctx.device, METRIC_SLOTS.count * 4, 'Trainer.metrics');
    // Reference: with annealing, k starts at D and α at 1 (src/reference/sae/train.ts).
    this.k = config.k_anneal_steps ? bufs.D : config.k;
    this.alpha = config.alpha_anneal_steps ? 1 : config.soft_topk_alpha;
  }

  /**
   * @param tensors initial parameters in the reference layout (e.g. `initParams` or an import)
   * @param onMetrics called (asynchronously, in step order) with each step's scalars
   */
  static async create(
    ctx: KernelContext,
    config: TrainConfig,
    D: number,
    tensors: Record<ParamName, ArrayLike<number>>,
    norm: GpuNormalization,
    onMetrics: (m: StepMetrics) => void = () => {},
    options: TrainerOptions = {},
  ): Promise<GpuTrainer> {
    const [F, B] = [config.dict_size, config.batch_size];
    const bufs = new SaeBuffers(ctx.device, D, F, B);
    const fwd = await SaeForward.create(ctx, bufs, {
      arch: config.arch,
      k: config.k_anneal_steps ? D : config.k,
      kMax: config.k_max,
      alpha: config.soft_topk_alpha,
      normFactor: norm.normFactor,
      sparse: options.sparse !== false,
      sparseCapacity: typeof options.sparse === 'number' ? options.sparse : undefined,
      thresholdSearch: options.thresholdSearch,
    });
    const [bwd, aux, dead, optimizer] = await Promise.all([
      SaeBackward.create(ctx, bufs, fwd),
      SaeAux.create(ctx, bufs, config.auxk_alpha),
      DeadTracker.create(ctx, { B, F, threshold: config.dead_feature_threshold }),
      Optimizer.create(ctx, bufs.layout, { label: 'Trainer.optimizer' }),
    ]);
    uploadTensors(ctx.device, bufs.tensors.params, bufs.layout, tensors);
    upload(ctx.device, bufs.shift, norm.shift);
    return new GpuTrainer(ctx, config, bufs, norm, fwd, bwd, aux, dead, optimizer, onMetrics);
  }

  /**
   * Continues from `state` instead of step 0 (parameters are given to {@link create}; Adam
   * moments start at zero): the step index (learning rate, annealing, hard phase, θ start, no
   * median), the dead-feature counters and θ.
   */
  restore(state: TrainerRestore): void {
    const { config, bufs } = this;
    this.dead.restore(state.sinceFired ?? new Array<number>(bufs.F).fill(0));
    bufs.setThreshold(state.threshold ?? -1);
    this.step = state.step;
    const D = bufs.D;
    // k and α as annealed after step − 1 (the reference sets them after each step).
    if (state.step > 0 && config.k_anneal_steps)
      this.k = annealedK(state.step - 1, D, config.k, config.k_anneal_steps);
    if (state.step > 0 && config.alpha_anneal_steps)
      this.alpha = annealedAlpha(state.step - 1, config.soft_topk_alpha, config.alpha_anneal_steps);
  }

  /** The forward mode of step s (the reference's off-by-one kept: step > steps − hard). */
  modeOf(s: number): GpuForwardMode {
    if (this.config.arch !== 'softsae') return this.config.arch;
    const h = this.config.hard_topk_steps;
    return h !== null && h > 0 && s > this.config.steps - h ? 'hard' : 'soft';
  }

  /** Encodes and submits one step on a raw batch x [B, D] (float32, not yet normalised). */
  trainStep(x: Float32Array): void {
    const { device } = this.ctx;
    const { config, bufs } = this;
    const s = this.step;
    if (x.length !== bufs.B * bufs.D)
      throw new Error(`batch has ${x.length} values, expected ${bufs.B}×${bufs.D}`);
    if (s === 0) {
      const xn = x.map((v, i) => (v - this.norm.shift[i % bufs.D]) / this.norm.normFactor);
      writeDecoderBias(device, bufs.tensors.params, bufs.layout, decoderBiasInit(xn, bufs.D));
    }
    upload(device, bufs.ws.x, x);
    const mode = this.modeOf(s);
    this.fwd.setAlpha(this.alpha);
    const updateTheta = mode === 'batchtopk' && s > BATCHTOPK_THRESHOLD.startStep;
    this.fwd.setKTarget(this.k, mode === 'soft' ? config.k_loss_weight : 0, updateTheta);
    const lr = scheduledLr(config, s);
    // Can any counter reach the threshold after this batch? (aux also needs ⌊D/2⌋ ≥ 1.)
    const auxOn = this.dead.nextStepMayHaveDead() && bufs.D >= 2;
    const aux = auxOn ? this.aux : undefined;

    const encoder = device.createCommandEncoder({ label: `Trainer.step${s}` });
    this.dead.clear(encoder);
    const pass = encoder.beginComputePass({ label: 'Trainer.stepPass' });
    this.fwd.encode(pass, mode);
    const w = bufs.ws;
    this.dead.encode(pass, w.f);
    const { dead, deadCount } = this.dead;
    aux?.encodeForward(pass, { dead, deadCount });
    if (mode === 'soft') this.bwd.encodeSoft(pass, aux);
    else if (mode === 'hard') this.bwd.encodeHard(pass, aux);
    else this.bwd.encodeTopK(pass, aux);
    const a = bufs.tensors;
    // Hard phase: the encoder has a gradient only while aux is active, i.e. the dead count ≠ 0.
    const condGrad =
      mode === 'hard' && aux ? { names: ENCODER, flag: deadCount, index: 0 } : undefined;
    this.optimizer.encode(
      pass,
      {
        params: a.params,
        grads: a.grads,
        m: a.adamM,
        v: a.adamV,
        loss: { buffer: w.scalars, index: LOSS_SCALARS.total },
      },
      { lr, hasGrad: GRADS[mode], condGrad },
    );
    pass.end();
    const lists = this.fwd.sparse;
    const threshold = bufs.threshold;
    gatherMetrics(encoder, w.scalars, { deadCount, lists, threshold });
    const pendingScalars = this.ring.copy(encoder, w.scalars);
    const pendingStatus = this.optimizer.copyStatus(encoder);
    device.queue.submit([encoder.finish()]);

    // A step whose staging buffers were all busy goes unreported; a half-granted pair is read
    // anyway so its staging buffer returns to the ring.
    if (!pendingScalars || !pendingStatus) {
      void pendingScalars?.read();
      void pendingStatus?.read();
    } else {
      const info = {
        step: s,
        mode,
        lr,
        arch: config.arch,
        auxEncoded: auxOn,
        denseCodes: lists ? undefined : bufs.B * bufs.F,
      };
      const p = Promise.all([pendingScalars.read(), pendingStatus.read()]).then(([raw, st]) =>
        this.onMetrics(decodeStepMetrics(raw, st, info)),
      );
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }

    // Annealing for the next step (reference: after the update, from this step's index).
    if (config.k_anneal_steps) this.k = annealedK(s, bufs.D, config.k, config.k_anneal_steps);
    if (config.alpha_anneal_steps)
      this.alpha = annealedAlpha(s, config.soft_topk_alpha, config.alpha_anneal_steps);
    this.step = s + 1;
  }

  /** Resolves when every submitted step has finished and reported. */
  async flush(): Promise<void> {
    await this.ctx.device.queue.onSubmittedWorkDone();
    await Promise.all([...this.pending]);
  }

  /** Parameters in the reference layout (awaits the GPU; not for the step loop). */
  async readParams(): Promise<Record<ParamName, Float32Array>> {
    return readTensors(this.ctx.device, this.bufs.tensors.params, this.bufs.layout);
  }

  /** BatchTopK θ (−1 until set): awaits the GPU. */
  async readThreshold(): Promise<number> {
    return (await readbackF32(this.ctx.device, this.bufs.threshold, 1))[0];
  }

  /** Rows since each feature fired [F]: awaits the GPU. */
  readSinceFired(): Promise<Uint32Array> {
    return this.dead.read();
  }

  /** Adam step counts per tensor (updates each received): awaits the GPU. */
  readAdamSteps(): Promise<Record<ParamName, number>> {
    return this.optimizer.readStepCounts();
  }

  /** Adam moments in the reference layout. */
  async readMoments(): Promise<{
    m: Record<ParamName, Float32Array>;
    v: Record<ParamName, Float32Array>;
  }> {
    const { device } = this.ctx;
    const { tensors, layout } = this.bufs;
    const [m, v] = await Promise.all([
      readTensors(device, tensors.adamM, layout),
      readTensors(device, tensors.adamV, layout),
    ]);
    return { m, v };
  }

  /** The whole training state (awaits every submitted step, then reads the GPU). */
  async snapshot(): Promise<TrainerSnapshot> {
    await this.flush();
    const step = this.step;
    const deadBound = this.dead.counterBound;
    const [params, { m, v }, adamSteps, sinceFired, threshold, skipped] = await Promise.all([
      this.readParams(),
      this.readMoments(),
      this.readAdamSteps(),
      this.readSinceFired(),
      this.readThreshold(),
      this.optimizer.readSkipped(),
    ]);
    return {
      step,
      params,
      adamM: m,
      adamV: v,
      adamSteps,
      sinceFired,
      deadBound,
      threshold,
      skipped,
    };
  }

  /** Restores a {@link snapshot} (takes effect at the next submit; no step may be in flight). */
  load(s: TrainerSnapshot): void {
    const { device } = this.ctx;
    const { layout, tensors } = this.bufs;
    uploadTensors(device, tensors.params, layout, s.params);
    uploadTensors(device, tensors.adamM, layout, s.adamM);
    uploadTensors(device, tensors.adamV, layout, s.adamV);
    this.optimizer.setStepCounts(s.adamSteps);
    this.optimizer.setSkipped(s.skipped);
    this.restore({ step: s.step, sinceFired: s.sinceFired, threshold: s.threshold });
    this.dead.restore(s.sinceFired, s.deadBound);
  }

  destroy(): void {
    this.fwd.destroy();
    this.bwd.destroy();
    this.aux.destroy();
    this.dead.destroy();
    this.optimizer.destroy();
    this.ring.destroy();
    this.bufs.destroy();
  }
}
