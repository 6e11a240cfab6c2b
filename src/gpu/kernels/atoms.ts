/**
 * Host classes for shaders/atoms.wgsl: per-row operations on a row-major matrix W [F, D] in its own
 * buffer (the decoder, stored transposed so atom j is row j).
 *  - {@link AtomProjection}: g_j ← g_j − (g_j·ŵ_j) ŵ_j, ŵ_j = w_j/(‖w_j‖ + eps), on the gradient
 *  - {@link AtomRenorm}: w_j ← w_j/(‖w_j‖ + eps), skipped when an optimizer status says so
 */
import code from '../../../shaders/atoms.wgsl?raw';
import { parseUniformLayout, Uniform } from '../uniforms';
import { BindGroupCache, dispatch, dispatch2d, type KernelContext } from './context';

const PARAMS = parseUniformLayout(code, 'Params');
/** Atoms per workgroup (one thread each). */
const WG = 64;

export interface AtomOptions {
  D: number;
  F: number;
  /** The epsilon added to ‖w_j‖. */
  eps: number;
  label?: string;
}

class AtomKernel {
  protected readonly uniform: Uniform;
  protected readonly bindGroups = new BindGroupCache();
  protected readonly grid: [number, number];

  protected constructor(
    protected readonly ctx: KernelContext,
    protected readonly pipeline: GPUComputePipeline,
    readonly options: AtomOptions,
    readonly label: string,
  ) {
    this.uniform = new Uniform(ctx.device, PARAMS, `${label}.params`);
    this.grid = dispatch2d(Math.ceil(options.F / WG));
    const { D, F } = options;
    this.uniform.write({ D, F, groupsPerGridRow: this.grid[0] });
  }

  /** Binds the uniform at 0 and `buffers` at `bindings`. */
  protected encodeWith(
    pass: GPUComputePassEncoder,
    buffers: GPUBuffer[],
    bindings: number[],
  ): void {
    const bindGroup = this.bindGroups.get(
      this.ctx.device,
      `${this.label}.bindGroup`,
      this.pipeline.getBindGroupLayout(0),
      [this.uniform.buffer, ...buffers],
      [0, ...bindings],
    );
    dispatch(pass, this.pipeline, bindGroup, this.grid);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}

/** Removes from each row of the gradient its component along the same row of W. */
export class AtomProjection extends AtomKernel {
  static async create(ctx: KernelContext, options: AtomOptions): Promise<AtomProjection> {
    const pipeline = await ctx.pipelines.get('AtomProjection', code, 'projectGrad', {
      WG,
      PROJ_EPS: options.eps,
    });
    return new AtomProjection(ctx, pipeline, options, options.label ?? 'AtomProjection');
  }

  /** `params`: W (read); `grads`: its gradient G (updated in place). */
  encode(pass: GPUComputePassEncoder, buffers: { params: GPUBuffer; grads: GPUBuffer }): void {
    this.encodeWith(pass, [buffers.params, buffers.grads], [1, 2]);
  }
}

/** Scales each row of W to unit L2 norm (up to eps). */
export class AtomRenorm extends AtomKernel {
  static async create(ctx: KernelContext, options: AtomOptions): Promise<AtomRenorm> {
    const pipeline = await ctx.pipelines.get('AtomRenorm', code, 'renormalize', {
      WG,
      RENORM_EPS: options.eps,
    });
    return new AtomRenorm(ctx, pipeline, options, options.label ?? 'AtomRenorm');
  }

  /**
   * `params`: W (updated in place). `status`: an optimizer status buffer
   * (OptimStatus); when its nonFinite flag is set nothing is written. Without one the rows are
   * always renormalised (the context's zeroed dummy buffer reads as "finite").
   */
  encode(pass: GPUComputePassEncoder, buffers: { params: GPUBuffer; status?: GPUBuffer }): void {
    this.encodeWith(pass, [buffers.params, buffers.status ?? this.ctx.empty], [1, 3]);
  }
}
