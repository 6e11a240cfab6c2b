/**
 * The step's products over the active entries only (spec: work that scales with what is
 * active), with the dense GEMMs as the fallback chosen on the GPU, in the same step:
 *
 *   codes f [B, F]  → CSR lists "F" (+ CSC for ∂W_dec)   x̂ = f·W_decᵀ + b_dec,  ∂f,  ∂W_dec
 *   ∂pre [B, F]     → CSR + CSC lists "P"                 ∂W_enc = ∂preᵀ·xc
 *
 * "Active" is exactly nonzero, so results equal the dense products' up to summation order:
 * the soft path's f is 0 where p underflows (or h = 0), ∂pre is 0 where both p and the Laplace
 * density g underflow, and ∂f is only ever needed where f ≠ 0 (∂pre = ∂f·p + (g/a)(∂f·h − ū)
 * with g ≤ p below t and p ≈ 1 above it; ū's softmax weights are ∝ g). TopK / BatchTopK /
 * hard codes are nonzero on the kept set only.
 *
 * Each list set holds at most `capacity` entries. When a batch has more active entries (e.g.
 * early training, α annealed from 1), the list's overflow flag makes a {@link DispatchGate}
 * run the dense GEMMs instead: the sparse and the dense kernels are both encoded, and the gate
 * zeroes the workgroup count of the side that must not run.
 */
import type { Buf, KernelContext } from '../gpu/kernels/context';
import { DispatchGate } from '../gpu/kernels/gate';
import {
  createSparseListBuffers,
  SparseCompact,
  SparseTranspose,
  type SparseListBuffers,
} from '../gpu/kernels/sparseLists';
import { SparseDecoder, SparseEncoderGrad } from '../gpu/kernels/sparseSae';
import { createBuffer } from '../gpu/buffers';
import { sparseCapacity } from './memoryPlan';

export { sparseCapacity };

/** Status word of the lists that says they overflowed (see sparseLists.ts). */
const OVERFLOW = 2;

export interface SparseProducts {
  /** x̂ [B, D] from f (dense: the decoder GEMM, encoded by `dense`). */
  decoderForward(pass: GPUComputePassEncoder, b: SparseDecoderBufs, dense: () => void): void;
  /** ∂W_decᵀ [F, D] = fᵀ·g and, if `df` is given, ∂f [B, F] (0 where f = 0). */
  decoderBackward(
    pass: GPUComputePassEncoder,
    b: SparseDecoderBufs & { g: Buf; dWDecT: Buf; df?: Buf },
    dense: () => void,
  ): void;
  /** ∂W_enc [F, D] = ∂preᵀ·xc. */
  encoderWeightGrad(
    pass: GPUComputePassEncoder,
    b: { dpre: Buf; xc: Buf; dWEnc: Buf },
    dense: () => void,
  ): void;
  /** The code lists' status [total active, stored, overflow, max per row] (for the metrics). */
  readonly codeStatus: GPUBuffer;
  readonly capacity: number;
  destroy(): void;
}

export interface SparseDecoderBufs {
  f: Buf;
  wDecT: Buf;
  bDec: Buf;
  xHat: Buf;
}

export class SparsePath implements SparseProducts {
  private constructor(
    readonly capacity: number,
    private readonly lists: { f: SparseListBuffers; p: SparseListBuffers },
    private readonly gates: { f: DispatchGate; p: DispatchGate },
    private readonly k: {
      compactF: SparseCompact;
      compactP: SparseCompact;
      transposeF: SparseTranspose;
      transposeP: SparseTranspose;
      decoder: SparseDecoder;
      encoder: SparseEncoderGrad;
    },
    /** [capacity] ∂f at the code lists' entries. */
    private readonly dfVal: GPUBuffer,
  ) {}

  static async create(
    ctx: KernelContext,
    s: { B: number; F: number; D: number; capacity: number; label?: string },
  ): Promise<SparsePath> {
    const label = s.label ?? 'Sae.sparse';
    const shape = { B: s.B, F: s.F, capacity: s.capacity };
    const lists = {
      f: createSparseListBuffers(ctx.device, shape, `${label}.fLists`),
      p: createSparseListBuffers(ctx.device, shape, `${label}.pLists`),
    };
    const gate = (name: string) =>
      DispatchGate.create(ctx, { maxSlots: 32, flagIndex: OVERFLOW, label: `${label}.${name}` });
    // One compaction and transpose per list set, so each keeps its bind groups cached.
    const [gf, gp, compactF, compactP, transposeF, transposeP, decoder, encoder] =
      await Promise.all([
        gate('fGate'),
        gate('pGate'),
        SparseCompact.create(ctx, { ...shape, label: `${label}.compactF` }),
        SparseCompact.create(ctx, { ...shape, label: `${label}.compactP` }),
        SparseTranspose.create(ctx, { ...shape, label: `${label}.transposeF` }),
        SparseTranspose.create(ctx, { ...shape, label: `${label}.transposeP` }),
        SparseDecoder.create(ctx, { B: s.B, F: s.F, D: s.D, label: `${label}.decoder` }),
        SparseEncoderGrad.create(ctx, { B: s.B, F: s.F, D: s.D, label: `${label}.encoder` }),
      ]);
    const dfVal = createBuffer(ctx.device, `${label}.dfVal`, s.capacity * 4);
    return new SparsePath(
      s.capacity,
      lists,
      { f: gf, p: gp },
      { compactF, compactP, transposeF, transposeP, decoder, encoder },
      dfVal,
    );
  }

  get codeStatus(): GPUBuffer {
    return this.lists.f.status;
  }

  decoderForward(pass: GPUComputePassEncoder, b: SparseDecoderBufs, dense: () => void): void {
    const lists = this.lists.f;
    this.k.compactF.encode(pass, b.f, lists);
    this.gates.f.encode(pass, lists.status);
    this.gates.f.when(true, dense);
    this.gates.f.when(false, () =>
      this.k.decoder.encodeForward(pass, { lists, wDecT: b.wDecT, bDec: b.bDec, xHat: b.xHat }),
    );
  }

  decoderBackward(
    pass: GPUComputePassEncoder,
    b: SparseDecoderBufs & { g: Buf; dWDecT: Buf; df?: Buf },
    dense: () => void,
  ): void {
    const lists = this.lists.f;
    this.gates.f.when(true, dense);
    this.gates.f.when(false, () => {
      this.k.transposeF.encode(pass, lists);
      this.k.decoder.encodeDW(pass, { lists, g: b.g, dWDecT: b.dWDecT });
      if (b.df)
        this.k.decoder.encodeDf(pass, {
          lists,
          g: b.g,
          wDecT: b.wDecT,
          dfVal: this.dfVal,
          df: b.df,
        });
    });
  }

  encoderWeightGrad(
    pass: GPUComputePassEncoder,
    b: { dpre: Buf; xc: Buf; dWEnc: Buf },
    dense: () => void,
  ): void {
    const lists = this.lists.p;
    this.k.compactP.encode(pass, b.dpre, lists);
    this.gates.p.encode(pass, lists.status);
    this.gates.p.when(true, dense);
    this.gates.p.when(false, () => {
      this.k.transposeP.encode(pass, lists);
      this.k.encoder.encodeDW(pass, { lists, dpreVals: lists.valA, xc: b.xc, dWEnc: b.dWEnc });
    });
  }

  destroy(): void {
    this.lists.f.destroy();
    this.lists.p.destroy();
    this.gates.f.destroy();
    this.gates.p.destroy();
    for (const kernel of Object.values(this.k)) kernel.destroy();
    this.dfVal.destroy();
  }
}
