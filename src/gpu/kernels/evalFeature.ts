/**
 * Host class for shaders/evalfeature.wgsl: per-feature statistics of the codes f [B, F] of one
 * evaluation batch, added into GPU accumulators.
 *   encodeStats:     f → count [F] (u32), mom [4, F] (Σf, its compensation, Σf², its
 *                    compensation), fmax [F]
 *   encodeHistogram: f, range [2, F] (hi, scale) → hist [F, bins] (u32), outside [F] (u32)
 *   encodeRange:     fmax → range (hi = max, scale = bins / max)
 */
import code from '../../../shaders/evalfeature.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RingKernelBase, type RingEntryPoint } from './ringKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const COLS = 64;
const LANES = 4;

export class FeatureStats extends RingKernelBase {
  private readonly grid: [number, number];

  private constructor(
    ctx: KernelContext,
    private readonly e: { stats: RingEntryPoint; hist: RingEntryPoint; range: RingEntryPoint },
    readonly F: number,
    readonly bins: number,
    label: string,
  ) {
    super(ctx, PARAMS, label);
    this.grid = [Math.ceil(F / COLS), 1];
  }

  static async create(
    ctx: KernelContext,
    o: { F: number; bins: number; label?: string },
  ): Promise<FeatureStats> {
    if (!(o.bins >= 1)) throw new Error('FeatureStats: bins must be ≥ 1');
    const label = o.label ?? 'FeatureStats';
    const c = { COLS, LANES, BINS: o.bins };
    const entry = (name: string) => RingKernelBase.entry(ctx, 'FeatureStats', code, name, c, label);
    const [stats, hist, range] = await Promise.all([
      entry('featureStats'),
      entry('featureHistogram'),
      entry('histRange'),
    ]);
    return new FeatureStats(ctx, { stats, hist, range }, o.F, o.bins, label);
  }

  encodeStats(
    pass: GPUComputePassEncoder,
    B: number,
    b: { f: Buf; count: Buf; mom: Buf; fmax: Buf },
  ): void {
    const params = { B, F: this.F };
    this.run(pass, this.e.stats, params, { 1: b.f, 2: b.count, 3: b.mom, 4: b.fmax }, this.grid);
  }

  encodeHistogram(
    pass: GPUComputePassEncoder,
    B: number,
    b: { f: Buf; range: Buf; hist: Buf; outside: Buf },
  ): void {
    const params = { B, F: this.F };
    const bindings = { 1: b.f, 5: b.range, 6: b.hist, 7: b.outside };
    this.run(pass, this.e.hist, params, bindings, this.grid);
  }

  /** range ← (fmax, bins / fmax): the histogram of a second pass spans the first pass's max. */
  encodeRange(pass: GPUComputePassEncoder, b: { fmax: Buf; range: Buf }): void {
    this.run(pass, this.e.range, { B: 0, F: this.F }, { 4: b.fmax, 5: b.range }, this.grid);
  }
}
