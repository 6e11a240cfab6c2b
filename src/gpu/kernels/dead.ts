/**
 * Host class for shaders/dead.wgsl: rows since each feature fired, the dead mask and count.
 *   encode: f [B, F] → sinceFired [F] (u32, updated), dead [F] (u32 0/1), deadCount [1] (u32,
 *           must be zero before the dispatch: the trainer clears it each step)
 */
import code from '../../../shaders/dead.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { SingleKernel } from './kernel';
import { type Buf, type KernelContext } from './context';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;

export class DeadFeatures extends SingleKernel {
  private constructor(
    ctx: KernelContext,
    pipeline: GPUComputePipeline,
    readonly B: number,
    readonly F: number,
    threshold: number,
    label: string,
  ) {
    super(ctx, pipeline, PARAMS, label);
    // Thresholds beyond u32 mean "never dead".
    this.uniform.write({ B, F, threshold: Math.min(threshold, 0xffffffff) });
  }

  static async create(
    ctx: KernelContext,
    o: { B: number; F: number; threshold: number; label?: string },
  ): Promise<DeadFeatures> {
    const pipeline = await ctx.pipelines.get('DeadFeatures', code, 'updateDead', { WG });
    return new DeadFeatures(ctx, pipeline, o.B, o.F, o.threshold, o.label ?? 'DeadFeatures');
  }

  encode(
    pass: GPUComputePassEncoder,
    b: { f: Buf; sinceFired: Buf; dead: Buf; deadCount: Buf },
  ): void {
    this.bindAndDispatch(
      pass,
      [b.f, b.sinceFired, b.dead, b.deadCount],
      [Math.ceil(this.F / WG), 1],
    );
  }
}
