/**
 * Host class for shaders/adam.wgsl: one Adam update of every enabled tensor (one dispatch per
 * tensor, on its own parameter, gradient and moment buffers), with
 * the clip coefficient and skip flag read from the optimizer status buffer and each segment's own
 * step count t read from the segments buffer (both written by {@link GradNorm}'s finalize pass).
 */
import code from '../../../shaders/adam.wgsl?raw';
import { createBufferFrom } from '../buffers';
import { parseUniformLayout, Uniform } from '../uniforms';
import { BindGroupCache, dispatch, type KernelContext } from './context';
import type { CondGrad, Segment } from './gradnorm';

const PARAMS = parseUniformLayout(code, 'Params');
const PICK = parseUniformLayout(code, 'Pick');
const WG = 256;
/** Cap on workgroups; threads then loop over the rest (grid stride). */
const MAX_WORKGROUPS = 2048;

export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * Bias corrections (1 − β₁ᵗ, √(1 − β₂ᵗ)) for t = 1…T, computed in float64 exactly as the reference
 * writes them and rounded once to f32; T is the first t from which both round to exactly 1 in f32,
 * so the kernel uses (1, 1) past the table without any error.
 */
export function biasCorrectionTable(beta1: number, beta2: number): Float32Array {
  const out: number[] = [];
  for (let t = 1; ; t++) {
    const bc1 = Math.fround(1 - beta1 ** t);
    const bc2 = Math.fround(Math.sqrt(1 - beta2 ** t));
    if (bc1 === 1 && bc2 === 1) break;
    out.push(bc1, bc2);
    if (t > 1e7) throw new Error('biasCorrectionTable: betas too close to 1');
  }
  return Float32Array.from(out);
}

export interface AdamOptions {
  segments: readonly Segment[];
  hyper: AdamHyper;
  label?: string;
}

export interface AdamBuffers {
  /** `OptimStatus` (clip scale, skip flag). */
  status: GPUBuffer;
  /** `array<Segment>` with the step counts already advanced for this step. */
  segments: GPUBuffer;
  /** Per segment, in segment order: parameters, gradient, first and second moments. */
  params: readonly GPUBuffer[];
  grads: readonly GPUBuffer[];
  m: readonly GPUBuffer[];
  v: readonly GPUBuffer[];
  /** The flag buffer of a {@link CondGrad} (required when one is set). */
  cond?: GPUBuffer;
}

export class Adam {
  private readonly uniform: Uniform;
  /** Per segment: its index and the thread count of its dispatch (written once). */
  private readonly picks: Uniform[];
  private readonly table: GPUBuffer;
  private readonly tableLen: number;
  private readonly bindGroups: BindGroupCache[];
  /** Workgroups per segment (grid-stride beyond {@link MAX_WORKGROUPS}). */
  private readonly workgroups: number[];
  /** Segments that may have a gradient this step (gradMask | condMask), from {@link setStep}. */
  private enabled = 0;

  private constructor(
    private readonly ctx: KernelContext,
    private readonly pipeline: GPUComputePipeline,
    readonly options: AdamOptions,
    readonly label: string,
  ) {
    const { device } = ctx;
    const { beta1, beta2 } = options.hyper;
    const table = biasCorrectionTable(beta1, beta2);
    this.tableLen = table.length / 2;
    this.table = createBufferFrom(device, `${label}.biasCorrection`, table);
    this.workgroups = options.segments.map((s) =>
      Math.max(1, Math.min(MAX_WORKGROUPS, Math.ceil(s.size / WG))),
    );
    this.picks = this.workgroups.map((wg, i) => {
      const u = new Uniform(device, PICK, `${label}.pick${i}`);
      u.write({ tensor: i, stride: wg * WG });
      return u;
    });
    this.bindGroups = options.segments.map(() => new BindGroupCache());
    this.uniform = new Uniform(device, PARAMS, `${label}.params`);
  }

  static async create(ctx: KernelContext, options: AdamOptions): Promise<Adam> {
    const { beta1, beta2, eps } = options.hyper;
    const pipeline = await ctx.pipelines.get('Adam', code, 'adam', {
      WG,
      BETA1: beta1,
      BETA2: beta2,
      ONE_MINUS_BETA1: 1 - beta1,
      ONE_MINUS_BETA2: 1 - beta2,
      EPS: eps,
    });
    return new Adam(ctx, pipeline, options, options.label ?? 'Adam');
  }

  /** Per-step scalars (before the submit that runs {@link encode}); `cond` as in GradNorm. */
  setStep(lr: number, gradMask: number, cond?: CondGrad): void {
    this.enabled = gradMask | (cond?.mask ?? 0);
    this.uniform.write({
      lr,
      gradMask,
      tableLen: this.tableLen,
      condMask: cond?.mask ?? 0,
      condIndex: cond?.index ?? 0,
    });
  }

  encode(pass: GPUComputePassEncoder, b: AdamBuffers): void {
    const layout = this.pipeline.getBindGroupLayout(0);
    // Segments that cannot have a gradient this step are not dispatched at all.
    for (let s = 0; s < this.options.segments.length; s++) {
      if ((this.enabled & (1 << s)) === 0) continue;
      const bindGroup = this.bindGroups[s].get(
        this.ctx.device,
        `${this.label}.bindGroup${s}`,
        layout,
        [
          this.uniform.buffer,
          b.status,
          b.segments,
          this.table,
          b.params[s],
          b.grads[s],
          b.m[s],
          b.v[s],
          b.cond ?? this.ctx.empty,
          this.picks[s].buffer,
        ],
      );
      dispatch(pass, this.pipeline, bindGroup, [this.workgroups[s], 1]);
    }
  }

  destroy(): void {
    this.uniform.destroy();
    for (const p of this.picks) p.destroy();
    this.table.destroy();
  }
}
