/**
 * Host class for shaders/scan.wgsl: the exclusive prefix sum that turns per-row (or per
 * feature-and-block) counts into list offsets, clamped to a capacity, with a status word
 * `[total, stored, overflow (0/1), max count]`. One workgroup; used by the sparse list builders.
 */
import code from '../../../shaders/scan.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 256;

export interface ScanOptions {
  /** Number of counts. */
  n: number;
  /** ptr gets one entry per `stride` counts (n must be a multiple), plus the total. */
  stride: number;
  capacity: number;
  /** Also write the per-count exclusive offsets (the CSC scatter cursors). */
  writeOffsets: boolean;
  /** Zero the counts after reading (atomic counters start from 0 next time). */
  clear: boolean;
  label?: string;
}

export class ExclusiveScan extends RowKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly entryPoint: EntryPoint,
    readonly options: ScanOptions,
    label: string,
  ) {
    super(ctx, PARAMS, label, 1);
    if (options.n % options.stride !== 0)
      throw new Error(
        `${label}: n (${options.n}) must be a multiple of stride (${options.stride})`,
      );
    this.uniform.write({ n: options.n, stride: options.stride, capacity: options.capacity });
  }

  static async create(ctx: KernelContext, o: ScanOptions): Promise<ExclusiveScan> {
    const label = o.label ?? 'ExclusiveScan';
    const constants = { WG, WRITE_OFFSETS: o.writeOffsets ? 1 : 0, CLEAR: o.clear ? 1 : 0 };
    const e = await RowKernelBase.entry(
      ctx,
      'ExclusiveScan',
      code,
      'exclusiveScan',
      constants,
      label,
    );
    return new ExclusiveScan(ctx, e, o, label);
  }

  /** counts [n] → ptr [n/stride + 1], status [4] (+ offsets [n] when writeOffsets). */
  encode(
    pass: GPUComputePassEncoder,
    b: { counts: Buf; offsets?: Buf; ptr: Buf; status: Buf },
  ): void {
    if (this.options.writeOffsets && !b.offsets) throw new Error(`${this.label}: offsets required`);
    const offsets = b.offsets ?? this.ctx.empty;
    this.run(pass, this.entryPoint, { 1: b.counts, 2: offsets, 3: b.ptr, 4: b.status }, [1, 1]);
  }
}
