/**
 * Host class for shaders/sparse-dot.wgsl: outVal[e] = g[b, :] · mat[col[e], :] for every CSR
 * entry e = (b, j), optionally also scattered into a dense [B, F] (zeros elsewhere).
 */
import code from '../../../shaders/sparse-dot.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 256;

/** Threads per entry: enough to cover D in one or two strides, a power of two in [4, 64]. */
export function dotTeamSize(D: number): number {
  let t = 4;
  while (t < 64 && t * 2 <= D / 2) t *= 2;
  return t;
}

export interface SparseDotOptions {
  B: number;
  F: number;
  D: number;
  denseOut: boolean;
  label?: string;
}

export class SparseDot extends RowKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly entryPoint: EntryPoint,
    readonly options: SparseDotOptions,
    label: string,
  ) {
    super(ctx, PARAMS, label, options.B);
    const { B, F, D } = options;
    this.uniform.write({ B, F, D, gridX: this.rowGrid[0] });
  }

  static async create(ctx: KernelContext, o: SparseDotOptions): Promise<SparseDot> {
    const label = o.label ?? 'SparseDot';
    const constants = { WG, TEAM: dotTeamSize(o.D), DENSE_OUT: o.denseOut ? 1 : 0 };
    const e = await RowKernelBase.entry(ctx, 'SparseDot', code, 'csrDot', constants, label);
    return new SparseDot(ctx, e, o, label);
  }

  /** rowPtr [B+1], col [nnz], g [B, D], mat [F, D] → outVal [nnz] (+ outDense [B, F]). */
  encode(
    pass: GPUComputePassEncoder,
    b: { rowPtr: Buf; col: Buf; g: Buf; mat: Buf; outVal: Buf; outDense?: Buf },
  ): void {
    if (this.options.denseOut && !b.outDense) throw new Error(`${this.label}: outDense required`);
    this.run(
      pass,
      this.entryPoint,
      { 1: b.rowPtr, 2: b.col, 3: b.g, 4: b.mat, 5: b.outVal, 6: b.outDense ?? this.ctx.empty },
      this.rowGrid,
    );
  }
}
