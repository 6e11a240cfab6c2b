/**
 * Host class for shaders/loss.wgsl: batch loss terms and the shared k-loss gradient.
 *   encode: sqErr [B] (+ k̂ [B]) → scalars [6] = (l2, mean k̂, min k̂, max k̂, kLoss, total),
 *           kLossGrad [1]
 */
import code from '../../../shaders/loss.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { SingleKernel } from './kernel';
import { rowWorkgroupSize } from './rowKernel';
import { type Buf, type KernelContext } from './context';

const PARAMS = parseUniformLayout(code, 'Params');

/** Indices into the scalars buffer. */
export const LOSS_SCALARS = { l2: 0, kMean: 1, kMin: 2, kMax: 3, kLoss: 4, total: 5 } as const;
export const LOSS_SCALAR_COUNT = 6;

export class BatchLoss extends SingleKernel {
  private constructor(
    ctx: KernelContext,
    pipeline: GPUComputePipeline,
    readonly B: number,
    readonly hasKHat: boolean,
    label: string,
  ) {
    super(ctx, pipeline, PARAMS, label);
  }

  static async create(
    ctx: KernelContext,
    o: { B: number; hasKHat: boolean; label?: string },
  ): Promise<BatchLoss> {
    const pipeline = await ctx.pipelines.get('BatchLoss', code, 'batchScalars', {
      WG: rowWorkgroupSize(o.B),
      HAS_KHAT: o.hasKHat ? 1 : 0,
    });
    const loss = new BatchLoss(ctx, pipeline, o.B, o.hasKHat, o.label ?? 'BatchLoss');
    loss.setTarget(1, 1);
    return loss;
  }

  /** The k budget and λ_k for this step (λ_k = 0 in the hard phase). */
  setTarget(k: number, kLossWeight: number): void {
    this.uniform.write({ B: this.B, k, kLossWeight });
  }

  encode(
    pass: GPUComputePassEncoder,
    b: { sqErr: Buf; kHat?: Buf; scalars: Buf; kLossGrad: Buf },
  ): void {
    this.bindAndDispatch(pass, [b.sqErr, b.kHat ?? this.ctx.empty, b.scalars, b.kLossGrad], [1, 1]);
  }
}
