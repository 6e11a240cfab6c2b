/**
 * Base of the host classes with one entry point: the pipeline, its uniform (layout read from the
 * WGSL `Params` struct) and a cached bind group with the uniform at binding 0 and the buffers
 * after it, in order.
 */
import { Uniform, type UniformLayout } from '../uniforms';
import { BindGroupCache, dispatch, type Buf, type KernelContext } from './context';

export class SingleKernel {
  protected readonly uniform: Uniform;
  private readonly bindGroups = new BindGroupCache();

  constructor(
    protected readonly ctx: KernelContext,
    protected readonly pipeline: GPUComputePipeline,
    layout: UniformLayout,
    readonly label: string,
  ) {
    this.uniform = new Uniform(ctx.device, layout, `${label}.params`);
  }

  /** Binds the uniform and `buffers` (bindings 0, 1, 2, …) and dispatches `grid`. */
  protected bindAndDispatch(
    pass: GPUComputePassEncoder,
    buffers: readonly Buf[],
    grid: readonly [number, number],
  ): void {
    const bg = this.bindGroups.get(
      this.ctx.device,
      `${this.label}.bindGroup`,
      this.pipeline.getBindGroupLayout(0),
      [this.uniform.buffer, ...buffers],
    );
    dispatch(pass, this.pipeline, bg, grid);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}
