/**
 * Host class for shaders/topk.wgsl: hard top-k of each row of h [B, F], with kk = ⌊k̂[b]⌋ per row
 * (SoftSAE inference / hard phase) or a constant k (TopK baseline).
 *   encode: h [, k̂] → f [B, F] (kept entries of h, others 0), l0 [B] (u32 kept counts)
 */
import code from '../../../shaders/topk.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, rowWorkgroupSize, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');

export type TopKMode = { kind: 'kHat' } | { kind: 'constant'; k: number };

export class RowTopK extends RowKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly entryPoint: EntryPoint,
    readonly F: number,
    B: number,
    readonly mode: TopKMode,
    label: string,
  ) {
    super(ctx, PARAMS, label, B);
    this.setK(mode.kind === 'constant' ? mode.k : 0);
  }

  /** The constant k (TopK; annealed during training). Takes effect at the next submit. */
  setK(k: number): void {
    this.uniform.write({ B: this.B, F: this.F, k, gridX: this.rowGrid[0] });
  }

  static async create(
    ctx: KernelContext,
    o: { B: number; F: number; mode: TopKMode; label?: string },
  ): Promise<RowTopK> {
    const label = o.label ?? 'RowTopK';
    const constants = { WG: rowWorkgroupSize(o.F), K_FROM_KHAT: o.mode.kind === 'kHat' ? 1 : 0 };
    const e = await RowKernelBase.entry(ctx, 'RowTopK', code, 'rowTopK', constants, label);
    return new RowTopK(ctx, e, o.F, o.B, o.mode, label);
  }

  /** `kHat` is required in `kHat` mode and ignored (may be omitted) with a constant k. */
  encode(pass: GPUComputePassEncoder, b: { h: Buf; kHat?: Buf; f: Buf; l0: Buf }): void {
    if (this.mode.kind === 'kHat' && !b.kHat) throw new Error(`${this.label}: k̂ buffer required`);
    // k̂ is bound in both modes: the WGSL names it in a branch the constant mode never takes.
    const kHat = b.kHat ?? this.ctx.empty;
    this.run(pass, this.entryPoint, { 1: b.h, 2: kHat, 3: b.f, 4: b.l0 }, this.rowGrid);
  }
}
