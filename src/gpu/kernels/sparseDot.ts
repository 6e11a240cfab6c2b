/**
 * Host class for shaders/sparse-dot.wgsl: outVal[e] = g[b, :] · mat[col[e], :] for every CSR
 * entry e = (b, j), optionally also scattered into a dense [B, F] (zeros elsewhere).
 */
import code from '../../../shaders/sparse-dot.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');
/**
 * Threads per entry: 1 up to D = 256 (a thread streams one atom, no reduction barriers), then a
 * power of two up to 64 so that each thread covers about 64 of the D columns.
 */
export function dotTeamSize(D: number): number {
  if (D <= 256) return 1;
  let t = 2;
  while (t < 64 && t * 64 < D) t *= 2;
  return t;
}

/** Workgroup size: 64 threads (entries) with TEAM = 1, else 256 (256 / TEAM entries at once). */
export function dotWorkgroupSize(team: number): number {
  return team === 1 ? 64 : 256;
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
    const team = dotTeamSize(o.D);
    const constants = { WG: dotWorkgroupSize(team), TEAM: team, DENSE_OUT: o.denseOut ? 1 : 0 };
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
