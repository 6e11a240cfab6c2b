/**
 * Host class for shaders/topk.wgsl: hard top-k of each row of h [B, F], with kk = ⌊k̂[b]⌋ per row
 * (SoftSAE inference / hard phase), a constant k (TopK baseline), or the aux-k selection
 * (kk = min(k, #dead) among the dead features, both read on the GPU).
 *   encode: h [, k̂ | dead, deadCount] → f [B, F] (kept entries of h, others 0), l0 [B] (u32)
 */
import code from '../../../shaders/topk.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, rowWorkgroupSize, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');

export type TopKMode =
  | { kind: 'kHat' }
  | { kind: 'constant'; k: number }
  /** Aux-k: at most `k` (⌊D/2⌋) per row, only among the features flagged dead. */
  | { kind: 'dead'; k: number };

const K_SOURCE = { constant: 0, kHat: 1, dead: 2 } as const;

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
    this.setK(mode.kind === 'kHat' ? 0 : mode.k);
  }

  /** The constant k (TopK, annealed during training; aux-k's cap). Takes effect at the next submit. */
  setK(k: number): void {
    this.uniform.write({ B: this.B, F: this.F, k, gridX: this.rowGrid[0] });
  }

  static async create(
    ctx: KernelContext,
    o: { B: number; F: number; mode: TopKMode; label?: string },
  ): Promise<RowTopK> {
    const label = o.label ?? 'RowTopK';
    const constants = { WG: rowWorkgroupSize(o.F), K_SOURCE: K_SOURCE[o.mode.kind] };
    const e = await RowKernelBase.entry(ctx, 'RowTopK', code, 'rowTopK', constants, label);
    return new RowTopK(ctx, e, o.F, o.B, o.mode, label);
  }

  /**
   * `kHat` is required in `kHat` mode, `dead` [F] and `deadCount` [1] (u32) in `dead` mode; the
   * others may be omitted.
   */
  encode(
    pass: GPUComputePassEncoder,
    b: { h: Buf; kHat?: Buf; dead?: Buf; deadCount?: Buf; f: Buf; l0: Buf },
  ): void {
    if (this.mode.kind === 'kHat' && !b.kHat) throw new Error(`${this.label}: k̂ buffer required`);
    if (this.mode.kind === 'dead' && !(b.dead && b.deadCount))
      throw new Error(`${this.label}: dead and deadCount buffers required`);
    // Every input is bound in every mode: the WGSL names them in branches other modes never take.
    const e = this.ctx.empty;
    this.run(
      pass,
      this.entryPoint,
      { 1: b.h, 2: b.kHat ?? e, 3: b.f, 4: b.l0, 5: b.dead ?? e, 6: b.deadCount ?? e },
      this.rowGrid,
    );
  }
}
