/**
 * Host class for shaders/gate.wgsl: chooses, on the GPU and inside one pass, which of two
 * equivalent ways of computing a product runs, from a flag another kernel wrote (e.g. the
 * overflow flag of the sparse lists: sparse products when the lists are complete, the dense
 * GEMMs when they overflowed). No readback, so the choice is right in the very step it is made.
 *
 * Per step: `encode(pass, status)` first (after the flag is written), then the kernels of each
 * side inside `when(set, () => …)`. Their dispatches become indirect; each takes the next slot,
 * so the slots must be requested in the same order every step (the grids are static).
 */
import code from '../../../shaders/gate.wgsl?raw';
import { createBuffer } from '../buffers';
import { parseUniformLayout } from '../uniforms';
import { type Buf, type IndirectSlot, type KernelContext, withDispatchGate } from './context';
import { SingleKernel } from './kernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;

export class DispatchGate extends SingleKernel {
  /** Indirect arguments [maxSlots, 3], rewritten by the gate kernel each step. */
  readonly args: GPUBuffer;
  private readonly grids: GPUBuffer;
  /** Host copy of the registered slots: gx, gy, gz, runWhenSet. */
  private readonly slots: number[][] = [];
  private cursor = 0;

  private constructor(
    ctx: KernelContext,
    pipeline: GPUComputePipeline,
    readonly maxSlots: number,
    private readonly flagIndex: number,
    label: string,
  ) {
    super(ctx, pipeline, PARAMS, label);
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.INDIRECT | GPUBufferUsage.COPY_SRC;
    this.args = createBuffer(ctx.device, `${label}.args`, maxSlots * 12, usage);
    this.grids = createBuffer(ctx.device, `${label}.grids`, maxSlots * 16);
    this.uniform.write({ count: 0, flagIndex });
  }

  /** @param flagIndex index of the flag in the status buffer (2 = overflow of the sparse lists) */
  static async create(
    ctx: KernelContext,
    o: { maxSlots: number; flagIndex: number; label?: string },
  ): Promise<DispatchGate> {
    const label = o.label ?? 'DispatchGate';
    const pipeline = await ctx.pipelines.get('DispatchGate', code, 'gate', {});
    return new DispatchGate(ctx, pipeline, o.maxSlots, o.flagIndex, label);
  }

  /** Writes this step's indirect arguments from `status[flagIndex]`; call before {@link when}. */
  encode(pass: GPUComputePassEncoder, status: Buf): void {
    this.cursor = 0;
    this.bindAndDispatch(pass, [status, this.grids, this.args], [Math.ceil(this.maxSlots / WG), 1]);
  }

  /** Encodes `encode`'s dispatches so that they run only while the flag is `set` (or clear). */
  when(set: boolean, encode: () => void): void {
    withDispatchGate((grid) => this.slot(grid, set), encode);
  }

  private slot(grid: [number, number, number], set: boolean): IndirectSlot {
    const i = this.cursor++;
    if (i >= this.maxSlots) throw new Error(`${this.label}: more than ${this.maxSlots} dispatches`);
    const entry = [...grid, set ? 1 : 0];
    const old = this.slots[i];
    if (!old || old.some((v, c) => v !== entry[c])) {
      // Queue writes land before the submit that carries this step, so the gate sees them.
      this.slots[i] = entry;
      this.ctx.device.queue.writeBuffer(this.grids, i * 16, new Uint32Array(entry));
      this.uniform.write({ count: this.slots.length, flagIndex: this.flagIndex });
    }
    return { buffer: this.args, offset: i * 12 };
  }

  override destroy(): void {
    super.destroy();
    this.args.destroy();
    this.grids.destroy();
  }
}
