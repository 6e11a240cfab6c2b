/**
 * Host class for shaders/dead.wgsl: rows since each feature fired, the dead mask and count.
 *   encode: f [B, F] → sinceFired [F] (u32, updated), dead [F] (u32 0/1), deadCount [1] (u32,
 *           must be zero before the dispatch: the trainer clears it each step)
 */
import code from '../../../shaders/dead.wgsl?raw';
import { parseUniformLayout, Uniform } from '../uniforms';
import { BindGroupCache, dispatch, type Buf, type KernelContext } from './context';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;

export class DeadFeatures {
  private readonly uniform: Uniform;
  private readonly bindGroups = new BindGroupCache();

  private constructor(
    private readonly ctx: KernelContext,
    private readonly pipeline: GPUComputePipeline,
    readonly B: number,
    readonly F: number,
    threshold: number,
    readonly label: string,
  ) {
    this.uniform = new Uniform(ctx.device, PARAMS, `${label}.params`);
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
    const bg = this.bindGroups.get(
      this.ctx.device,
      `${this.label}.bindGroup`,
      this.pipeline.getBindGroupLayout(0),
      [this.uniform.buffer, b.f, b.sinceFired, b.dead, b.deadCount],
    );
    dispatch(pass, this.pipeline, bg, [Math.ceil(this.F / WG), 1]);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}
