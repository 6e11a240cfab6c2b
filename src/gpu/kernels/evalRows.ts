/**
 * Host class for shaders/evalrows.wgsl: L0 of dense codes per row, and its running min / max.
 *   encode: f [B, F] → l0 [B] (u32), l0Range [2] (u32 min, max; atomics across batches)
 */
import code from '../../../shaders/evalrows.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { dispatch2d, type Buf, type KernelContext } from './context';
import { RingKernelBase, type RingEntryPoint } from './ringKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;

export class RowL0 extends RingKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly e: RingEntryPoint,
    readonly F: number,
    label: string,
  ) {
    super(ctx, PARAMS, label);
  }

  static async create(ctx: KernelContext, o: { F: number; label?: string }): Promise<RowL0> {
    const label = o.label ?? 'RowL0';
    const e = await RingKernelBase.entry(ctx, 'RowL0', code, 'rowL0', { WG }, label);
    return new RowL0(ctx, e, o.F, label);
  }

  encode(pass: GPUComputePassEncoder, B: number, b: { f: Buf; l0: Buf; l0Range: Buf }): void {
    if (B === 0) return;
    const grid = dispatch2d(B);
    const params = { B, F: this.F, gridX: grid[0] };
    this.run(pass, this.e, params, { 1: b.f, 2: b.l0, 3: b.l0Range }, grid);
  }
}
