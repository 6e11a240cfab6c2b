/**
 * Host class for shaders/bestmatch.wgsl: each atom of X gets its most similar atom of Y (largest
 * dot product of unit atoms), merged over ranges of Y, one range per dispatch.
 *   encode: xT [4·D4, FX4] vec4 (X transposed, 4 atoms per vec4), y [FY, D4] vec4 (rows of Y),
 *           yStart, yCount →
 *           best [FX4·4] (f32, updated), arg [FX4·4] (u32, updated)
 */
import code from '../../../shaders/bestmatch.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { dispatch2d, type Buf, type KernelContext } from './context';
import { RingKernelBase, type RingEntryPoint } from './ringKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;

export class BestMatch extends RingKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly e: RingEntryPoint,
    /** X atoms padded to a multiple of 4, over 4. */
    readonly FX4: number,
    /** Atom length padded to a multiple of 4, over 4. */
    readonly D4: number,
    readonly FY: number,
    label: string,
  ) {
    super(ctx, PARAMS, label);
  }

  static async create(
    ctx: KernelContext,
    o: { FX: number; D: number; FY: number; label?: string },
  ): Promise<BestMatch> {
    const label = o.label ?? 'BestMatch';
    const FX4 = Math.ceil(o.FX / 4);
    if (Math.ceil(FX4 / WG) > 65535) throw new Error(`${label}: more than ${65535 * WG * 4} atoms`);
    const D4 = Math.ceil(o.D / 4);
    const e = await RingKernelBase.entry(ctx, 'BestMatch', code, 'bestMatch', { WG, D4 }, label);
    return new BestMatch(ctx, e, FX4, D4, o.FY, label);
  }

  encode(
    pass: GPUComputePassEncoder,
    yStart: number,
    yCount: number,
    b: { xT: Buf; y: Buf; best: Buf; arg: Buf },
  ): void {
    const params = { FX4: this.FX4, FY: this.FY, yStart, yCount };
    const grid = dispatch2d(Math.ceil(this.FX4 / WG));
    if (grid[1] !== 1) throw new Error(`${this.label}: too many atoms for one dispatch row`);
    this.run(pass, this.e, params, { 1: b.xT, 2: b.y, 3: b.best, 4: b.arg }, grid);
  }
}
