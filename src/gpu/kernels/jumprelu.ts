/**
 * Host class for shaders/jumprelu.wgsl: the JumpReLU (and, with θ ≡ 0, ReLU) activation of
 * imported SAEs at inference.
 *   encode: h [B, F] (post-ReLU), θ [F] → f [B, F] = h·1[h > θ_j], l0 [B] (u32 nonzeros per row)
 * Float64 reference: src/reference/sae/jumprelu.ts.
 */
import code from '../../../shaders/jumprelu.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, rowWorkgroupSize, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');

export class JumpRelu extends RowKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly e: EntryPoint,
    readonly F: number,
    B: number,
    label: string,
  ) {
    super(ctx, PARAMS, label, B);
    this.uniform.write({ B, F, rowGridX: this.rowGrid[0], _pad: 0 });
  }

  static async create(
    ctx: KernelContext,
    o: { B: number; F: number; label?: string },
  ): Promise<JumpRelu> {
    const label = o.label ?? 'JumpRelu';
    const WG = rowWorkgroupSize(o.F);
    const e = await RowKernelBase.entry(ctx, 'JumpRelu', code, 'jumpRelu', { WG }, label);
    return new JumpRelu(ctx, e, o.F, o.B, label);
  }

  encode(pass: GPUComputePassEncoder, b: { h: Buf; theta: Buf; f: Buf; l0: Buf }): void {
    this.run(pass, this.e, { 1: b.h, 2: b.theta, 3: b.f, 4: b.l0 }, this.rowGrid);
  }
}
