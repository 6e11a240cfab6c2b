/**
 * Host class for shaders/softtopk.wgsl: the Laplace-CDF soft top-k of
 * each row of h [B, F].
 *   encodeForward:  h, k̂ → t [B], f = h ⊙ p [B, F]
 *   encodeBackward: h, t, ∂ℒ/∂f → ∂ℒ/∂pre [B, F] (ReLU mask applied), ∂ℒ/∂k̂ [B]
 * The forward's threshold search is `select` (default: radix-select bracket, then Newton on the
 * few entries near it; softTopKSearchForward) or `newton` (Newton over the whole row from the
 * min/max bracket; softTopKForward), kept for comparison in the benchmarks. `select` refines
 * on one thread when at most SERIAL_MAX entries are candidates and on the whole workgroup
 * otherwise; `select-shared` always takes the workgroup route, so that tests cover both on
 * the same rows.
 */
import code from '../../../shaders/softtopk.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, rowWorkgroupSize, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');

/** How the forward finds each row's threshold (see the module comment). */
export type ThresholdSearch = 'select' | 'select-shared' | 'newton';

/** The stored threshold of a row whose k̂ ≥ F (t = −∞, every p = 1); T_FULL in the WGSL. */
export const SOFT_TOPK_T_FULL = -3.0e38;

export class SoftTopK extends RowKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly fwd: EntryPoint,
    private readonly bwd: EntryPoint,
    readonly F: number,
    B: number,
    alpha: number,
    label: string,
  ) {
    super(ctx, PARAMS, label, B);
    this.setAlpha(alpha);
  }

  static async create(
    ctx: KernelContext,
    o: { B: number; F: number; alpha: number; label?: string; search?: ThresholdSearch },
  ): Promise<SoftTopK> {
    const label = o.label ?? 'SoftTopK';
    const WG = rowWorkgroupSize(o.F);
    const search = o.search ?? 'select';
    // SERIAL_MAX = 0: never refine on one thread.
    const select: Record<string, number> =
      search === 'select-shared' ? { WG, SERIAL_MAX: 0 } : { WG };
    const [fwd, bwd] = await Promise.all([
      search === 'newton'
        ? RowKernelBase.entry(ctx, 'SoftTopK', code, 'softTopKForward', { WG }, label)
        : RowKernelBase.entry(ctx, 'SoftTopK', code, 'softTopKSearchForward', select, label),
      RowKernelBase.entry(ctx, 'SoftTopK', code, 'softTopKBackward', { WG }, label),
    ]);
    return new SoftTopK(ctx, fwd, bwd, o.F, o.B, o.alpha, label);
  }

  /** Sets α (annealed during training); takes effect at the next submit. */
  setAlpha(alpha: number): void {
    this.uniform.write({ B: this.B, F: this.F, alpha, gridX: this.rowGrid[0] });
  }

  encodeForward(pass: GPUComputePassEncoder, b: { h: Buf; kHat: Buf; t: Buf; f: Buf }): void {
    this.run(pass, this.fwd, { 1: b.h, 2: b.kHat, 3: b.t, 4: b.f }, this.rowGrid);
  }

  encodeBackward(
    pass: GPUComputePassEncoder,
    b: { h: Buf; t: Buf; df: Buf; dpre: Buf; dkHat: Buf },
  ): void {
    this.run(pass, this.bwd, { 1: b.h, 3: b.t, 5: b.df, 6: b.dpre, 7: b.dkHat }, this.rowGrid);
  }
}
