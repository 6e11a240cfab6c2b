/**
 * The optimizer half of a training step on the parameter tensors (spec §5.4–5.6, 5.8), each in its
 * own buffer (src/sae/paramBuffers.ts), as one sequence of dispatches in the caller's compute pass:
 *
 *   AtomProjection (decoder gradient ⟂ atoms) → GradNorm (partial sums tensor by tensor, then
 *   finalize: one global norm over all tensors, clip scale, non-finite flag, step counts) → Adam
 *   (one dispatch per tensor; clip scale applied, lr from the uniform) → AtomRenorm
 *
 * Nothing is read back inside the step: the clip coefficient, the non-finite flag and the
 * per-tensor Adam step counts live in two small GPU buffers (`status`, `segments`) that the later
 * kernels read. The host learns about the step later, pipelined, with {@link Optimizer.copyStatus}.
 *
 * "No gradient this step" (the reference's missing entry, PyTorch's `grad is None`): the caller
 * lists the tensors that have one; the others are left out of the norm, not updated by Adam, and
 * their step counts stay. A non-finite gradient (or loss) skips the whole step bit for bit:
 * parameters, moments and step counts (reliability case 25).
 *
 * The Adam step counts live on the GPU, not in the uniform: the host cannot know, without a
 * readback inside the loop, whether a step was skipped, and the reference's bias correction
 * depends on how many updates each tensor actually received.
 */
import { ReadbackRing, type PendingRead } from '../gpu/readbackRing';
import { Adam } from '../gpu/kernels/adam';
import { AtomProjection, AtomRenorm } from '../gpu/kernels/atoms';
import type { KernelContext } from '../gpu/kernels/context';
import {
  createSegmentsBuffer,
  createStatusBuffer,
  decodeStatus,
  GradNorm,
  packSegments,
  segmentMask,
  SEGMENT_LAYOUT,
  STATUS_LAYOUT,
  unpackSegmentSteps,
  type OptimStatus,
  type Segment,
} from '../gpu/kernels/gradnorm';
import { readbackBytes, upload } from '../gpu/buffers';
import { packUniform } from '../gpu/uniforms';
import type { TrainConfig } from '../model/config';
import { PARAM_NAMES, type ParamName } from '../model/params';
import { ADAM, CLIP_NORM, lrFactor, RENORM_EPS } from '../model/schedules';
import type { ArenaLayout } from './arena';
import { tensorList, type TensorSet } from './paramBuffers';

/** ŵ_j = w_j/(‖w_j‖ + 1e-6): the epsilon hard-coded in the reference's projectDecoderGrad. */
export const PROJECTION_EPS = 1e-6;

/** The learning rate of step `step` (0-based): the reference schedule, evaluated in float64. */
export function scheduledLr(config: TrainConfig, step: number): number {
  return config.lr * lrFactor(step, config.steps, config.warmup_steps, config.decay_start);
}

/** Bit set over PARAM_NAMES (the segment order) of the tensors that have a gradient. */
export function gradMask(names: Iterable<ParamName>): number {
  return segmentMask([...names].map((n) => PARAM_NAMES.indexOf(n)));
}

/** The tensors as segments (their sizes in floats), in PARAM_NAMES order. */
export function tensorSegments(layout: ArenaLayout): Segment[] {
  return PARAM_NAMES.map((n) => ({ size: layout.entries[n].size }));
}

/** The four sets of tensor buffers (src/sae/paramBuffers.ts). */
export interface OptimizerBuffers {
  params: TensorSet;
  grads: TensorSet;
  /** Adam first and second moments. */
  m: TensorSet;
  v: TensorSet;
  /** Optional: a loss scalar at float `index` of `buffer`; non-finite there skips the step. */
  loss?: { buffer: GPUBuffer; index: number };
}

export interface OptimizerStep {
  /** Learning rate for this step, e.g. {@link scheduledLr}(config, step). */
  lr: number;
  /** Tensors with a gradient this step (default: all). */
  hasGrad?: Iterable<ParamName>;
  /**
   * Tensors that have a gradient this step only if the u32 at `index` (default 0) of `flag` is
   * nonzero when the optimizer runs — decided on the GPU, e.g. the hard phase's encoder, which
   * learns only while the aux-k term is active (flag: the dead-feature count).
   */
  condGrad?: { names: Iterable<ParamName>; flag: GPUBuffer; index?: number };
}

export interface OptimizerOptions {
  /** Global-norm clip threshold (default CLIP_NORM = 1). */
  maxNorm?: number;
  label?: string;
}

/** The status of one step, read back later. */
export interface PendingStatus {
  read(): Promise<OptimStatus>;
}

export class Optimizer {
  /** `OptimStatus`: clip scale, norm, non-finite flag and skipped-step count of the last step. */
  readonly status: GPUBuffer;
  /** `array<Segment>`: each tensor's offset, size and Adam step count. */
  readonly segments: GPUBuffer;
  private readonly ring: ReadbackRing;

  private constructor(
    private readonly ctx: KernelContext,
    readonly layout: ArenaLayout,
    private readonly project: AtomProjection,
    private readonly norm: GradNorm,
    private readonly adam: Adam,
    private readonly renorm: AtomRenorm,
    readonly label: string,
  ) {
    const { device } = ctx;
    this.status = createStatusBuffer(device, `${label}.status`);
    this.segments = createSegmentsBuffer(device, `${label}.segments`, tensorSegments(layout));
    this.ring = new ReadbackRing(device, STATUS_LAYOUT.size, `${label}.statusReadback`);
  }

  static async create(
    ctx: KernelContext,
    layout: ArenaLayout,
    options: OptimizerOptions = {},
  ): Promise<Optimizer> {
    const label = options.label ?? 'Optimizer';
    const { D, F } = layout;
    const segments = tensorSegments(layout);
    const [project, norm, adam, renorm] = await Promise.all([
      AtomProjection.create(ctx, { D, F, eps: PROJECTION_EPS, label: `${label}.project` }),
      GradNorm.create(ctx, {
        segments,
        maxNorm: options.maxNorm ?? CLIP_NORM,
        label: `${label}.norm`,
      }),
      Adam.create(ctx, { segments, hyper: ADAM, label: `${label}.adam` }),
      AtomRenorm.create(ctx, { D, F, eps: RENORM_EPS, label: `${label}.renorm` }),
    ]);
    return new Optimizer(ctx, layout, project, norm, adam, renorm, label);
  }

  /**
   * Writes this step's scalars to the uniforms and encodes projection → norm/clip → Adam →
   * renormalisation into `pass`. The uniform writes take effect at the next queue submit, so
   * submit each step's pass before encoding the next step.
   */
  encode(pass: GPUComputePassEncoder, buffers: OptimizerBuffers, step: OptimizerStep): void {
    if (!(step.lr >= 0 && Number.isFinite(step.lr)))
      throw new Error(`Optimizer: bad lr ${step.lr}`);
    const mask = gradMask(step.hasGrad ?? PARAM_NAMES);
    const c = step.condGrad;
    const cond = c ? { mask: gradMask(c.names) & ~mask, index: c.index ?? 0 } : undefined;
    this.norm.setStep(mask, buffers.loss?.index, cond);
    this.adam.setStep(step.lr, mask, cond);
    const [params, grads, m, v] = [buffers.params, buffers.grads, buffers.m, buffers.v].map(
      tensorList,
    );
    const { status, segments } = this;
    const dec = 'decoder.weight';
    // The projection only rewrites the decoder's gradient: harmless when it turns out to have none.
    if ((mask | (cond?.mask ?? 0)) & (1 << PARAM_NAMES.indexOf(dec)))
      this.project.encode(pass, { params: buffers.params[dec], grads: buffers.grads[dec] });
    const flag = c?.flag;
    this.norm.encode(pass, { grads, segments, status, loss: buffers.loss?.buffer, cond: flag });
    this.adam.encode(pass, { status, segments, params, grads, m, v, cond: flag });
    this.renorm.encode(pass, { params: buffers.params[dec], status });
  }

  /**
   * Encodes a copy of the status into a staging buffer (after the step's pass); call `read()` on
   * the result after submitting. Null when earlier reads are still pending (that step goes
   * unreported; `skipped` in a later status still counts it).
   */
  copyStatus(encoder: GPUCommandEncoder): PendingStatus | null {
    const pending: PendingRead | null = this.ring.copy(encoder, this.status);
    if (!pending) return null;
    return { read: async () => decodeStatus(await pending.read()) };
  }

  /** Adam step counts per tensor (for checkpoints; awaits the GPU, not for the step loop). */
  async readStepCounts(): Promise<Record<ParamName, number>> {
    const n = PARAM_NAMES.length;
    const bytes = await readbackBytes(this.ctx.device, this.segments, n * SEGMENT_LAYOUT.size);
    const steps = unpackSegmentSteps(bytes, n);
    return Object.fromEntries(PARAM_NAMES.map((name, i) => [name, steps[i]])) as Record<
      ParamName,
      number
    >;
  }

  /** Sets the count of skipped steps (restoring a checkpoint); the rest of the status is reset. */
  setSkipped(skipped: number): void {
    const values = { scale: 0, norm: 0, nonFinite: 0, skipped };
    upload(this.ctx.device, this.status, new Uint32Array(packUniform(STATUS_LAYOUT, values)));
  }

  /** Steps skipped so far (awaits the GPU). */
  async readSkipped(): Promise<number> {
    return decodeStatus(await readbackBytes(this.ctx.device, this.status, STATUS_LAYOUT.size))
      .skipped;
  }

  /** Sets the Adam step counts (restoring a checkpoint). */
  setStepCounts(counts: Record<ParamName, number>): void {
    const steps = PARAM_NAMES.map((n) => counts[n]);
    upload(this.ctx.device, this.segments, packSegments(tensorSegments(this.layout), steps));
  }

  destroy(): void {
    for (const k of [this.project, this.norm, this.adam, this.renorm]) k.destroy();
    this.status.destroy();
    this.segments.destroy();
    this.ring.destroy();
  }
}
