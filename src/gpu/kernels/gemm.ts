/**
 * Host class for shaders/gemm.wgsl: one pipeline per (layout, epilogue, tile) combination.
 *
 * Layouts (all row-major):
 *  - `nn`: C[M,N] = A[M,K] · B[K,N]
 *  - `nt`: C[M,N] = A[M,K] · B[N,K]ᵀ
 *  - `tn`: C[M,N] = A[K,M]ᵀ · B[K,N]
 * Epilogue: C = alpha·(op(A)·op(B)) + beta·C_old + bias[n], then ReLU if asked.
 * `pair`: one dispatch also computes C2 from the same A with B2 and bias2 (same sizes, layout and
 * epilogue), e.g. SoftSAE's encoder and k-estimator hidden layer on the centred input.
 */
import code from '../../../shaders/gemm.wgsl?raw';
import type { GemmLayout } from '../../model/kernelOps';
import { parseUniformLayout } from '../uniforms';
import { SingleKernel } from './kernel';
import { type Buf, type KernelContext } from './context';

export type { GemmLayout };

export interface GemmTiles {
  /** Threads along N; the block is 4·wgX columns wide. */
  wgX: number;
  /** Threads along M; the block is 4·wgY rows tall. */
  wgY: number;
  /** K step staged in workgroup memory per iteration (a multiple of 4). */
  tk: number;
}

export const DEFAULT_GEMM_TILES: GemmTiles = { wgX: 8, wgY: 8, tk: 32 };
/**
 * At most 4 rows (a row vector times a matrix, e.g. ∂w₂ = ∂sᵀ·z or ∂b_enc·W_enc): a block one
 * thread tall and 256 columns wide, so that a 32-row block does not compute 31 rows of nothing.
 * tk = 8 keeps the staged B tile at 8 KiB.
 */
export const ROW_GEMM_TILES: GemmTiles = { wgX: 64, wgY: 1, tk: 8 };
/** Register block per thread (consts TM, TN in the WGSL). */
export const GEMM_THREAD_BLOCK = 4;

export interface GemmOptions {
  layout: GemmLayout;
  M: number;
  N: number;
  K: number;
  alpha?: number;
  beta?: number;
  bias?: boolean;
  relu?: boolean;
  tiles?: GemmTiles;
  /** Two products sharing A in one dispatch (encode then needs b2, c2 and, with bias, bias2). */
  pair?: boolean;
  label?: string;
}

export interface GemmBuffers {
  a: Buf;
  b: Buf;
  c: Buf;
  bias?: Buf;
  /** The pair's second product: C2 = alpha·op(A)·op(B2) + beta·C2_old + bias2. */
  b2?: Buf;
  c2?: Buf;
  bias2?: Buf;
}

const PARAMS = parseUniformLayout(code, 'Params');

export class Gemm extends SingleKernel {
  private constructor(
    ctx: KernelContext,
    pipeline: GPUComputePipeline,
    readonly options: Required<Omit<GemmOptions, 'label'>>,
    label: string,
  ) {
    super(ctx, pipeline, PARAMS, label);
    this.setScalars(options.alpha, options.beta);
  }

  static async create(ctx: KernelContext, opts: GemmOptions): Promise<Gemm> {
    const options = {
      layout: opts.layout,
      M: opts.M,
      N: opts.N,
      K: opts.K,
      alpha: opts.alpha ?? 1,
      beta: opts.beta ?? 0,
      bias: opts.bias ?? false,
      relu: opts.relu ?? false,
      pair: opts.pair ?? false,
      tiles: opts.tiles ?? (opts.M <= GEMM_THREAD_BLOCK ? ROW_GEMM_TILES : DEFAULT_GEMM_TILES),
    };
    const label = opts.label ?? `Gemm.${opts.layout}`;
    const t = options.tiles;
    const pipeline = await ctx.pipelines.get('Gemm', code, 'gemm', {
      TRANS_A: options.layout === 'tn' ? 1 : 0,
      TRANS_B: options.layout === 'nt' ? 1 : 0,
      HAS_BIAS: options.bias ? 1 : 0,
      RELU: options.relu ? 1 : 0,
      WG_X: t.wgX,
      WG_Y: t.wgY,
      TK: t.tk,
      PAIR: options.pair ? 1 : 0,
    });
    return new Gemm(ctx, pipeline, options, label);
  }

  /** Changes alpha and beta (takes effect at the next queue submission). */
  setScalars(alpha: number, beta: number): void {
    const { M, N, K } = this.options;
    this.uniform.write({ M, N, K, alpha, beta });
  }

  /** Floating-point operations of one call (2·M·N·K, twice that for a pair). */
  get flops(): number {
    const { M, N, K, pair } = this.options;
    return 2 * M * N * K * (pair ? 2 : 1);
  }

  encode(pass: GPUComputePassEncoder, buffers: GemmBuffers): void {
    const { M, N, tiles, pair } = this.options;
    const bias = buffers.bias ?? this.ctx.empty;
    let second: Buf[];
    if (pair) {
      const { b2, c2, bias2 } = buffers;
      if (!b2 || !c2 || (this.options.bias && !bias2))
        throw new Error(`${this.label}: a pair needs b2, c2 and, with a bias, bias2`);
      second = [b2, c2, bias2 ?? this.ctx.empty];
    } else {
      // Bound but never read or written: B and the bias again (read-only bindings may repeat),
      // and a scratch output (writable bindings may not alias C).
      second = [buffers.b, this.ctx.scratch, bias];
    }
    const blocksN = Math.ceil(N / (tiles.wgX * GEMM_THREAD_BLOCK));
    this.bindAndDispatch(
      pass,
      [buffers.a, buffers.b, buffers.c, bias, ...second],
      [blocksN * (pair ? 2 : 1), Math.ceil(M / (tiles.wgY * GEMM_THREAD_BLOCK))],
    );
  }
}
