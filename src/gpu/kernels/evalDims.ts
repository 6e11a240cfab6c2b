/**
 * Host class for shaders/evaldims.wgsl: per-dimension centred moments of xn and of the residual
 * e = xn − x̂, merged batch by batch with Chan's parallel formula (for the FVU).
 *   encode: xn [B, D], x̂ [B, D] → acc [D] × (n: u32, mean_x, M2_x, mean_e, M2_e: f32)
 */
import code from '../../../shaders/evaldims.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RingKernelBase, type RingEntryPoint } from './ringKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const COLS = 64;
const LANES = 4;
/** 4-byte fields per dimension in the accumulator (struct DimAcc). */
export const DIM_ACC_FIELDS = 5;

export class DimMoments extends RingKernelBase {
  private readonly grid: [number, number];

  private constructor(
    ctx: KernelContext,
    private readonly e: RingEntryPoint,
    readonly D: number,
    label: string,
  ) {
    super(ctx, PARAMS, label);
    this.grid = [Math.ceil(D / COLS), 1];
  }

  static async create(ctx: KernelContext, o: { D: number; label?: string }): Promise<DimMoments> {
    const label = o.label ?? 'DimMoments';
    const e = await RingKernelBase.entry(
      ctx,
      'DimMoments',
      code,
      'dimMoments',
      { COLS, LANES },
      label,
    );
    return new DimMoments(ctx, e, o.D, label);
  }

  encode(pass: GPUComputePassEncoder, B: number, b: { xn: Buf; xHat: Buf; acc: Buf }): void {
    if (B === 0) return;
    this.run(pass, this.e, { B, D: this.D }, { 1: b.xn, 2: b.xHat, 3: b.acc }, this.grid);
  }
}
