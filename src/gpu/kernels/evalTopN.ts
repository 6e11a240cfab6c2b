/**
 * Host class for shaders/evaltopn.wgsl: merges one batch of codes f [B, F] into the per-feature
 * lists of the N most activating rows (value desc, then global row asc).
 *   encode: f, rowOffset → topVal [F, N] (f32), topRow [F, N] (u32); value 0 = empty slot
 */
import code from '../../../shaders/evaltopn.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { dispatch2d, type Buf, type KernelContext } from './context';
import { RingKernelBase, type RingEntryPoint } from './ringKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;
/** MAX_N in the WGSL: the private candidate lists are this long. */
export const TOP_N_MAX = 32;

export class TopRows extends RingKernelBase {
  private readonly grid: [number, number];

  private constructor(
    ctx: KernelContext,
    private readonly e: RingEntryPoint,
    readonly F: number,
    readonly N: number,
    label: string,
  ) {
    super(ctx, PARAMS, label);
    this.grid = dispatch2d(F);
  }

  static async create(
    ctx: KernelContext,
    o: { F: number; N: number; label?: string },
  ): Promise<TopRows> {
    if (!(o.N >= 1 && o.N <= TOP_N_MAX)) throw new Error(`TopRows: N must be in 1…${TOP_N_MAX}`);
    const label = o.label ?? 'TopRows';
    const e = await RingKernelBase.entry(ctx, 'TopRows', code, 'topN', { WG }, label);
    return new TopRows(ctx, e, o.F, o.N, label);
  }

  encode(
    pass: GPUComputePassEncoder,
    B: number,
    rowOffset: number,
    b: { f: Buf; topVal: Buf; topRow: Buf },
  ): void {
    if (rowOffset + B > 0xffffffff) throw new Error(`${this.label}: row index beyond u32`);
    const params = { B, F: this.F, N: this.N, rowOffset, gridX: this.grid[0] };
    this.run(pass, this.e, params, { 1: b.f, 2: b.topVal, 3: b.topRow }, this.grid);
  }
}
