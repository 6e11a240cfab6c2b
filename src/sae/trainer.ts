/**
 * SoftSAE training on the GPU (spec §5), one step per queue submission:
 *   step 0: b_dec ← geometric median of the first normalised batch (CPU, float64, once)
 *   forward (soft, or hard when step > steps − hard_topk_steps) → dead-feature counters →
 *   backward (soft: every tensor; hard: decoder and b_dec) → optimizer (projection, clip, Adam
 *   with the scheduled lr, renormalisation; a non-finite loss or gradient skips the step) →
 *   host-side k and α annealing for the next step.
 * Nothing is read back inside a step: the loss terms, k̂ statistics, dead count and optimizer
 * status are copied to a small ring of staging buffers and reported when they arrive.
 *
 * TopK runs on the same kernels (straight-through gradient on the kept codes, no k-estimator).
 * Not yet on the GPU: the aux-k term (dead features only exist after dead_feature_threshold rows)
 * and BatchTopK — see the README's status section.
 */
import { readbackF32, upload } from '../gpu/buffers';
import type { KernelContext } from '../gpu/kernels/context';
import { DeadFeatures } from '../gpu/kernels/dead';
import { LOSS_SCALARS } from '../gpu/kernels/loss';
import { ReadbackRing } from '../gpu/readbackRing';
import type { TrainConfig } from '../reference/sae/config';
import { annealedAlpha, annealedK } from '../reference/sae/optim';
import type { ParamName } from '../reference/sae/params';
import { packArena, unpackArena } from './arena';
import { SaeBackward } from './backward';
import { SaeBuffers } from './buffers';
import { SaeForward, type GpuForwardMode } from './forward';
import { decoderBiasInit, writeDecoderBias } from './median';
import { Optimizer, scheduledLr } from './optimizer';

/** Input normalisation x_n = (x − shift)/normFactor (spec §2). */
export interface GpuNormalization {
  normFactor: number;
  shift: Float32Array;
}

/** What one step reports once its scalars arrive from the GPU. */
export interface StepMetrics {
  step: number;
  mode: GpuForwardMode;
  lr: number;
  l2: number;
  kLoss: number;
  loss: number;
  kMean: number;
  kMin: number;
  kMax: number;
  deadCount: number;
  gradNorm: number;
  /** Steps skipped so far for a non-finite loss or gradient. */
  skipped: number;
  nonFinite: boolean;
  /** Nonzero codes in the batch (B·F when the products are dense by choice). */
  activeCodes: number;
  /** The decoder products ran over the active codes (false: dense, by choice or on overflow). */
  sparse: boolean;
}

/** Training options beyond the reference config. */
export interface TrainerOptions {
  /** Products over the active entries (default true); a number sets the lists' capacity. */
  sparse?: boolean | number;
}

/** Tensors with a gradient in each mode (the reference's `grad is None` for the others). */
const GRADS: Record<GpuForwardMode, ParamName[] | undefined> = {
  soft: undefined, // all
  hard: ['decoder.weight', 'b_dec'],
  topk: ['encoder.weight', 'encoder.bias', 'decoder.weight', 'b_dec'],
};

export class GpuTrainer {
  /** Index of the next step. */
  step = 0;
  /** Budget k and Laplace scale α the next step uses (annealed after each step). */
  k: number;
  alpha: number;
  private readonly sinceFired: GPUBuffer;
  private readonly dead: GPUBuffer;
  private readonly deadCount: GPUBuffer;
  private readonly ring: ReadbackRing;
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    private readonly ctx: KernelContext,
    readonly config: TrainConfig,
    readonly bufs: SaeBuffers,
    readonly norm: GpuNormalization,
    private readonly fwd: SaeForward,
    private readonly bwd: SaeBackward,
    private readonly deadKernel: DeadFeatures,
    private readonly optimizer: Optimizer,
    private readonly onMetrics: (m: StepMetrics) => void,
  ) {
    const { device } = ctx;
    const F = bufs.F;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.sinceFired = device.createBuffer({ label: 'Trainer.sinceFired', size: F * 4, usage });
    this.dead = device.createBuffer({ label: 'Trainer.dead', size: F * 4, usage });
    this.deadCount = device.createBuffer({ label: 'Trainer.deadCount', size: 4, usage });
    this.ring = new ReadbackRing(device, 12 * 4, 'Trainer.metrics');
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
    if (config.arch === 'batchtopk')
      throw new Error('GPU training of BatchTopK is not implemented yet (SoftSAE and TopK are)');
    const bufs = new SaeBuffers(ctx.device, D, config.dict_size, config.batch_size);
    const fwd = await SaeForward.create(ctx, bufs, {
      arch: config.arch,
      k: config.k_anneal_steps ? D : config.k,
      kMax: config.k_max,
      alpha: config.soft_topk_alpha,
      normFactor: norm.normFactor,
      sparse: options.sparse !== false,
      sparseCapacity: typeof options.sparse === 'number' ? options.sparse : undefined,
    });
    const [bwd, deadKernel, optimizer] = await Promise.all([
      SaeBackward.create(ctx, bufs, fwd),
      DeadFeatures.create(ctx, {
        B: bufs.B,
        F: bufs.F,
        threshold: config.dead_feature_threshold,
        label: 'Trainer.dead',
      }),
      Optimizer.create(ctx, bufs.layout, { label: 'Trainer.optimizer' }),
    ]);
    upload(ctx.device, bufs.arenas.params, packArena(bufs.layout, tensors));
    upload(ctx.device, bufs.shift, norm.shift);
    return new GpuTrainer(ctx, config, bufs, norm, fwd, bwd, deadKernel, optimizer, onMetrics);
  }

  /** The forward mode of step s (the reference's off-by-one kept: step > steps − hard). */
  modeOf(s: number): GpuForwardMode {
    if (this.config.arch === 'topk') return 'topk';
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
      writeDecoderBias(device, bufs.arenas.params, bufs.layout, decoderBiasInit(xn, bufs.D));
    }
    upload(device, bufs.ws.x, x);
    const mode = this.modeOf(s);
    this.fwd.setAlpha(this.alpha);
    this.fwd.setKTarget(this.k, mode === 'soft' ? config.k_loss_weight : 0);
    const lr = scheduledLr(config, s);

    const encoder = device.createCommandEncoder({ label: `Trainer.step${s}` });
    encoder.clearBuffer(this.deadCount);
    const pass = encoder.beginComputePass({ label: 'Trainer.stepPass' });
    this.fwd.encode(pass, mode);
    const w = bufs.ws;
    this.deadKernel.encode(pass, {
      f: w.f,
      sinceFired: this.sinceFired,
      dead: this.dead,
      deadCount: this.deadCount,
    });
    if (mode === 'soft') this.bwd.encodeSoft(pass);
    else if (mode === 'hard') this.bwd.encodeHard(pass);
    else this.bwd.encodeTopK(pass);
    const a = bufs.arenas;
    this.optimizer.encode(
      pass,
      {
        params: a.params,
        grads: a.grads,
        m: a.adamM,
        v: a.adamV,
        loss: { buffer: w.scalars, index: LOSS_SCALARS.total },
      },
      { lr, hasGrad: GRADS[mode] },
    );
    pass.end();
    // Metrics: 6 loss scalars, the dead count and the code lists' status, copied next to each
    // other in one staging buffer.
    encoder.copyBufferToBuffer(this.deadCount, 0, w.scalars, 24, 4);
    const lists = this.fwd.sparse;
    if (lists) encoder.copyBufferToBuffer(lists.codeStatus, 0, w.scalars, 32, 16);
    const pendingScalars = this.ring.copy(encoder, w.scalars);
    const pendingStatus = this.optimizer.copyStatus(encoder);
    device.queue.submit([encoder.finish()]);

    // A step whose staging buffers were all busy goes unreported; a half-granted pair is read
    // anyway so its staging buffer returns to the ring.
    if (!pendingScalars || !pendingStatus) {
      void pendingScalars?.read();
      void pendingStatus?.read();
    } else {
      const p = Promise.all([pendingScalars.read(), pendingStatus.read()]).then(([raw, st]) => {
        const f = new Float32Array(raw);
        const deadCount = new Uint32Array(raw, 24, 1)[0];
        const [active, , overflow] = new Uint32Array(raw, 32, 4);
        this.onMetrics({
          step: s,
          mode,
          lr,
          l2: f[LOSS_SCALARS.l2],
          kLoss: f[LOSS_SCALARS.kLoss],
          loss: f[LOSS_SCALARS.total],
          kMean: f[LOSS_SCALARS.kMean],
          kMin: f[LOSS_SCALARS.kMin],
          kMax: f[LOSS_SCALARS.kMax],
          deadCount,
          gradNorm: st.norm,
          skipped: st.skipped,
          nonFinite: st.nonFinite,
          activeCodes: lists ? active : bufs.B * bufs.F,
          sparse: lists !== null && overflow === 0,
        });
      });
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
    const arena = await readbackF32(
      this.ctx.device,
      this.bufs.arenas.params,
      this.bufs.layout.size,
    );
    return unpackArena(this.bufs.layout, arena);
  }

  /** Adam moments in the reference layout. */
  async readMoments(): Promise<{
    m: Record<ParamName, Float32Array>;
    v: Record<ParamName, Float32Array>;
  }> {
    const { device } = this.ctx;
    const n = this.bufs.layout.size;
    const m = unpackArena(this.bufs.layout, await readbackF32(device, this.bufs.arenas.adamM, n));
    const v = unpackArena(this.bufs.layout, await readbackF32(device, this.bufs.arenas.adamV, n));
    return { m, v };
  }

  destroy(): void {
    this.fwd.destroy();
    this.bwd.destroy();
    this.deadKernel.destroy();
    this.optimizer.destroy();
    this.ring.destroy();
    this.sinceFired.destroy();
    this.dead.destroy();
    this.deadCount.destroy();
    this.bufs.destroy();
  }
}
