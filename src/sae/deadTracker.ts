/**
 * Dead-feature bookkeeping of a training run (spec §4) on the GPU: rows since each feature last
 * fired, this step's dead mask and count (shaders/dead.wgsl), plus the host's upper bound on
 * every counter — the only thing the host knows about them without a readback. While that bound
 * is below the threshold no feature can be dead, so the trainer need not encode the aux-k kernels.
 */
import { createBuffer, readbackU32, upload } from '../gpu/buffers';
import type { KernelContext } from '../gpu/kernels/context';
import { DeadFeatures } from '../gpu/kernels/dead';

export class DeadTracker {
  /** Rows since each feature fired [F] (u32). */
  readonly sinceFired: GPUBuffer;
  /** This step's dead mask [F] (u32 0/1). */
  readonly dead: GPUBuffer;
  /** This step's number of dead features [1] (u32); cleared by {@link clear} each step. */
  readonly deadCount: GPUBuffer;
  /** Upper bound on every counter before the next step (rows). */
  private bound = 0;

  private constructor(
    private readonly ctx: KernelContext,
    private readonly kernel: DeadFeatures,
    readonly B: number,
    readonly F: number,
    readonly threshold: number,
  ) {
    this.sinceFired = createBuffer(ctx.device, 'Trainer.sinceFired', F * 4);
    this.dead = createBuffer(ctx.device, 'Trainer.dead', F * 4);
    this.deadCount = createBuffer(ctx.device, 'Trainer.deadCount', 4);
  }

  /** @param threshold rows without firing after which a feature is dead */
  static async create(
    ctx: KernelContext,
    o: { B: number; F: number; threshold: number },
  ): Promise<DeadTracker> {
    const kernel = await DeadFeatures.create(ctx, { ...o, label: 'Trainer.dead' });
    return new DeadTracker(ctx, kernel, o.B, o.F, o.threshold);
  }

  /**
   * Sets the counters (a restored run); takes effect at the next submit. `bound`: the host's bound
   * as saved with them (default: the largest counter) — a checkpoint keeps it so that a resumed
   * run encodes the aux kernels on exactly the steps the uninterrupted run would.
   */
  restore(sinceFired: ArrayLike<number>, bound?: number): void {
    const since = Uint32Array.from(sinceFired);
    if (since.length !== this.F) throw new Error(`${since.length} counters, F = ${this.F}`);
    upload(this.ctx.device, this.sinceFired, since);
    this.bound = bound ?? since.reduce((a, b) => Math.max(a, b), 0);
  }

  /** The host's upper bound on every counter before the next step (rows). */
  get counterBound(): number {
    return this.bound;
  }

  /**
   * Call once per step before encoding it: whether some counter can reach the threshold after
   * this batch (every counter grows by at most B per step).
   */
  nextStepMayHaveDead(): boolean {
    this.bound += this.B;
    return this.bound >= this.threshold;
  }

  /** Zeroes the dead count; encode before the step's pass. */
  clear(encoder: GPUCommandEncoder): void {
    encoder.clearBuffer(this.deadCount);
  }

  /** Updates the counters, mask and count from the codes f [B, F]. */
  encode(pass: GPUComputePassEncoder, f: GPUBuffer): void {
    const { sinceFired, dead, deadCount } = this;
    this.kernel.encode(pass, { f, sinceFired, dead, deadCount });
  }

  /** The counters (awaits the GPU). */
  read(): Promise<Uint32Array> {
    return readbackU32(this.ctx.device, this.sinceFired, this.F);
  }

  destroy(): void {
    this.kernel.destroy();
    this.sinceFired.destroy();
    this.dead.destroy();
    this.deadCount.destroy();
  }
}
