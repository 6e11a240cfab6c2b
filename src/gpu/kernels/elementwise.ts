/**
 * Host class for shaders/elementwise.wgsl over n = rows·D elements:
 *  - `subRow`:    out = (x − v[col]) · scale, v a row vector [D] (normalisation, x − b_dec)
 *  - `subScaled`: out = (x − y) · scale (residuals and ∂ℒ/∂x̂)
 *  - `maskNonzero`: out = y ≠ 0 ? x : 0 (straight-through gradient of a hard top-k)
 */
import code from '../../../shaders/elementwise.wgsl?raw';
import { parseUniformLayout, Uniform } from '../uniforms';
import { BindGroupCache, dispatch, dispatch2d, type Buf, type KernelContext } from './context';

export type ElementwiseOp = 'subRow' | 'subScaled' | 'maskNonzero';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 256;

export class Elementwise {
  private readonly uniform: Uniform;
  private readonly bindGroups = new BindGroupCache();
  private readonly grid: [number, number];

  private constructor(
    private readonly ctx: KernelContext,
    private readonly pipeline: GPUComputePipeline,
    readonly op: ElementwiseOp,
    readonly n: number,
    readonly D: number,
    readonly label: string,
    scale: number,
  ) {
    this.uniform = new Uniform(ctx.device, PARAMS, `${label}.params`);
    this.grid = dispatch2d(Math.ceil(n / WG));
    this.setScale(scale);
  }

  /**
   * @param n  elements (rows·D)
   * @param D  row length (the broadcast vector's length for `subRow`)
   */
  static async create(
    ctx: KernelContext,
    op: ElementwiseOp,
    n: number,
    D: number,
    scale = 1,
    label = `Elementwise.${op}`,
  ): Promise<Elementwise> {
    const pipeline = await ctx.pipelines.get('Elementwise', code, op, { WG });
    return new Elementwise(ctx, pipeline, op, n, D, label, scale);
  }

  setScale(scale: number): void {
    this.uniform.write({ n: this.n, D: this.D, scale, rowStride: this.grid[0] * WG });
  }

  /** `y` is the row vector v [D] for `subRow`, the second operand [n] for `subScaled`. */
  encode(pass: GPUComputePassEncoder, b: { x: Buf; y: Buf; out: Buf }): void {
    const bindGroup = this.bindGroups.get(
      this.ctx.device,
      `${this.label}.bindGroup`,
      this.pipeline.getBindGroupLayout(0),
      [this.uniform.buffer, b.x, b.y, b.out],
    );
    dispatch(pass, this.pipeline, bindGroup, this.grid);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}
