/**
 * Shared host plumbing for kernels that run one workgroup per row of a [B, F] matrix (k-estimator,
 * soft top-k, hard top-k): a uniform read from the WGSL `Params` struct, a 2-D grid of B
 * workgroups, and one cached bind group per entry point.
 */
import { Uniform, type UniformLayout } from '../uniforms';
import { BindGroupCache, dispatch, dispatch2d, type Buf, type KernelContext } from './context';

/**
 * Threads per workgroup for a kernel that reduces rows of length n: a power of two with about 64
 * elements per thread, between 32 and 256 (F = 2048 → 32 threads, 16 384 → 256). Every thread pays
 * for each barrier of the tree reductions and radix passes, and on CPU adapters (SwiftShader) a
 * barrier switches between all of the workgroup's fibres: at (D, F, rows) = (128, 2048, 256) the
 * soft top-k search took 2.13 GEMM-eq of a step with 8 elements per thread, 0.56 with 32 and 0.33
 * with 64 (`npm run bench -- --profile`). Consecutive threads still read consecutive entries, so
 * the loads stay coalesced on a GPU; no real GPU has been measured.
 */
export function rowWorkgroupSize(n: number): number {
  const want = Math.ceil(n / 64);
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
