/**
 * The SoftSAE backward pass on the GPU for the soft path (spec §3), dense products throughout.
 * With g = ∂ℒ/∂x̂ = 2(x̂ − xn)/B:
 *   ∂W_dec (stored [F, D]) = fᵀ·g            GEMM tn
 *   ∂f = g·W_decᵀ                            GEMM nt
 *   soft top-k backward → ∂pre [B, F], ∂k̂ [B] (+ the k-loss term inside the head's backward)
 *   k-head backward → ∂s [B], ∂z [B, F];  ∂w₂ = ∂sᵀ·z,  ∂b₂ = Σ ∂s
 *   ∂W₁ = ∂zᵀ·xc,  ∂b₁ = Σ_b ∂z;   ∂W_enc = ∂preᵀ·xc,  ∂b_enc = Σ_b ∂pre
 *   ∂xc = ∂pre·W_enc + ∂z·W₁;   ∂b_dec = Σ_b (g − ∂xc)   (b_dec enters x̂ and, negated, xc)
 * Gradients are written into the gradient arena (overwriting it).
 */
import type { KernelContext } from '../gpu/kernels/context';
import { Elementwise } from '../gpu/kernels/elementwise';
import { Gemm } from '../gpu/kernels/gemm';
import { Reduce } from '../gpu/kernels/reduce';
import type { SaeBuffers } from './buffers';
import type { SaeForward } from './forward';

export class SaeBackward {
  private constructor(
    private readonly bufs: SaeBuffers,
    private readonly fwd: SaeForward,
    private readonly k: {
      gxHat: Elementwise;
      dWdec: Gemm;
      df: Gemm;
      dW2: Gemm;
      db2: Reduce;
      dW1: Gemm;
      db1: Reduce;
      dWenc: Gemm;
      dbenc: Reduce;
      dxcEnc: Gemm;
      dxcK: Gemm;
      dbdecRows: Elementwise;
      dbdec: Reduce;
      straightThrough: Elementwise;
    },
  ) {}

  static async create(ctx: KernelContext, bufs: SaeBuffers, fwd: SaeForward): Promise<SaeBackward> {
    const { D, F, B } = bufs;
    const tn = (M: number, N: number, label: string) =>
      Gemm.create(ctx, { layout: 'tn', M, N, K: B, label });
    const colSum = (N: number, label: string) =>
      Reduce.create(ctx, { axis: 'cols', op: 'sum', M: B, N, label });
    const [
      gxHat,
      dWdec,
      df,
      dW2,
      db2,
      dW1,
      db1,
      dWenc,
      dbenc,
      dxcEnc,
      dxcK,
      dbdecRows,
      dbdec,
      straightThrough,
    ] = await Promise.all([
      Elementwise.create(ctx, 'subScaled', B * D, D, 2 / B, 'Sae.gxHat'),
      tn(F, D, 'Sae.dWdec'),
      Gemm.create(ctx, { layout: 'nt', M: B, N: F, K: D, label: 'Sae.df' }),
      tn(1, F, 'Sae.dW2'),
      colSum(1, 'Sae.db2'),
      tn(F, D, 'Sae.dW1'),
      colSum(F, 'Sae.db1'),
      tn(F, D, 'Sae.dWenc'),
      colSum(F, 'Sae.dbenc'),
      Gemm.create(ctx, { layout: 'nn', M: B, N: D, K: F, label: 'Sae.dxcEnc' }),
      Gemm.create(ctx, { layout: 'nn', M: B, N: D, K: F, beta: 1, label: 'Sae.dxcK' }),
      Elementwise.create(ctx, 'subScaled', B * D, D, 1, 'Sae.dbdecRows'),
      colSum(D, 'Sae.dbdec'),
      Elementwise.create(ctx, 'maskNonzero', B * F, F, 1, 'Sae.straightThrough'),
    ]);
    return new SaeBackward(bufs, fwd, {
      gxHat,
      dWdec,
      df,
      dW2,
      db2,
      dW1,
      db1,
      dWenc,
      dbenc,
      dxcEnc,
      dxcK,
      dbdecRows,
      dbdec,
      straightThrough,
    });
  }

  /** Encodes the soft-path backward after {@link SaeForward.encode}(pass, 'soft'). */
  encodeSoft(pass: GPUComputePassEncoder): void {
    const b = this.bufs;
    const w = b.ws;
    const p = (n: Parameters<SaeBuffers['tensor']>[0]) => b.tensor(n);
    const g = (n: Parameters<SaeBuffers['tensor']>[0]) => b.tensor(n, 'grads');
    const k = this.k;
    k.gxHat.encode(pass, { x: w.xHat, y: w.xn, out: w.gxHat });
    k.dWdec.encode(pass, { a: w.f, b: w.gxHat, c: g('decoder.weight') });
    k.df.encode(pass, { a: w.gxHat, b: p('decoder.weight'), c: w.df });
    this.fwd.softTopK.encodeBackward(pass, {
      h: w.h,
      t: w.t,
      df: w.df,
      dpre: w.dpre,
      dkHat: w.dkHat,
    });
    this.fwd.kHead.encodeBackward(pass, {
      z: w.z,
      w2: p('k_estimator.2.weight'),
      kSig: w.kSig,
      dkHat: w.dkHat,
      kLossGrad: w.kLossGrad,
      ds: w.ds,
      dz: w.dz,
    });
    k.dW2.encode(pass, { a: w.ds, b: w.z, c: g('k_estimator.2.weight') });
    k.db2.encode(pass, { x: w.ds, out: g('k_estimator.2.bias') });
    k.dW1.encode(pass, { a: w.dz, b: w.xc, c: g('k_estimator.0.weight') });
    k.db1.encode(pass, { x: w.dz, out: g('k_estimator.0.bias') });
    k.dWenc.encode(pass, { a: w.dpre, b: w.xc, c: g('encoder.weight') });
    k.dbenc.encode(pass, { x: w.dpre, out: g('encoder.bias') });
    k.dxcEnc.encode(pass, { a: w.dpre, b: p('encoder.weight'), c: w.dxc });
    k.dxcK.encode(pass, { a: w.dz, b: p('k_estimator.0.weight'), c: w.dxc });
    k.dbdecRows.encode(pass, { x: w.gxHat, y: w.dxc, out: w.dbdec });
    k.dbdec.encode(pass, { x: w.dbdec, out: g('b_dec') });
  }

  /**
   * TopK (spec §6): straight-through on the kept codes, ∂pre = ∂f·1[f ≠ 0]; then the encoder
   * and decoder gradients as in the soft path (no k-estimator). Encode after the 'topk' forward.
   */
  encodeTopK(pass: GPUComputePassEncoder): void {
    const b = this.bufs;
    const w = b.ws;
    const p = (n: Parameters<SaeBuffers['tensor']>[0]) => b.tensor(n);
    const g = (n: Parameters<SaeBuffers['tensor']>[0]) => b.tensor(n, 'grads');
    const k = this.k;
    k.gxHat.encode(pass, { x: w.xHat, y: w.xn, out: w.gxHat });
    k.dWdec.encode(pass, { a: w.f, b: w.gxHat, c: g('decoder.weight') });
    k.df.encode(pass, { a: w.gxHat, b: p('decoder.weight'), c: w.df });
    k.straightThrough.encode(pass, { x: w.df, y: w.f, out: w.dpre });
    k.dWenc.encode(pass, { a: w.dpre, b: w.xc, c: g('encoder.weight') });
    k.dbenc.encode(pass, { x: w.dpre, out: g('encoder.bias') });
    k.dxcEnc.encode(pass, { a: w.dpre, b: p('encoder.weight'), c: w.dxc });
    k.dbdecRows.encode(pass, { x: w.gxHat, y: w.dxc, out: w.dbdec });
    k.dbdec.encode(pass, { x: w.dbdec, out: g('b_dec') });
  }

  /**
   * Hard phase (spec §5.3): the codes carry no gradient, so only the decoder and b_dec learn:
   * ∂W_dec = fᵀ·g and ∂b_dec = Σ_b g. Encode after {@link SaeForward.encode}(pass, 'hard').
   */
  encodeHard(pass: GPUComputePassEncoder): void {
    const w = this.bufs.ws;
    const g = (n: Parameters<SaeBuffers['tensor']>[0]) => this.bufs.tensor(n, 'grads');
    this.k.gxHat.encode(pass, { x: w.xHat, y: w.xn, out: w.gxHat });
    this.k.dWdec.encode(pass, { a: w.f, b: w.gxHat, c: g('decoder.weight') });
    this.k.dbdec.encode(pass, { x: w.gxHat, out: g('b_dec') });
  }

  destroy(): void {
    for (const kernel of Object.values(this.k)) kernel.destroy();
  }
}
