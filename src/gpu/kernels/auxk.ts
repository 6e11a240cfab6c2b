/**
 * Host class for shaders/auxk.wgsl: the aux-k loss and the gradient it sends back (spec §4).
 *   encode: e = xn − x̂ [B, D], rec = zAux·W_dec [B, D], deadCount [1] →
 *           scalars[auxIndex] = aux, scalars[totalIndex] += λ·aux, coef [1],
 *           rec ← coef·(e − rec) = ∂(λ·aux)/∂(W_dec z_aux)   (in place)
 */
import code from '../../../shaders/auxk.wgsl?raw';
import { createBuffer } from '../buffers';
import { parseUniformLayout } from '../uniforms';
import { dispatch2d, type Buf, type KernelContext } from './context';
import { RowKernelBase, type EntryPoint } from './rowKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;
const GRAD_WG = 256;

export interface AuxLossOptions {
  B: number;
  D: number;
  /** λ_aux. */
  lambda: number;
  /** Float indices in the scalars buffer: the total loss (added to) and the aux value. */
  totalIndex: number;
  auxIndex: number;
  label?: string;
}

export class AuxLoss extends RowKernelBase {
  /** Per-dimension partial sums [2, D]: Σ_b (e − rec)², Σ_b (e − ē)². */
  private readonly cols: GPUBuffer;
  /** The gradient coefficient −2λ/(B·den), or 0 when the term is inactive [1]. */
  readonly coef: GPUBuffer;
  private readonly gradGrid: [number, number];

  private constructor(
    ctx: KernelContext,
    private readonly e: { columns: EntryPoint; finish: EntryPoint; grad: EntryPoint },
    readonly o: AuxLossOptions,
    label: string,
  ) {
    super(ctx, PARAMS, label, o.B);
    this.cols = createBuffer(ctx.device, `${label}.cols`, 2 * o.D * 4);
    this.coef = createBuffer(ctx.device, `${label}.coef`, 4);
    this.gradGrid = dispatch2d(Math.ceil((o.B * o.D) / GRAD_WG));
    this.uniform.write({
      B: o.B,
      D: o.D,
      halfD: Math.floor(o.D / 2),
      lambda: o.lambda,
      totalIndex: o.totalIndex,
      auxIndex: o.auxIndex,
      rowStride: this.gradGrid[0] * GRAD_WG,
    });
  }

  static async create(ctx: KernelContext, o: AuxLossOptions): Promise<AuxLoss> {
    const label = o.label ?? 'AuxLoss';
    const entry = (name: string, wg: number) =>
      RowKernelBase.entry(ctx, 'AuxLoss', code, name, { WG: wg }, label);
    const [columns, finish, grad] = await Promise.all([
      entry('auxColumns', WG),
      entry('auxFinish', WG),
      entry('auxGrad', GRAD_WG),
    ]);
    return new AuxLoss(ctx, { columns, finish, grad }, o, label);
  }

  encode(pass: GPUComputePassEncoder, b: { e: Buf; rec: Buf; deadCount: Buf; scalars: Buf }): void {
    const { cols, coef } = this;
    this.run(pass, this.e.columns, { 1: b.e, 2: b.rec, 3: cols }, [Math.ceil(this.o.D / WG), 1]);
    this.run(pass, this.e.finish, { 3: cols, 4: b.deadCount, 5: b.scalars, 6: coef }, [1, 1]);
    this.run(pass, this.e.grad, { 1: b.e, 2: b.rec, 6: coef }, this.gradGrid);
  }

  destroy(): void {
    super.destroy();
    this.cols.destroy();
    this.coef.destroy();
  }
}
