/**
 * Host class for shaders/batchtopk.wgsl and shaders/batchtopk-apply.wgsl (spec §6).
 *   encode:          h [B, F] → f [B, F]: the K = min(k, #positive) largest entries of the whole
 *                    batch (ties to the lower flat index); θ [1] updated in place when asked
 *   encodeThreshold: h, θ → f = h·1[h > θ], l0 [B] (u32 nonzero count per row) — inference
 * The selection is a radix select (4 histogram/pick pairs) then ties, offsets and apply: 12
 * dispatches, no readback. Scratch (histogram, select state, per-block tie counts) is owned here.
 */
import selectCode from '../../../shaders/batchtopk.wgsl?raw';
import applyCode from '../../../shaders/batchtopk-apply.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { createBuffer } from '../buffers';
import { dispatch2d, type Buf, type KernelContext } from './context';
import { RowKernelBase, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(selectCode, 'Params');
/** Layout of the select state, shared by both shaders (a unit test checks they agree). */
export const SELECT_LAYOUT = parseUniformLayout(selectCode, 'Select');
const BINS = 256;
const WG = 256;
/** Entries per thread of the apply blocks: a block is WG·ITEMS consecutive flat indices. */
export const BATCH_TOPK_ITEMS = 16;
const BLOCK = WG * BATCH_TOPK_ITEMS;
/** Cap on histogram workgroups; each grid-strides over the batch. */
const MAX_HIST_WORKGROUPS = 1024;

export interface BatchTopKOptions {
  B: number;
  F: number;
  /** Entries kept per batch (k·B), settable per step with {@link BatchTopK.setStep}. */
  k: number;
  /** θ ← β·θ + (1 − β)·min kept (reference: 0.999). */
  beta: number;
  label?: string;
}

interface Entries {
  begin: EntryPoint;
  histogram: EntryPoint;
  pick: EntryPoint;
  tieCount: EntryPoint;
  tieOffsets: EntryPoint;
  apply: EntryPoint;
  thresholdRows: EntryPoint;
}

export class BatchTopK extends RowKernelBase {
  readonly n: number;
  readonly nBlocks: number;
  private readonly blockGrid: [number, number];
  private readonly histWorkgroups: number;
  private readonly hist: GPUBuffer;
  /** `Select` {digit, prefix, remaining, total}: after {@link encode}, prefix = τ, total = K. */
  readonly state: GPUBuffer;
  private readonly ties: GPUBuffer;

  private constructor(
    ctx: KernelContext,
    private readonly e: Entries,
    readonly F: number,
    B: number,
    k: number,
    label: string,
  ) {
    super(ctx, PARAMS, label, B);
    this.n = B * F;
    this.nBlocks = Math.ceil(this.n / BLOCK);
    this.blockGrid = dispatch2d(this.nBlocks);
    this.histWorkgroups = Math.max(
      1,
      Math.min(MAX_HIST_WORKGROUPS, Math.ceil(this.n / (BINS * 8))),
    );
    this.hist = createBuffer(ctx.device, `${label}.hist`, BINS * 4);
    this.state = createBuffer(ctx.device, `${label}.state`, SELECT_LAYOUT.size);
    this.ties = createBuffer(ctx.device, `${label}.ties`, this.nBlocks * 4);
    this.setStep(k, false);
  }

  static async create(ctx: KernelContext, o: BatchTopKOptions): Promise<BatchTopK> {
    const label = o.label ?? 'BatchTopK';
    const sel = (name: string) =>
      RowKernelBase.entry(ctx, 'BatchTopK', selectCode, name, {}, label);
    const consts = { WG, ITEMS: BATCH_TOPK_ITEMS, BETA: o.beta, ONE_MINUS_BETA: 1 - o.beta };
    const app = (name: string) =>
      RowKernelBase.entry(ctx, 'BatchTopK.apply', applyCode, name, consts, label);
    const [begin, histogram, pick, tieCount, tieOffsets, apply, thresholdRows] = await Promise.all([
      sel('begin'),
      sel('histogram'),
      sel('pick'),
      app('tieCount'),
      app('tieOffsets'),
      app('apply'),
      app('thresholdRows'),
    ]);
    const e = { begin, histogram, pick, tieCount, tieOffsets, apply, thresholdRows };
    return new BatchTopK(ctx, e, o.F, o.B, o.k, label);
  }

  /**
   * This step's kept count k·B and whether θ is blended (the reference: step > 1000). Takes
   * effect at the next submit.
   */
  setStep(k: number, updateTheta: boolean): void {
    this.uniform.write({
      n: this.n,
      k: Math.max(0, Math.floor(k)),
      nBlocks: this.nBlocks,
      gridX: this.blockGrid[0],
      B: this.B,
      F: this.F,
      rowGridX: this.rowGrid[0],
      updateTheta: updateTheta ? 1 : 0,
    });
  }

  /** Training selection: h → f, and θ updated in place when {@link setStep} asked for it. */
  encode(pass: GPUComputePassEncoder, b: { h: Buf; f: Buf; theta: Buf }): void {
    const { e, hist, state, ties } = this;
    this.run(pass, e.begin, { 2: hist, 3: state }, [1, 1]);
    for (let p = 0; p < 4; p++) {
      this.run(pass, e.histogram, { 1: b.h, 2: hist, 3: state }, [this.histWorkgroups, 1]);
      this.run(pass, e.pick, { 2: hist, 3: state }, [1, 1]);
    }
    this.run(pass, e.tieCount, { 1: b.h, 2: state, 3: ties }, this.blockGrid);
    this.run(pass, e.tieOffsets, { 2: state, 3: ties, 4: b.theta }, [1, 1]);
    this.run(pass, e.apply, { 1: b.h, 2: state, 3: ties, 5: b.f }, this.blockGrid);
  }

  /** Inference: f = h·1[h > θ] and the per-row nonzero counts l0 [B] (u32). */
  encodeThreshold(pass: GPUComputePassEncoder, b: { h: Buf; theta: Buf; f: Buf; l0: Buf }): void {
    this.run(pass, this.e.thresholdRows, { 1: b.h, 4: b.theta, 5: b.f, 6: b.l0 }, this.rowGrid);
  }

  destroy(): void {
    super.destroy();
    this.hist.destroy();
    this.state.destroy();
    this.ties.destroy();
  }
}
