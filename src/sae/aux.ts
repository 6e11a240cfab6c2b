/**
 * The aux-k term of spec §4 on the GPU, for every architecture, as in the float64 reference
 * (src/reference/sae/loss.ts auxLoss, backward.ts):
 *   forward  (after the dead-feature update, before the backward pass)
 *     zAux = per row, the top min(⌊D/2⌋, #dead) entries of h among the dead features  [B, F]
 *     rec  = zAux·W_dec  (decoder stored [F, D])                          GEMM nn     [B, D]
 *     aux  = mean_b ‖e − rec‖² / mean_b ‖e − ē‖²,  e = xn − x̂ a constant; λ·aux joins the loss
 *     g    = ∂(λ·aux)/∂rec = −2λ(e − rec)/(B·den)   (0 when inactive)              [B, D]
 *   backward (after the main decoder gradient and ∂pre of the step's mode)
 *     ∂W_dec += zAuxᵀ·g                                                   GEMM tn, β = 1
 *     ∂f_aux  = g·W_decᵀ;  ∂pre (+)= ∂f_aux·1[zAux ≠ 0]   (the selected entries, with h > 0)
 * #dead is read on the GPU (the dead-feature kernel's count), so whether the term is active is
 * never known to the host: inactive, every product above is exactly zero.
 */
import { createBuffer } from '../gpu/buffers';
import { AuxLoss } from '../gpu/kernels/auxk';
import type { Buf, KernelContext } from '../gpu/kernels/context';
import { Elementwise } from '../gpu/kernels/elementwise';
import { Gemm } from '../gpu/kernels/gemm';
import { LOSS_SCALARS } from '../gpu/kernels/loss';
import { RowTopK } from '../gpu/kernels/topk';
import type { SaeBuffers } from './buffers';

/** Float index in the workspace `scalars` where the aux value is written. */
export const AUX_SCALAR = 7;

export class SaeAux {
  /** Selected dead entries of h [B, F]. */
  readonly zAux: GPUBuffer;
  /** zAux·W_dec, then (in place) the gradient g [B, D]. */
  readonly rec: GPUBuffer;
  private readonly l0: GPUBuffer;

  private constructor(
    private readonly bufs: SaeBuffers,
    private readonly k: {
      select: RowTopK;
      rec: Gemm;
      loss: AuxLoss;
      dWdec: Gemm;
      df: Gemm;
      mask: Elementwise;
      maskAdd: Elementwise;
    },
  ) {
    const { device, B, D, F } = bufs;
    this.zAux = createBuffer(device, 'Sae.aux.zAux', B * F * 4);
    this.rec = createBuffer(device, 'Sae.aux.rec', B * D * 4);
    this.l0 = createBuffer(device, 'Sae.aux.l0', B * 4);
  }

  /** @param lambda λ_aux */
  static async create(ctx: KernelContext, bufs: SaeBuffers, lambda: number): Promise<SaeAux> {
    const { B, D, F } = bufs;
    const [select, rec, loss, dWdec, df, mask, maskAdd] = await Promise.all([
      RowTopK.create(ctx, {
        B,
        F,
        mode: { kind: 'dead', k: Math.floor(D / 2) },
        label: 'Sae.aux.select',
      }),
      Gemm.create(ctx, { layout: 'nn', M: B, N: D, K: F, label: 'Sae.aux.rec' }),
      AuxLoss.create(ctx, {
        B,
        D,
        lambda,
        totalIndex: LOSS_SCALARS.total,
        auxIndex: AUX_SCALAR,
        label: 'Sae.aux.loss',
      }),
      Gemm.create(ctx, { layout: 'tn', M: F, N: D, K: B, beta: 1, label: 'Sae.aux.dWdec' }),
      Gemm.create(ctx, { layout: 'nt', M: B, N: F, K: D, label: 'Sae.aux.df' }),
      Elementwise.create(ctx, 'maskNonzero', B * F, F, 1, 'Sae.aux.mask'),
      Elementwise.create(ctx, 'maskNonzeroAdd', B * F, F, 1, 'Sae.aux.maskAdd'),
    ]);
    return new SaeAux(bufs, { select, rec, loss, dWdec, df, mask, maskAdd });
  }

  /**
   * The selection, the loss (added to the workspace scalars) and g. Encode after the forward
   * pass and the dead-feature update that wrote `dead` [F] and `deadCount` [1] (u32).
   */
  encodeForward(pass: GPUComputePassEncoder, b: { dead: Buf; deadCount: Buf }): void {
    const w = this.bufs.ws;
    const k = this.k;
    k.select.encode(pass, {
      h: w.h,
      dead: b.dead,
      deadCount: b.deadCount,
      f: this.zAux,
      l0: this.l0,
    });
    k.rec.encode(pass, { a: this.zAux, b: this.bufs.tensor('decoder.weight'), c: this.rec });
    k.loss.encode(pass, { e: w.resid, rec: this.rec, deadCount: b.deadCount, scalars: w.scalars });
  }

  /**
   * Adds the aux gradient to ∂W_dec (already written by the step's decoder gradient) and to ∂pre:
   * added when `accumulate` (soft / TopK / BatchTopK, whose ∂pre is already written), written
   * otherwise (the hard phase, where the codes carry no other gradient). Uses the workspace `df`
   * as scratch: encode after the mode's own backward has consumed it.
   */
  encodeBackward(pass: GPUComputePassEncoder, accumulate: boolean): void {
    const w = this.bufs.ws;
    const k = this.k;
    k.dWdec.encode(pass, {
      a: this.zAux,
      b: this.rec,
      c: this.bufs.tensor('decoder.weight', 'grads'),
    });
    k.df.encode(pass, { a: this.rec, b: this.bufs.tensor('decoder.weight'), c: w.df });
    (accumulate ? k.maskAdd : k.mask).encode(pass, { x: w.df, y: this.zAux, out: w.dpre });
  }

  destroy(): void {
    for (const kernel of Object.values(this.k)) kernel.destroy();
    this.zAux.destroy();
    this.rec.destroy();
    this.l0.destroy();
  }
}
