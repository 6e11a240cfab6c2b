/**
 * Drop-in sparse replacements for the dense GEMMs of the SAE step (src/sae/forward.ts and
 * backward.ts), built on the lists of {@link SparseListBuffers}. W_dec is stored transposed,
 * [F, D], so atom j is the contiguous row j; every product below touches only active atoms.
 *
 * SparseDecoder (lists = CSR/CSC of the codes f; valA = f values):
 *  - encodeForward  x̂ = f·W_decᵀ + b_dec            replaces `Sae.decoder` (GEMM nn + bias)
 *  - encodeDf       ∂f at active (b, j) only        replaces `Sae.df`      (GEMM nt, g·W_dec)
 *  - encodeDW       ∂W_decᵀ = fᵀ·g, zero rows for   replaces `Sae.dWdec`   (GEMM tn)
 *                   inactive features (needs the CSC: SparseTranspose first)
 * SparseEncoderGrad (lists of ∂pre, or of the union (f, ∂pre) with ∂pre in valB):
 *  - encodeDW       ∂W_enc = ∂preᵀ·xc, zero rows    replaces `Sae.dWenc`   (GEMM tn)
 *                   for inactive features (needs the CSC)
 *  - encodeDxc      ∂xc = ∂pre·W_enc (+ beta·∂xc)   replaces `Sae.dxcEnc`  (GEMM nn)
 * Cost: O(nnz·D) multiply-adds instead of O(B·F·D), plus O(F·D) zero writes for the weight
 * gradients (the optimizer reads the whole gradient tensor, so untouched rows must be 0).
 */
import type { Buf, KernelContext } from './context';
import { SegmentGather } from './sparseGather';
import { SparseDot } from './sparseDot';
import type { SparseListBuffers } from './sparseLists';

export interface SparseSaeShape {
  B: number;
  F: number;
  D: number;
}

export class SparseDecoder {
  private constructor(
    private readonly fwd: SegmentGather,
    private readonly df: SparseDot,
    private readonly dW: SegmentGather,
  ) {}

  static async create(
    ctx: KernelContext,
    s: SparseSaeShape & { label?: string },
  ): Promise<SparseDecoder> {
    const label = s.label ?? 'SparseDecoder';
    const [fwd, df, dW] = await Promise.all([
      SegmentGather.create(ctx, {
        S: s.B,
        D: s.D,
        indirect: false,
        bias: true,
        label: `${label}.forward`,
      }),
      SparseDot.create(ctx, { B: s.B, F: s.F, D: s.D, denseOut: true, label: `${label}.df` }),
      SegmentGather.create(ctx, { S: s.F, D: s.D, indirect: true, label: `${label}.dW` }),
    ]);
    return new SparseDecoder(fwd, df, dW);
  }

  /** CSR of f, W_decᵀ [F, D], b_dec [D] → x̂ [B, D]. */
  encodeForward(
    pass: GPUComputePassEncoder,
    b: { lists: SparseListBuffers; wDecT: Buf; bDec: Buf; xHat: Buf },
  ): void {
    const l = b.lists;
    this.fwd.encode(pass, {
      ptr: l.rowPtr,
      index: l.col,
      vals: l.valA,
      mat: b.wDecT,
      bias: b.bDec,
      out: b.xHat,
    });
  }

  /** CSR of f, g = ∂ℒ/∂x̂ [B, D], W_decᵀ → dfVal [capacity] and df [B, F] (0 where inactive). */
  encodeDf(
    pass: GPUComputePassEncoder,
    b: { lists: SparseListBuffers; g: Buf; wDecT: Buf; dfVal: Buf; df: Buf },
  ): void {
    this.df.encode(pass, {
      rowPtr: b.lists.rowPtr,
      col: b.lists.col,
      g: b.g,
      mat: b.wDecT,
      outVal: b.dfVal,
      outDense: b.df,
    });
  }

  /** CSC of f (valA = f), g [B, D] → ∂W_decᵀ [F, D]. */
  encodeDW(
    pass: GPUComputePassEncoder,
    b: { lists: SparseListBuffers; g: Buf; dWDecT: Buf },
  ): void {
    encodeCscGather(pass, this.dW, b.lists, b.lists.valA, b.g, b.dWDecT);
  }

  destroy(): void {
    this.fwd.destroy();
    this.df.destroy();
    this.dW.destroy();
  }
}

/** Σ over the rows of each feature's CSC list of vals·mat[row, :] → out [F, D] (a weight gradient). */
function encodeCscGather(
  pass: GPUComputePassEncoder,
  gather: SegmentGather,
  l: SparseListBuffers,
  vals: Buf,
  mat: Buf,
  out: Buf,
): void {
  gather.encode(pass, { ptr: l.colPtr, index: l.cscRow, entry: l.cscEntry, vals, mat, out });
}

export class SparseEncoderGrad {
  private constructor(
    private readonly dW: SegmentGather,
    private readonly dxc: SegmentGather,
  ) {}

  /** @param beta ∂xc = ∂pre·W_enc + beta·∂xc_old (1 to add onto the k-estimator's term). */
  static async create(
    ctx: KernelContext,
    s: SparseSaeShape & { beta?: number; label?: string },
  ): Promise<SparseEncoderGrad> {
    const label = s.label ?? 'SparseEncoderGrad';
    const [dW, dxc] = await Promise.all([
      SegmentGather.create(ctx, { S: s.F, D: s.D, indirect: true, label: `${label}.dW` }),
      SegmentGather.create(ctx, {
        S: s.B,
        D: s.D,
        indirect: false,
        beta: s.beta ?? 0,
        label: `${label}.dxc`,
      }),
    ]);
    return new SparseEncoderGrad(dW, dxc);
  }

  /** CSC of ∂pre, its values (valA or valB of the lists), xc [B, D] → ∂W_enc [F, D]. */
  encodeDW(
    pass: GPUComputePassEncoder,
    b: { lists: SparseListBuffers; dpreVals: Buf; xc: Buf; dWEnc: Buf },
  ): void {
    encodeCscGather(pass, this.dW, b.lists, b.dpreVals, b.xc, b.dWEnc);
  }

  /** CSR of ∂pre, its values, W_enc [F, D] → ∂xc [B, D]. */
  encodeDxc(
    pass: GPUComputePassEncoder,
    b: { lists: SparseListBuffers; dpreVals: Buf; wEnc: Buf; dxc: Buf },
  ): void {
    const l = b.lists;
    this.dxc.encode(pass, {
      ptr: l.rowPtr,
      index: l.col,
      vals: b.dpreVals,
      mat: b.wEnc,
      out: b.dxc,
    });
  }

  destroy(): void {
    this.dW.destroy();
    this.dxc.destroy();
  }
}
