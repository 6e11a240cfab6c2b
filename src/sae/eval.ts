/**
 * The evaluation pass on the GPU (spec §7): the host streams the dataset batch by batch through
 * the forward pass, and after each batch {@link EvalAccumulator.encodeBatch} folds its codes f,
 * inputs xn and reconstructions x̂ into accumulators that stay on the GPU; `read()` brings them
 * back once at the end (or now and then for a live view) as a serialisable {@link EvalSummary}.
 * Per batch it also writes what the per-row table needs and the forward pass does not leave: L0
 * of the dense codes and cos(xn, x̂) (k̂ and ‖xn − x̂‖² are already in the workspace).
 *
 * Histogram range. Bins must be fixed before counting, and the useful range — [0, max f_j] — is
 * only known after seeing the data. Two ways, both per feature:
 *  - known range: `setHistogramRange(hi)` before the pass (e.g. the max of an earlier
 *    evaluation); then `encodeBatch` also counts the histogram, in one pass;
 *  - two passes: `encodeBatch` for every batch (no range yet: no histogram), then
 *    `encodeRangeFromMax` (range = the exact max of pass 1, so nothing falls outside), then
 *    `encodeHistogram` for every batch again.
 * A running max is not used: bins would change meaning mid-pass.
 *
 * Uniform parameters (B, row offset) go through per-kernel uniform rings of 128 slots, so several
 * batches may be encoded before one submit: at most 64 (a batch takes ≤ 2 slots of a ring).
 * Normally the host submits each batch anyway, as it must when the batches share the workspace. `reset` and `setHistogramRange` write through
 * the queue: call them between submits, not between batches encoded into the same submit.
 */
import { readbackBytes } from '../gpu/buffers';
import { DimMoments } from '../gpu/kernels/evalDims';
import { FeatureStats } from '../gpu/kernels/evalFeature';
import { ROW_SCRATCH, RowStats } from '../gpu/kernels/evalRows';
import { TopRows } from '../gpu/kernels/evalTopN';
import type { Buf, KernelContext } from '../gpu/kernels/context';
import {
  decodeEvalSummary,
  evalInitialBytes,
  evalLayout,
  type EvalLayout,
  type EvalSection,
  type EvalShape,
  type EvalSummary,
} from './evalSummary';

export type { EvalShape, EvalSummary } from './evalSummary';

/** One batch of an evaluation pass, as left in the workspace by the forward pass. */
export interface EvalBatch {
  /** Codes [B, F]. */
  f: Buf;
  /** Normalised inputs and reconstructions [B, D]. */
  xn: Buf;
  xHat: Buf;
  /** Global index of this batch's first row (top-N rows are reported by it). */
  rowOffset: number;
  /** Rows in this batch (the buffers may be longer). */
  B: number;
  /** SoftSAE's k̂ [B], for the k̂ mean / min / max; omit for TopK / BatchTopK. */
  kHat?: Buf;
  /** Where to write L0 per row [B] (u32) for the per-row table; scratch when omitted. */
  l0?: Buf;
  /** Where to write cos(xn, x̂) per row [B]; scratch when omitted. */
  cosine?: Buf;
}

export class EvalAccumulator {
  readonly layout: EvalLayout;
  /** All accumulators, one section each (see {@link evalLayout}). */
  readonly buffer: GPUBuffer;
  private readonly init: ArrayBuffer;
  private readonly scratch = new Map<string, GPUBuffer>();
  /** Outgrown scratch buffers: a pass encoded but not yet submitted may still name them. */
  private retired: GPUBuffer[] = [];
  private hasRange = false;

  private constructor(
    private readonly ctx: KernelContext,
    readonly shape: EvalShape,
    private readonly k: { feature: FeatureStats; top: TopRows; dims: DimMoments; rows: RowStats },
    readonly label: string,
  ) {
    this.layout = evalLayout(shape);
    this.buffer = ctx.device.createBuffer({
      label: `${label}.accumulators`,
      size: this.layout.size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.init = evalInitialBytes(this.layout);
    this.reset();
  }

  static async create(
    ctx: KernelContext,
    shape: Partial<EvalShape> & { F: number; D: number },
    label = 'Eval',
  ): Promise<EvalAccumulator> {
    const s: EvalShape = { bins: 32, topN: 16, ...shape };
    for (const key of ['F', 'D', 'bins', 'topN'] as const)
      if (!(Number.isInteger(s[key]) && s[key] >= 1))
        throw new Error(`${label}: ${key} must be a positive integer, got ${s[key]}`);
    const [feature, top, dims, rows] = await Promise.all([
      FeatureStats.create(ctx, { F: s.F, bins: s.bins, label: `${label}.feature` }),
      TopRows.create(ctx, { F: s.F, N: s.topN, label: `${label}.topRows` }),
      DimMoments.create(ctx, { D: s.D, label: `${label}.dims` }),
      RowStats.create(ctx, { F: s.F, D: s.D, label: `${label}.rows` }),
    ]);
    return new EvalAccumulator(ctx, s, { feature, top, dims, rows }, label);
  }

  /** Whether histograms are counted (a range has been set since the last reset). */
  get histogramReady(): boolean {
    return this.hasRange;
  }

  /** Clears every accumulator and the histogram range (through the queue). */
  reset(): void {
    this.ctx.device.queue.writeBuffer(this.buffer, 0, this.init);
    this.hasRange = false;
  }

  /**
   * Histogram range from the host: bins split (0, hi_j] for feature j (one value for all, or
   * [F]). The scale bins/hi is rounded to float32 here and used by the GPU as is.
   */
  setHistogramRange(hi: number | ArrayLike<number>): void {
    const { F, bins } = this.shape;
    const range = new Float32Array(2 * F);
    for (let j = 0; j < F; j++) {
      const h = Math.fround(typeof hi === 'number' ? hi : hi[j]);
      range[j] = h;
      range[F + j] = h > 0 ? Math.fround(bins / h) : 0;
    }
    const s = this.layout.sections.range;
    this.ctx.device.queue.writeBuffer(this.buffer, s.offset, range);
    this.hasRange = true;
  }

  /** Histogram range = the max of each feature accumulated so far (computed on the GPU). */
  encodeRangeFromMax(pass: GPUComputePassEncoder): void {
    this.k.feature.encodeRange(pass, { fmax: this.section('fmax'), range: this.section('range') });
    this.hasRange = true;
  }

  /** Folds one batch into every accumulator (and the histogram, once a range is set). */
  encodeBatch(pass: GPUComputePassEncoder, b: EvalBatch): void {
    const { B } = b;
    if (!(Number.isInteger(B) && B >= 0)) throw new Error(`${this.label}: bad batch size ${B}`);
    // Rows are reported as Int32 (−1 = empty slot) in the summary.
    if (!(Number.isInteger(b.rowOffset) && b.rowOffset >= 0 && b.rowOffset + B <= 0x7fffffff))
      throw new Error(`${this.label}: row offset ${b.rowOffset} out of range`);
    if (B === 0) return;
    const s = (name: EvalSection) => this.section(name);
    this.k.feature.encodeStats(pass, B, {
      f: b.f,
      count: s('count'),
      mom: s('mom'),
      fmax: s('fmax'),
    });
    if (this.hasRange) this.encodeHistogram(pass, b);
    this.k.top.encode(pass, B, b.rowOffset, { f: b.f, topVal: s('topVal'), topRow: s('topRow') });
    this.k.dims.encode(pass, B, { xn: b.xn, xHat: b.xHat, acc: s('dims') });
    this.k.rows.encode(pass, B, {
      f: b.f,
      xn: b.xn,
      xHat: b.xHat,
      kHat: b.kHat,
      l0: b.l0 ?? this.scratchBuffer('l0', B),
      cosine: b.cosine ?? this.scratchBuffer('cosine', B),
      norms: this.scratchBuffer('norms', ROW_SCRATCH * B),
      rowCounts: s('rowCounts'),
      rowAcc: s('rowAcc'),
    });
  }

  /** Counts only the histogram of a batch (the second pass of a two-pass evaluation). */
  encodeHistogram(pass: GPUComputePassEncoder, b: Pick<EvalBatch, 'f' | 'B'>): void {
    if (!this.hasRange) throw new Error(`${this.label}: histogram range not set`);
    if (b.B === 0) return;
    const s = (name: EvalSection) => this.section(name);
    this.k.feature.encodeHistogram(pass, b.B, {
      f: b.f,
      range: s('range'),
      hist: s('hist'),
      outside: s('outside'),
    });
  }

  /**
   * Reads every accumulator back (one copy, queued after the work already submitted) and decodes
   * the summary. Row counts are kept on the GPU with the sums, so a read taken mid-pass is a
   * consistent snapshot of the batches submitted before it.
   */
  async read(): Promise<EvalSummary> {
    const bytes = await readbackBytes(this.ctx.device, this.buffer, this.layout.size);
    return decodeEvalSummary(this.shape, bytes);
  }

  destroy(): void {
    this.buffer.destroy();
    for (const b of this.scratch.values()) b.destroy();
    for (const b of this.retired) b.destroy();
    for (const k of Object.values(this.k)) k.destroy();
  }

  private section(name: EvalSection): GPUBufferBinding {
    const s = this.layout.sections[name];
    return { buffer: this.buffer, offset: s.offset, size: Math.max(4, s.size) };
  }

  /** A scratch storage buffer of at least n 4-byte entries, grown on demand. */
  private scratchBuffer(name: string, n: number): GPUBuffer {
    const old = this.scratch.get(name);
    if (old && old.size >= n * 4) return old;
    if (old) this.retired.push(old);
    const b = this.ctx.device.createBuffer({
      label: `${this.label}.${name}Scratch`,
      size: Math.max(16, n * 4),
      usage: GPUBufferUsage.STORAGE,
    });
    this.scratch.set(name, b);
    return b;
  }
}
