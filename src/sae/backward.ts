/**
 * The SoftSAE backward pass on the GPU for the soft path (spec §3), dense products throughout.
 * With g = ∂ℒ/∂x̂ = 2(x̂ − xn)/B:
 *   ∂W_dec (stored [F, D]) = fᵀ·g            GEMM tn
 *   ∂f = g·W_decᵀ                            GEMM nt
 *   soft top-k backward → ∂pre [B, F], ∂k̂ [B] (+ the k-loss term inside the head's backward)
 *   k-head backward → ∂s [B], ∂z [B, F];  ∂w₂ = ∂sᵀ·z,  ∂b₂ = Σ ∂s
 *   ∂W₁ = ∂zᵀ·xc,  ∂b₁ = Σ_b ∂z;   ∂W_enc = ∂preᵀ·xc,  ∂b_enc = Σ_b ∂pre
 *   ∂b_dec = Σ_b (g − ∂xc) with ∂xc = ∂pre·W_enc + ∂z·W₁   (b_dec enters x̂ and, negated, xc)
 *          = Σ_b g − ∂b_enc·W_enc − ∂b₁·W₁
 *   xc only feeds b_dec's gradient (x is data), so the row sums are taken first: two [1, F]·[F, D]
 *   products instead of two B×F×D GEMMs for ∂xc.
 * Gradients are written into the gradient buffers (overwriting them). With an {@link SaeAux}, the
 * aux-k gradient joins ∂W_dec and ∂pre before the encoder products (every mode); in the hard
 * phase it is then the encoder's only gradient.
 */
import type { KernelContext } from '../gpu/kernels/context';
import { Elementwise } from '../gpu/kernels/elementwise';
import { Gemm } from '../gpu/kernels/gemm';
import { Reduce } from '../gpu/kernels/reduce';
import type { ParamName } from '../model/params';
import type { SaeAux } from './aux';
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
      dpreSum: Reduce;
      dzSum: Reduce;
      dbdecEnc: Gemm;
      dbdecK: Gemm;
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
      dpreSum,
      dzSum,
      dbdecEnc,
      dbdecK,
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
      colSum(F, 'Sae.dpreSum'),
      colSum(F, 'Sae.dzSum'),
      // ∂b_dec −= ∂b_enc·W_enc and −= ∂b₁·W₁: [1, F]·[F, D], accumulated (β = 1, α = −1).
      Gemm.create(ctx, {
        layout: 'nn',
        M: 1,
        N: D,
        K: F,
        alpha: -1,
        beta: 1,
        label: 'Sae.dbdecEnc',
      }),
      Gemm.create(ctx, { layout: 'nn', M: 1, N: D, K: F, alpha: -1, beta: 1, label: 'Sae.dbdecK' }),
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
      dpreSum,
      dzSum,
      dbdecEnc,
      dbdecK,
      dbdec,
      straightThrough,
    });
  }

  private param = (n: ParamName) => this.bufs.tensor(n);
  private grad = (n: ParamName) => this.bufs.tensor(n, 'grads');

  /**
   * g = ∂ℒ/∂x̂ = 2(x̂ − xn)/B, ∂W_dec = fᵀ·g, and (if asked) ∂f = g·W_decᵀ — over the active
   * codes when the forward built their lists, else (or on overflow) dense.
   */
  private encodeDecoder(pass: GPUComputePassEncoder, withDf: boolean): void {
    const w = this.bufs.ws;
    const wDecT = this.param('decoder.weight');
    const dWDecT = this.grad('decoder.weight');
    this.k.gxHat.encode(pass, { x: w.xHat, y: w.xn, out: w.gxHat });
    const dense = () => {
      this.k.dWdec.encode(pass, { a: w.f, b: w.gxHat, c: dWDecT });
      if (withDf) this.k.df.encode(pass, { a: w.gxHat, b: wDecT, c: w.df });
    };
    const sparse = this.fwd.sparse;
    if (!sparse) return dense();
    const bufs = { f: w.f, wDecT, bDec: this.param('b_dec'), xHat: w.xHat, g: w.gxHat, dWDecT };
    sparse.decoderBackward(pass, withDf ? { ...bufs, df: w.df } : bufs, dense);
  }

  /**
   * From ∂pre (and ∂z when the k-estimator trains): ∂W_enc, ∂b_enc and
   * ∂b_dec = Σ_b g − ∂b_enc·W_enc (− ∂b₁·W₁).
   */
  private encodeEncoder(pass: GPUComputePassEncoder, withK: boolean): void {
    const w = this.bufs.ws;
    const k = this.k;
    const gBdec = this.grad('b_dec');
    const dWEnc = this.grad('encoder.weight');
    const dense = () => k.dWenc.encode(pass, { a: w.dpre, b: w.xc, c: dWEnc });
    if (this.fwd.sparse)
      this.fwd.sparse.encoderWeightGrad(pass, { dpre: w.dpre, xc: w.xc, dWEnc }, dense);
    else dense();
    k.dbenc.encode(pass, { x: w.dpre, out: this.grad('encoder.bias') });
    k.dbdec.encode(pass, { x: w.gxHat, out: gBdec });
    k.dpreSum.encode(pass, { x: w.dpre, out: w.dpreSum });
    k.dbdecEnc.encode(pass, { a: w.dpreSum, b: this.param('encoder.weight'), c: gBdec });
    if (withK) {
      k.dzSum.encode(pass, { x: w.dz, out: w.dzSum });
      k.dbdecK.encode(pass, { a: w.dzSum, b: this.param('k_estimator.0.weight'), c: gBdec });
    }
  }

  /**
   * Encodes the soft-path backward after {@link SaeForward.encode}(pass, 'soft') (and, with
   * `aux`, after {@link SaeAux.encodeForward}).
   */
  encodeSoft(pass: GPUComputePassEncoder, aux?: SaeAux): void {
    const w = this.bufs.ws;
    const k = this.k;
    this.encodeDecoder(pass, true);
    this.fwd.softTopK.encodeBackward(pass, {
      h: w.h,
      t: w.t,
      df: w.df,
      dpre: w.dpre,
      dkHat: w.dkHat,
    });
    this.fwd.kHead.encodeBackward(pass, {
      z: w.z,
      w2: this.param('k_estimator.2.weight'),
      kSig: w.kSig,
      dkHat: w.dkHat,
      kLossGrad: w.kLossGrad,
      ds: w.ds,
      dz: w.dz,
    });
    k.dW2.encode(pass, { a: w.ds, b: w.z, c: this.grad('k_estimator.2.weight') });
    k.db2.encode(pass, { x: w.ds, out: this.grad('k_estimator.2.bias') });
    k.dW1.encode(pass, { a: w.dz, b: w.xc, c: this.grad('k_estimator.0.weight') });
    k.db1.encode(pass, { x: w.dz, out: this.grad('k_estimator.0.bias') });
    aux?.encodeBackward(pass, true);
    this.encodeEncoder(pass, true);
  }

  /**
   * TopK and BatchTopK (spec §6): straight-through on the kept codes, ∂pre = ∂f·1[f ≠ 0]; then
   * the encoder and decoder gradients as in the soft path (no k-estimator). Encode after the
   * 'topk' or 'batchtopk' forward.
   */
  encodeTopK(pass: GPUComputePassEncoder, aux?: SaeAux): void {
    const w = this.bufs.ws;
    this.encodeDecoder(pass, true);
    this.k.straightThrough.encode(pass, { x: w.df, y: w.f, out: w.dpre });
    aux?.encodeBackward(pass, true);
    this.encodeEncoder(pass, false);
  }

  /**
   * Hard phase (spec §5.3): the codes carry no gradient, so from the reconstruction only the
   * decoder and b_dec learn: ∂W_dec = fᵀ·g and ∂b_dec = Σ_b g. With `aux`, ∂pre is the aux
   * gradient alone and the encoder products run too (∂b_dec = Σ_b (g − ∂xc)); whether the encoder
   * then has a gradient at all is the optimizer's GPU-side decision (aux active or not).
   * Encode after {@link SaeForward.encode}(pass, 'hard').
   */
  encodeHard(pass: GPUComputePassEncoder, aux?: SaeAux): void {
    this.encodeDecoder(pass, false);
    if (aux) {
      aux.encodeBackward(pass, false);
      this.encodeEncoder(pass, false);
    } else this.k.dbdec.encode(pass, { x: this.bufs.ws.gxHat, out: this.grad('b_dec') });
  }

  destroy(): void {
    for (const kernel of Object.values(this.k)) kernel.destroy();
  }
}
