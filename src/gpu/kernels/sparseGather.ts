/**
 * Host class for shaders/sparse-gather.wgsl: out[s, :] = Σ_{i ∈ segment s} v_i · mat[index[i], :]
 * (+ bias) (+ beta·out) over S segments of a CSR (rows) or CSC (features) list, D columns.
 * The SAE-facing wrappers in sparseSae.ts say which dense GEMM each use replaces.
 */
import code from '../../../shaders/sparse-gather.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');

/**
 * Workgroup shape [WG_X, SEGS]: WG_X threads along D, each owning 4 columns per sweep (⌈D/4⌉
 * rounded up to a multiple of 32, at most 256), and enough segments per workgroup to make about
 * 256 threads.
 */
export function gatherWorkgroupShape(D: number): [number, number] {
  const x = Math.min(256, Math.max(32, Math.ceil(D / 4 / 32) * 32));
  return [x, Math.max(1, Math.floor(256 / x))];
}

export interface SegmentGatherOptions {
  /** Segments (rows of the output). */
  S: number;
  D: number;
  /** v_i = vals[entry[i]] (CSC slots into CSR values) instead of vals[i]. */
  indirect: boolean;
  bias?: boolean;
  beta?: number;
  label?: string;
}

export interface SegmentGatherBuffers {
  /** [S + 1] segment starts. */
  ptr: Buf;
  /** [nnz] row of `mat` of each entry (CSR col, or CSC row). */
  index: Buf;
  /** [nnz] CSR entry of each CSC slot (indirect only). */
  entry?: Buf;
  vals: Buf;
  /** [·, D] */
  mat: Buf;
  bias?: Buf;
  /** [S, D] */
  out: Buf;
}

export class SegmentGather extends RowKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly entryPoint: EntryPoint,
    readonly options: SegmentGatherOptions,
    label: string,
  ) {
    super(ctx, PARAMS, label, Math.ceil(options.S / gatherWorkgroupShape(options.D)[1]));
    this.setBeta(options.beta ?? 0);
  }

  static async create(ctx: KernelContext, o: SegmentGatherOptions): Promise<SegmentGather> {
    const label = o.label ?? 'SegmentGather';
    const [wgX, segs] = gatherWorkgroupShape(o.D);
    const constants = {
      WG_X: wgX,
      SEGS: segs,
      INDIRECT: o.indirect ? 1 : 0,
      HAS_BIAS: o.bias ? 1 : 0,
    };
    const e = await RowKernelBase.entry(
      ctx,
      'SegmentGather',
      code,
      'segmentGather',
      constants,
      label,
    );
    return new SegmentGather(ctx, e, o, label);
  }

  /** out = Σ … + beta·out_old (takes effect at the next submit). */
  setBeta(beta: number): void {
    const { S, D } = this.options;
    this.uniform.write({ S, D, gridX: this.rowGrid[0], beta });
  }

  encode(pass: GPUComputePassEncoder, b: SegmentGatherBuffers): void {
    const { indirect, bias } = this.options;
    if (indirect && !b.entry) throw new Error(`${this.label}: entry buffer required`);
    if (bias && !b.bias) throw new Error(`${this.label}: bias buffer required`);
    this.run(
      pass,
      this.entryPoint,
      {
        1: b.ptr,
        2: b.index,
        3: b.entry ?? this.ctx.empty,
        4: b.vals,
        5: b.mat,
        6: b.bias ?? this.ctx.empty,
        7: b.out,
      },
      this.rowGrid,
    );
  }
}
