/**
 * Host class for shaders/gradnorm.wgsl: the global gradient norm over a set of tensors (segments),
 * each in its own buffer, and the clip coefficient: one `partialSums` dispatch per tensor with a
 * gradient, then `finalize` (one workgroup), which leaves its result in a small status buffer
 * on the GPU — Adam and the renormalisation read it there; the host reads it back
 * only when it wants to, pipelined (see {@link decodeStatus}).
 *
 * Also defines the two small buffers the optimizer kernels share:
 *  - segments: one `Segment` {size, step, pad0, pad1} per tensor (step = Adam step count t)
 *  - status:   `OptimStatus` {scale, norm, nonFinite, skipped}
 * Their layouts are read from the WGSL.
 */
import code from '../../../shaders/gradnorm.wgsl?raw';
import { createBufferFrom } from '../buffers';
import { packUniform, parseUniformLayout, unpackStruct, Uniform } from '../uniforms';
import { BindGroupCache, dispatch, type KernelContext } from './context';

const PARAMS = parseUniformLayout(code, 'Params');
export const STATUS_LAYOUT = parseUniformLayout(code, 'OptimStatus');
export const SEGMENT_LAYOUT = parseUniformLayout(code, 'Segment');
const PICK = parseUniformLayout(code, 'Pick');
const PARTIAL_BYTES = parseUniformLayout(code, 'Partial').size;
/** Threads per workgroup, in both stages. */
const WG = 256;
/**
 * Workgroups of the first stage: 1024 × 256 threads keep a large GPU's memory system busy; the
 * single finalize workgroup then folds at most 1024 lanes per thread.
 */
const MAX_PARTIALS = 1024;
/** gradMask is a u32 bit set. */
export const MAX_SEGMENTS = 32;

/** A tensor: its length in floats (its buffer holds nothing else). */
export interface Segment {
  size: number;
}

/** What the optimizer status buffer holds after a step. */
export interface OptimStatus {
  /** Clip coefficient min(1, maxNorm/(norm + 1e-6)) applied to every gradient. */
  scale: number;
  /** Global gradient norm before clipping (f32). */
  norm: number;
  /** The step's gradients (or loss) were not finite: nothing was updated. */
  nonFinite: boolean;
  /** Steps skipped so far. */
  skipped: number;
}

export function decodeStatus(bytes: ArrayBuffer, byteOffset = 0): OptimStatus {
  const s = unpackStruct(STATUS_LAYOUT, bytes, byteOffset);
  return { scale: s.scale, norm: s.norm, nonFinite: s.nonFinite !== 0, skipped: s.skipped };
}

/** Bit set of the segments that have a gradient this step. */
export function segmentMask(indices: Iterable<number>): number {
  let mask = 0;
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= MAX_SEGMENTS)
      throw new Error(`segment index ${i} outside 0..${MAX_SEGMENTS - 1}`);
    mask |= 1 << i;
  }
  return mask >>> 0;
}

/** Packs segments (with Adam step counts, default 0) into the `array<Segment>` image. */
export function packSegments(segments: readonly Segment[], steps?: readonly number[]): Uint32Array {
  const stride = SEGMENT_LAYOUT.size;
  const bytes = new Uint8Array(stride * segments.length);
  segments.forEach((s, i) => {
    const one = packUniform(SEGMENT_LAYOUT, {
      size: s.size,
      step: steps?.[i] ?? 0,
      pad0: 0,
      pad1: 0,
    });
    bytes.set(new Uint8Array(one), i * stride);
  });
  return new Uint32Array(bytes.buffer);
}

/** Reads the Adam step counts out of a read-back `array<Segment>` image. */
export function unpackSegmentSteps(bytes: ArrayBuffer, count: number): number[] {
  return Array.from(
    { length: count },
    (_, i) => unpackStruct(SEGMENT_LAYOUT, bytes, i * SEGMENT_LAYOUT.size).step,
  );
}

export function createSegmentsBuffer(
  device: GPUDevice,
  label: string,
  segments: readonly Segment[],
): GPUBuffer {
  return createBufferFrom(device, label, packSegments(segments));
}

/** A zeroed status buffer (scale 0, finite, nothing skipped). */
export function createStatusBuffer(device: GPUDevice, label: string): GPUBuffer {
  return device.createBuffer({
    label,
    size: STATUS_LAYOUT.size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
}

export interface GradNormOptions {
  segments: readonly Segment[];
  maxNorm: number;
  label?: string;
}

/**
 * Tensors whose gradient exists only when a u32 flag on the GPU is nonzero (the flag is read
 * there, so the host need not know it): `mask` (see {@link segmentMask}), and the flag at u32
 * `index` of the buffer passed as `cond` to encode.
 */
export interface CondGrad {
  mask: number;
  index: number;
}

export interface GradNormBuffers {
  /** The gradient of each segment, in segment order (one buffer per tensor). */
  grads: readonly GPUBuffer[];
  /** `array<Segment>`; the finalize pass advances `step` of every enabled segment. */
  segments: GPUBuffer;
  /** `OptimStatus`, written by the finalize pass. */
  status: GPUBuffer;
  /** Optional loss scalar: a non-finite value there also skips the step. */
  loss?: GPUBuffer;
  /** The flag buffer of a {@link CondGrad} (required when one is set). */
  cond?: GPUBuffer;
}

export class GradNorm {
  private readonly uniform: Uniform;
  /** Per segment: a uniform naming it to its partialSums dispatch (written once). */
  private readonly picks: Uniform[];
  /** Running sums of the partialSums threads [numPartials·WG], empty between steps. */
  private readonly lanes: GPUBuffer;
  private readonly partialGroups: BindGroupCache[];
  private readonly finalGroups = new BindGroupCache();
  readonly numPartials: number;
  /** Segments that may have a gradient this step (gradMask | condMask), from {@link setStep}. */
  private enabled = 0;

  private constructor(
    private readonly ctx: KernelContext,
    private readonly partialPipeline: GPUComputePipeline,
    private readonly finalPipeline: GPUComputePipeline,
    readonly options: GradNormOptions,
    readonly label: string,
  ) {
    const { device } = ctx;
    const total = options.segments.reduce((a, s) => a + s.size, 0);
    // About 16 elements per thread: fewer workgroups, so fewer tree reductions to pay for.
    this.numPartials = Math.max(1, Math.min(MAX_PARTIALS, Math.ceil(total / (WG * 16))));
    this.uniform = new Uniform(device, PARAMS, `${label}.params`);
    this.picks = options.segments.map((_, i) => {
      const u = new Uniform(device, PICK, `${label}.pick${i}`);
      u.write({ tensor: i });
      return u;
    });
    this.partialGroups = options.segments.map(() => new BindGroupCache());
    // Empty lanes: e = −127, s = 0 (the WGSL `Partial(-127, 0.0, 0u, 0u)`).
    const empty = new Int32Array((this.numPartials * WG * PARTIAL_BYTES) / 4);
    for (let i = 0; i < empty.length; i += PARTIAL_BYTES / 4) empty[i] = -127;
    this.lanes = createBufferFrom(
      device,
      `${label}.lanes`,
      empty,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    );
    this.setStep(segmentMask(options.segments.map((_, i) => i)));
  }

  static async create(ctx: KernelContext, options: GradNormOptions): Promise<GradNorm> {
    if (options.segments.length > MAX_SEGMENTS) throw new Error('GradNorm: too many segments');
    const [partialPipeline, finalPipeline] = await Promise.all([
      ctx.pipelines.get('GradNorm.partials', code, 'partialSums', { WG }),
      ctx.pipelines.get('GradNorm.finalize', code, 'finalize', { WG }),
    ]);
    const label = options.label ?? 'GradNorm';
    return new GradNorm(ctx, partialPipeline, finalPipeline, options, label);
  }

  /**
   * Per-step scalars, written to the uniform (call before the submit that runs {@link encode}).
   * @param gradMask  bit s set: segment s has a gradient this step (see {@link segmentMask})
   * @param lossIndex float index of the loss in `buffers.loss`, when one is checked
   * @param cond      tensors that have a gradient only when a flag on the GPU is set
   */
  setStep(gradMask: number, lossIndex?: number, cond?: CondGrad): void {
    this.enabled = gradMask | (cond?.mask ?? 0);
    this.uniform.write({
      gradMask,
      numTensors: this.options.segments.length,
      numPartials: this.numPartials,
      maxNorm: this.options.maxNorm,
      hasLoss: lossIndex === undefined ? 0 : 1,
      lossIndex: lossIndex ?? 0,
      condMask: cond?.mask ?? 0,
      condIndex: cond?.index ?? 0,
    });
  }

  encode(pass: GPUComputePassEncoder, buffers: GradNormBuffers): void {
    const { device } = this.ctx;
    const u = this.uniform.buffer;
    const cond = buffers.cond ?? this.ctx.empty;
    const n = this.options.segments.length;
    if (buffers.grads.length !== n)
      throw new Error(`${this.label}: ${buffers.grads.length} gradient buffers for ${n} segments`);
    const layout = this.partialPipeline.getBindGroupLayout(0);
    // Segments that cannot have a gradient this step are left out on the host too (their
    // dispatch would return at once); the GPU still decides the conditional ones.
    for (let s = 0; s < n; s++) {
      if ((this.enabled & (1 << s)) === 0) continue;
      const group = this.partialGroups[s].get(
        device,
        `${this.label}.partials${s}.bindGroup`,
        layout,
        [u, buffers.segments, buffers.grads[s], cond, this.lanes, this.picks[s].buffer],
        [0, 1, 2, 6, 7, 8],
      );
      dispatch(pass, this.partialPipeline, group, [this.numPartials, 1]);
    }
    const finalGroup = this.finalGroups.get(
      device,
      `${this.label}.finalize.bindGroup`,
      this.finalPipeline.getBindGroupLayout(0),
      [u, buffers.segments, buffers.status, buffers.loss ?? this.ctx.empty, cond, this.lanes],
      [0, 1, 4, 5, 6, 7],
    );
    dispatch(pass, this.finalPipeline, finalGroup, [1, 1]);
  }

  destroy(): void {
    this.uniform.destroy();
    for (const p of this.picks) p.destroy();
    this.lanes.destroy();
  }
}
