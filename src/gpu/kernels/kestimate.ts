/**
 * Host class for shaders/kestimate.wgsl: the k-estimator head after its hidden layer.
 *   encodeForward:  z [B,F], w₂ [F], b₂ [1] → k̂ [B], σ [B]
 *   encodeBackward: ∂ℒ/∂k̂ [B] (per row) + the shared k-loss term [1] → ∂s [B], ∂z [B,F]
 */
import code from '../../../shaders/kestimate.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { dispatch2d, type Buf, type KernelContext } from './context';
import { RowKernelBase, rowWorkgroupSize, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');
/** Threads per workgroup of the elementwise backward. */
const WG = 256;

export class KEstimate extends RowKernelBase {
  private readonly elemGrid: [number, number];

  private constructor(
    ctx: KernelContext,
    private readonly fwd: EntryPoint,
    private readonly bwd: EntryPoint,
    readonly F: number,
    B: number,
    kMax: number,
    label: string,
  ) {
    super(ctx, PARAMS, label, B);
    this.elemGrid = dispatch2d(Math.ceil((B * F) / WG));
    const grids = { gridX: this.rowGrid[0], elemGridX: this.elemGrid[0] };
    this.uniform.write({ B, F, kMax, ...grids });
  }

  static async create(
    ctx: KernelContext,
    o: { B: number; F: number; kMax: number; label?: string },
  ): Promise<KEstimate> {
    const label = o.label ?? 'KEstimate';
    const [fwd, bwd] = await Promise.all([
      RowKernelBase.entry(ctx, 'KEstimate', code, 'kForward', { WG: rowWorkgroupSize(o.F) }, label),
      RowKernelBase.entry(ctx, 'KEstimate', code, 'kBackward', { WG }, label),
    ]);
    return new KEstimate(ctx, fwd, bwd, o.F, o.B, o.kMax, label);
  }

  encodeForward(
    pass: GPUComputePassEncoder,
    b: { z: Buf; w2: Buf; b2: Buf; kHat: Buf; kSig: Buf },
  ): void {
    this.run(pass, this.fwd, { 1: b.z, 2: b.w2, 3: b.b2, 4: b.kHat, 5: b.kSig }, this.rowGrid);
  }

  encodeBackward(
    pass: GPUComputePassEncoder,
    b: { z: Buf; w2: Buf; kSig: Buf; dkHat: Buf; kLossGrad: Buf; ds: Buf; dz: Buf },
  ): void {
    this.run(
      pass,
      this.bwd,
      { 1: b.z, 2: b.w2, 5: b.kSig, 6: b.dkHat, 7: b.kLossGrad, 8: b.ds, 9: b.dz },
      this.elemGrid,
    );
  }
}
