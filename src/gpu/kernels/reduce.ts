/**
 * Host class for shaders/reduce.wgsl: sums (or sums of squares) over the rows or the columns of a
 * row-major matrix X[M, N].
 *  - `rows`: out[m] = Σ_n φ(X[m, n]), out has M entries
 *  - `cols`: out[n] = Σ_m φ(X[m, n]), out has N entries
 */
import code from '../../../shaders/reduce.wgsl?raw';
import type { ReduceAxis, ReduceOp } from '../../model/kernelOps';
import { parseUniformLayout } from '../uniforms';
import { SingleKernel } from './kernel';
import { rowWorkgroupSize } from './rowKernel';
import { dispatch2d, type Buf, type KernelContext } from './context';

export type { ReduceAxis, ReduceOp };

export interface ReduceOptions {
  axis: ReduceAxis;
  op: ReduceOp;
  M: number;
  N: number;
  label?: string;
}

const PARAMS = parseUniformLayout(code, 'Params');
/** Threads per row reduction and columns per column-reduction workgroup (powers of two). */
const WG = 256;
const COLS = 64;
const ROW_LANES = 4;

export class Reduce extends SingleKernel {
  private readonly grid: [number, number];

  private constructor(
    ctx: KernelContext,
    pipeline: GPUComputePipeline,
    readonly options: ReduceOptions,
    label: string,
  ) {
    super(ctx, pipeline, PARAMS, label);
    const { M, N, axis } = options;
    this.grid = axis === 'rows' ? dispatch2d(M) : [Math.ceil(N / COLS), 1];
    this.uniform.write({ M, N, rowsPerGridRow: this.grid[0] });
  }

  static async create(ctx: KernelContext, options: ReduceOptions): Promise<Reduce> {
    const label = options.label ?? `Reduce.${options.axis}.${options.op}`;
    const entry = options.axis === 'rows' ? 'reduceRows' : 'reduceCols';
    const pipeline = await ctx.pipelines.get('Reduce', code, entry, {
      SQUARE: options.op === 'sumsq' ? 1 : 0,
      WG: options.axis === 'rows' ? rowWorkgroupSize(options.N) : WG,
      COLS,
      ROW_LANES,
    });
    return new Reduce(ctx, pipeline, options, label);
  }

  /** Entries written to `out`. */
  get outputLength(): number {
    return this.options.axis === 'rows' ? this.options.M : this.options.N;
  }

  encode(pass: GPUComputePassEncoder, buffers: { x: Buf; out: Buf }): void {
    this.bindAndDispatch(pass, [buffers.x, buffers.out], this.grid);
  }
}
