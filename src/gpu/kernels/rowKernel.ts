/**
 * Shared host plumbing for kernels that run one workgroup per row of a [B, F] matrix (k-estimator,
 * soft top-k, hard top-k): a uniform read from the WGSL `Params` struct, a 2-D grid of B
 * workgroups, and one cached bind group per entry point.
 */
import { Uniform, type UniformLayout } from '../uniforms';
import { BindGroupCache, dispatch, dispatch2d, type Buf, type KernelContext } from './context';

/**
 * Threads per workgroup for a kernel that reduces rows of length n: a power of two with about 8
 * elements per thread, between 32 and 256. Short rows get small workgroups: every idle thread
 * still pays for each barrier of the tree reductions (on CPU adapters such as SwiftShader, each
 * barrier switches between all of the workgroup's fibres).
 */
export function rowWorkgroupSize(n: number): number {
  const want = Math.ceil(n / 8);
  let wg = 32;
  while (wg < want && wg < 256) wg *= 2;
  return wg;
}

export interface EntryPoint {
  pipeline: GPUComputePipeline;
  bindGroups: BindGroupCache;
  label: string;
}

export class RowKernelBase {
  protected readonly uniform: Uniform;
  /** Workgroup grid for one workgroup per row. */
  readonly rowGrid: [number, number];

  constructor(
    protected readonly ctx: KernelContext,
    layout: UniformLayout,
    readonly label: string,
    readonly B: number,
  ) {
    this.uniform = new Uniform(ctx.device, layout, `${label}.params`);
    this.rowGrid = dispatch2d(B);
  }

  protected static async entry(
    ctx: KernelContext,
    family: string,
    code: string,
    name: string,
    constants: Record<string, number>,
    label: string,
  ): Promise<EntryPoint> {
    const pipeline = await ctx.pipelines.get(family, code, name, constants);
    return { pipeline, bindGroups: new BindGroupCache(), label: `${label}.${name}` };
  }

  /** Binds `buffers` at their binding numbers (0 is the uniform) and dispatches `grid`. */
  protected run(
    pass: GPUComputePassEncoder,
    e: EntryPoint,
    bindings: Record<number, Buf>,
    grid: readonly [number, number],
  ): void {
    const numbers = [0, ...Object.keys(bindings).map(Number)];
    const buffers = [this.uniform.buffer, ...numbers.slice(1).map((n) => bindings[n])];
    const layout = e.pipeline.getBindGroupLayout(0);
    const bg = e.bindGroups.get(this.ctx.device, `${e.label}.bindGroup`, layout, buffers, numbers);
    dispatch(pass, e.pipeline, bg, grid);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}
