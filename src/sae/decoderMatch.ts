/**
 * Feature matching across two SAEs of the same input width D: each atom of one dictionary paired
 * with its most similar atom of the other by decoder cosine, cos(a_i, b_j) = ⟨a_i, b_j⟩ /
 * (‖a_i‖‖b_j‖) over the decoder columns (W_dec [D, F_A] and [D, F_B]), both ways, and the mean
 * of those best cosines ("mean max cosine similarity", a standard measure of how far two runs
 * learned the same features).
 *
 * The cross-Gram matrix has F_A·F_B entries (1 GiB of float32 at 16 384²) but only its row and
 * column maxima are wanted, so it is never written: shaders/bestmatch.wgsl streams the atoms of
 * one side past each atom of the other and keeps the running best (value, index), ties to the
 * lower index. The host scales every atom to unit length (a zero atom stays zero: cosine 0 with
 * all), so a dot product is a cosine. The kernel wants the matched side X as [D, F] columns
 * (the decoder's own layout, padded to a multiple of 4 atoms) and the candidates Y as rows
 * [F, D]; each direction is one sweep over Y in ranges of `rowsPerDispatch`.
 *
 * Cost: 2·F_A·F_B·D multiply-adds in all (both directions), F_A + F_B pairs read back.
 */
import { createBuffer, readbackF32, readbackU32, upload } from '../gpu/buffers';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { BestMatch } from '../gpu/kernels/bestMatch';
import { unitAtoms } from './decoderCosine';

/** Each feature's best partner in the other dictionary (−1 when it has none) and the cosine. */
export interface BestMatches {
  partner: Int32Array;
  cosine: Float32Array;
  /** Mean over the features of their best cosine. */
  meanMax: number;
}

export interface DecoderMatch {
  /** For each feature of A its best partner in B, and the reverse. */
  aToB: BestMatches;
  bToA: BestMatches;
}

/** Multiply-adds per dispatch (≈ 0.1 ms on a discrete GPU) and dispatches per submit. */
const MACS_PER_DISPATCH = 2 ** 28;
const DISPATCHES_PER_SUBMIT = 64;

const up4 = (n: number) => 4 * Math.ceil(n / 4);

/**
 * Unit atoms as columns [Dp, Fp] and as rows [F, Dp], D and F rounded up to multiples of 4 (the
 * kernel's vec4 packing; padding is zeros, which changes no dot product).
 */
export function unitLayouts(decoder: ArrayLike<number>, D: number, F: number) {
  const Dp = up4(D);
  const Fp = up4(F);
  const atoms = unitAtoms(decoder, D, F); // [F, D]
  const cols = new Float32Array(Dp * Fp);
  const rows = new Float32Array(F * Dp);
  for (let j = 0; j < F; j++)
    for (let d = 0; d < D; d++) {
      cols[d * Fp + j] = atoms[j * D + d];
      rows[j * Dp + d] = atoms[j * D + d];
    }
  return { cols, rows };
}

/** For every atom of X (decoder [D, FX]), its best atom of Y ([D, FY]). */
async function bestOf(
  ctx: KernelContext,
  decX: ArrayLike<number>,
  FX: number,
  decY: ArrayLike<number>,
  FY: number,
  D: number,
  label: string,
  rowsPerDispatch?: number,
): Promise<BestMatches> {
  const dev = ctx.device;
  const kernel = await BestMatch.create(ctx, { FX, D, FY, label });
  const Fp = 4 * kernel.FX4;
  const Dp = 4 * kernel.D4;
  const owned: { destroy(): void }[] = [kernel];
  try {
    const xT = createBuffer(dev, `${label}.xT`, Dp * Fp * 4);
    const y = createBuffer(dev, `${label}.y`, Math.max(1, FY * Dp) * 4);
    const best = createBuffer(dev, `${label}.best`, Fp * 4);
    const arg = createBuffer(dev, `${label}.arg`, Fp * 4);
    owned.push(xT, y, best, arg);
    upload(dev, xT, unitLayouts(decX, D, FX).cols);
    if (FY > 0) upload(dev, y, unitLayouts(decY, D, FY).rows);
    // Below every cosine: the first candidate always replaces it.
    upload(dev, best, new Float32Array(Fp).fill(-2));
    const rows = rowsPerDispatch ?? Math.max(4, 4 * Math.floor(MACS_PER_DISPATCH / (Fp * Dp * 4)));
    const buffers = { xT, y, best, arg };
    for (let start = 0; start < FY;) {
      submitPass(dev, `${label}.sweep${start}`, (pass) => {
        for (let n = 0; n < DISPATCHES_PER_SUBMIT && start < FY; n++, start += rows)
          kernel.encode(pass, start, rows, buffers);
      });
      await dev.queue.onSubmittedWorkDone();
    }
    const [vals, args] = await Promise.all([readbackF32(dev, best, FX), readbackU32(dev, arg, FX)]);
    return matchesOf(vals, args, FX);
  } finally {
    for (const x of owned.reverse()) x.destroy();
  }
}

/** Best-match lists as read back; a value still at −2 (no candidate at all) is "no partner". */
export function matchesOf(
  vals: ArrayLike<number>,
  rows: ArrayLike<number>,
  F: number,
): BestMatches {
  const partner = new Int32Array(F);
  const cosine = new Float32Array(F);
  let sum = 0;
  for (let j = 0; j < F; j++) {
    const none = !(vals[j] >= -1.5);
    partner[j] = none ? -1 : rows[j];
    cosine[j] = none ? NaN : vals[j];
    sum += cosine[j];
  }
  return { partner, cosine, meanMax: F > 0 ? sum / F : NaN };
}

/** Best partners both ways between two decoders of the same D (reference layout [D, F]). */
export async function decoderMatch(
  ctx: KernelContext,
  decA: ArrayLike<number>,
  decB: ArrayLike<number>,
  D: number,
  FA: number,
  FB: number,
  /** `rowsPerDispatch`: candidates per dispatch (tests: many dispatches and submits). */
  o: { label?: string; rowsPerDispatch?: number } = {},
): Promise<DecoderMatch> {
  const label = o.label ?? 'DecoderMatch';
  const per = o.rowsPerDispatch;
  const aToB = await bestOf(ctx, decA, FA, decB, FB, D, `${label}.aToB`, per);
  const bToA = await bestOf(ctx, decB, FB, decA, FA, D, `${label}.bToA`, per);
  return { aToB, bToA };
}
