/**
 * Host class for shaders/evalrows.wgsl: per-row L0 (dense codes), cosine(xn, x̂) and norms of one
 * evaluation batch, and their totals across batches.
 *   encode: f [B, F], xn, x̂ [B, D], k̂ [B]? → l0 [B] (u32), cosine [B], norms [4, B] (scratch),
 *           rowCounts [5] (u32 min L0, max L0, rows, rows with k̂, rows with ‖xn‖ > 0),
 *           rowAcc [16] (Σ‖xn‖, Σ‖x̂‖, Σk̂ with compensations; min k̂, max k̂; Σcos, Σ‖x̂‖/‖xn‖,
 *           Σ⟨xn, x̂⟩, Σ‖x̂‖² with compensations)
 */
import code from '../../../shaders/evalrows.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { dispatch2d, type Buf, type KernelContext } from './context';
import { RingKernelBase, type RingEntryPoint } from './ringKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;

/** Entries of the rowAcc accumulator. */
export const ROW_ACC = {
  normX: 0,
  normXHat: 2,
  kSum: 4,
  kMin: 6,
  kMax: 7,
  cosine: 8,
  normRatio: 10,
  dot: 12,
  normXHatSq: 14,
  length: 16,
} as const;
/** Entries of the rowCounts accumulator (u32). */
export const ROW_COUNTS = { l0Min: 0, l0Max: 1, rows: 2, kHatRows: 3, nonzeroRows: 4, length: 5 };
/** Per-row scratch entries (rows of `norms`): ‖xn‖, ‖x̂‖, ⟨xn, x̂⟩, ‖x̂‖². */
export const ROW_SCRATCH = 4;

export interface RowStatsBuffers {
  f: Buf;
  xn: Buf;
  xHat: Buf;
  /** Omitted: no k̂ totals for this batch. */
  kHat?: Buf;
  l0: Buf;
  cosine: Buf;
  norms: Buf;
  rowCounts: Buf;
  rowAcc: Buf;
}

export class RowStats extends RingKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly e: { stats: RingEntryPoint; totals: RingEntryPoint },
    readonly F: number,
    readonly D: number,
    label: string,
  ) {
    super(ctx, PARAMS, label);
  }

  static async create(
    ctx: KernelContext,
    o: { F: number; D: number; label?: string },
  ): Promise<RowStats> {
    const label = o.label ?? 'RowStats';
    const [stats, totals] = await Promise.all([
      RingKernelBase.entry(ctx, 'RowStats', code, 'rowStats', { WG }, label),
      RingKernelBase.entry(ctx, 'RowStats', code, 'rowTotals', { WG }, label),
    ]);
    return new RowStats(ctx, { stats, totals }, o.F, o.D, label);
  }

  encode(pass: GPUComputePassEncoder, B: number, b: RowStatsBuffers): void {
    if (B === 0) return;
    const grid = dispatch2d(B);
    const params = { B, F: this.F, D: this.D, gridX: grid[0], hasKHat: b.kHat ? 1 : 0 };
    const slot = this.push(params);
    const rowBindings = { 1: b.f, 2: b.xn, 3: b.xHat, 5: b.l0, 6: b.cosine, 7: b.norms };
    this.runAt(pass, this.e.stats, slot, { ...rowBindings, 8: b.rowCounts }, grid);
    const kHat = b.kHat ?? this.ctx.empty;
    this.runAt(
      pass,
      this.e.totals,
      slot,
      { 4: kHat, 6: b.cosine, 7: b.norms, 9: b.rowAcc },
      [1, 1],
    );
  }
}
