/** Host class for shaders/axpy.wgsl: y ← alpha·x + y over n elements. */
import code from '../../../shaders/axpy.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { SingleKernel } from './kernel';
import { dispatch2d, type Buf, type KernelContext } from './context';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 256;

export class Axpy extends SingleKernel {
  private readonly grid: [number, number];

  private constructor(
    ctx: KernelContext,
    pipeline: GPUComputePipeline,
    readonly n: number,
    label: string,
    alpha: number,
  ) {
    super(ctx, pipeline, PARAMS, label);
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
    this.bindAndDispatch(pass, [buffers.x, buffers.y], this.grid);
  }
}
