/**
 * Shared host plumbing for kernels whose uniform changes per dispatch (the evaluation kernels:
 * B and the row offset differ between batches): parameters go to a {@link UniformRing} slot, and
 * bind groups are cached per (entry point, slot).
 */
import { UniformRing } from '../uniformRing';
import type { UniformLayout } from '../uniforms';
import { BindGroupCache, dispatch, type Buf, type KernelContext } from './context';

export interface RingEntryPoint {
  pipeline: GPUComputePipeline;
  /** One cache per ring slot. */
  bindGroups: BindGroupCache[];
  label: string;
}

export class RingKernelBase {
  protected readonly ring: UniformRing;

  constructor(
    protected readonly ctx: KernelContext,
    layout: UniformLayout,
    readonly label: string,
    slots = 128,
  ) {
    this.ring = new UniformRing(ctx.device, layout, `${label}.params`, slots);
  }

  protected static async entry(
    ctx: KernelContext,
    family: string,
    code: string,
    name: string,
    constants: Record<string, number>,
    label: string,
  ): Promise<RingEntryPoint> {
    const pipeline = await ctx.pipelines.get(family, code, name, constants);
    return { pipeline, bindGroups: [], label: `${label}.${name}` };
  }

  /** Writes `params` to the next ring slot and returns it (for {@link runAt}). */
  protected push(params: Record<string, number>): number {
    return this.ring.push(params);
  }

  /**
   * Writes `params` to the next ring slot, binds it at 0 and `bindings` at their numbers, and
   * dispatches `grid`.
   */
  protected run(
    pass: GPUComputePassEncoder,
    e: RingEntryPoint,
    params: Record<string, number>,
    bindings: Record<number, Buf>,
    grid: readonly [number, number],
  ): void {
    this.runAt(pass, e, this.push(params), bindings, grid);
  }

  /** Dispatches with the uniform of an already written slot (dispatches sharing parameters). */
  protected runAt(
    pass: GPUComputePassEncoder,
    e: RingEntryPoint,
    slot: number,
    bindings: Record<number, Buf>,
    grid: readonly [number, number],
  ): void {
    const numbers = [0, ...Object.keys(bindings).map(Number)];
    const buffers = [this.ring.binding(slot), ...numbers.slice(1).map((n) => bindings[n])];
    const cache = (e.bindGroups[slot] ??= new BindGroupCache());
    const layout = e.pipeline.getBindGroupLayout(0);
    const bg = cache.get(this.ctx.device, `${e.label}.bindGroup`, layout, buffers, numbers);
    dispatch(pass, e.pipeline, bg, grid);
  }

  destroy(): void {
    this.ring.destroy();
  }
}
