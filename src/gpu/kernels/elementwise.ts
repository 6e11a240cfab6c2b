/**
 * Host class for shaders/elementwise.wgsl over n = rows·D elements:
 *  - `subRow`:    out = (x − v[col]) · scale, v a row vector [D] (normalisation, x − b_dec)
 *  - `subScaled`: out = (x − y) · scale (residuals and ∂ℒ/∂x̂)
 *  - `maskNonzero`: out = y ≠ 0 ? x : 0 (straight-through gradient of a hard top-k)
 *  - `maskNonzeroAdd`: out += y ≠ 0 ? x : 0 (the aux-k gradient added to ∂pre)
 */
import code from '../../../shaders/elementwise.wgsl?raw';
import type { ElementwiseOp } from '../../model/kernelOps';
import { parseUniformLayout } from '../uniforms';
import { SingleKernel } from './kernel';
import { dispatch2d, type Buf, type KernelContext } from './context';

export type { ElementwiseOp };

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 256;

export class Elementwise extends SingleKernel {
  private readonly grid: [number, number];

  private constructor(
    ctx: KernelContext,
    pipeline: GPUComputePipeline,
    readonly op: ElementwiseOp,
    readonly n: number,
    readonly D: number,
    label: string,
    scale: number,
  ) {
    super(ctx, pipeline, PARAMS, label);
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
    this.bindAndDispatch(pass, [b.x, b.y, b.out], this.grid);
  }
}
