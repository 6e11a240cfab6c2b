/**
 * Host class for shaders/cooccur.wgsl: feature firing and co-firing counts over one chunk of
 * CSR codes (rowPtr [rows + 1] starting at 0, col [nnz]).
 *   encodeFire:    col → counts [F] += rows where each feature fires
 *   encodeCooccur: rowPtr, col, feature j → counts [F] += rows where j and each feature both fire
 */
import code from '../../../shaders/cooccur.wgsl?raw';
import { parseUniformLayout } from '../uniforms';
import { dispatch2d, type Buf, type KernelContext } from './context';
import { RingKernelBase, type RingEntryPoint } from './ringKernel';

const PARAMS = parseUniformLayout(code, 'Params');
const WG = 64;

export class Cooccur extends RingKernelBase {
  private constructor(
    ctx: KernelContext,
    private readonly e: { fire: RingEntryPoint; co: RingEntryPoint },
    label: string,
  ) {
    super(ctx, PARAMS, label);
  }

  static async create(ctx: KernelContext, o: { label?: string } = {}): Promise<Cooccur> {
    const label = o.label ?? 'Cooccur';
    const entry = (name: string) => RingKernelBase.entry(ctx, 'Cooccur', code, name, { WG }, label);
    const [fire, co] = await Promise.all([entry('fireCount'), entry('cooccurCount')]);
    return new Cooccur(ctx, { fire, co }, label);
  }

  /** counts[c] += #entries of column c among the chunk's `nnz` entries. */
  encodeFire(pass: GPUComputePassEncoder, nnz: number, b: { col: Buf; counts: Buf }): void {
    if (nnz === 0) return;
    const grid = dispatch2d(Math.ceil(nnz / WG));
    const params = { rows: 0, nnz, feature: 0, gridX: grid[0] };
    this.run(pass, this.e.fire, params, { 2: b.col, 3: b.counts }, grid);
  }

  /** counts[c] += #rows of the chunk holding both `feature` and c. */
  encodeCooccur(
    pass: GPUComputePassEncoder,
    rows: number,
    nnz: number,
    feature: number,
    b: { rowPtr: Buf; col: Buf; counts: Buf },
  ): void {
    if (rows === 0 || nnz === 0) return;
    const grid = dispatch2d(Math.ceil(rows / WG));
    const params = { rows, nnz, feature, gridX: grid[0] };
    this.run(pass, this.e.co, params, { 1: b.rowPtr, 2: b.col, 3: b.counts }, grid);
  }
}
