/** Host class for shaders/axpy.wgsl: y ← alpha·x + y over n elements. */
import code from '../../../shaders/axpy.wgsl?raw';
import { parseUniformLayout, Uniform } from '../uniforms';
import { BindGroupCache, dispatch, dispatch2d, type Buf, type KernelContext } from './context';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 256;

export class Axpy {
  private readonly uniform: Uniform;
  private readonly bindGroups = new BindGroupCache();
  private readonly grid: [number, number];

  private constructor(
    private readonly ctx: KernelContext,
    private readonly pipeline: GPUComputePipeline,
    readonly n: number,
    readonly label: string,
    alpha: number,
  ) {
    this.uniform = new Uniform(ctx.device, PARAMS, `${label}.params`);
    this.grid = dispatch2d(Math.ceil(n / WG));
    this.setAlpha(alpha);
  }

  static async create(ctx: KernelContext, n: number, alpha: number, label = 'Axpy'): Promise<Axpy> {
    const pipeline = await ctx.pipelines.get('Axpy', code, 'axpy', { WG });
    return new Axpy(ctx, pipeline, n, label, alpha);
  }

  setAlpha(alpha: number): void {
    this.uniform.write({ n: this.n, alpha, rowStride: this.grid[0] * WG });
  }

  encode(pass: GPUComputePassEncoder, buffers: { x: Buf; y: Buf }): void {
    const bindGroup = this.bindGroups.get(
      this.ctx.device,
      `${this.label}.bindGroup`,
      this.pipeline.getBindGroupLayout(0),
      [this.uniform.buffer, buffers.x, buffers.y],
    );
    dispatch(pass, this.pipeline, bindGroup, this.grid);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}
