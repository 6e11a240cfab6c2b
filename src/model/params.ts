/**
 * SoftSAE parameters in the reference (PyTorch state_dict) layout, their seeded initialisation
 * (spec §1) and the input normalisation helpers (spec §2).
 *
 * All matrices are row-major Float64Arrays: `encoder.weight` [F, D] means element (j, d) lives at
 * `j * D + d`; `decoder.weight` [D, F] means element (d, j) lives at `d * F + j`, so decoder
 * *column* j (the dictionary atom of feature j) is strided by F.
 */
import { createRng } from './rng.ts';

/** Trainable tensors, named exactly as in the reference state_dict. */
export const PARAM_NAMES = [
  'encoder.weight',
  'encoder.bias',
  'decoder.weight',
  'b_dec',
  'k_estimator.0.weight',
  'k_estimator.0.bias',
  'k_estimator.2.weight',
  'k_estimator.2.bias',
] as const;

/** One of {@link PARAM_NAMES}. */
export type ParamName = (typeof PARAM_NAMES)[number];

/** The trainable tensors of a model (all float64, row-major). */
export type ParamTensors = Record<ParamName, Float64Array>;

/** Gradients: a missing entry means "no gradient this step" (PyTorch's `grad is None`). */
export type ParamGrads = Partial<Record<ParamName, Float64Array>>;

/** Shape of each tensor for input width `D` and dictionary size `F`. */
export function paramShape(name: ParamName, D: number, F: number): number[] {
  switch (name) {
    case 'encoder.weight':
    case 'k_estimator.0.weight':
      return [F, D];
    case 'decoder.weight':
      return [D, F];
    case 'encoder.bias':
    case 'k_estimator.0.bias':
      return [F];
    case 'b_dec':
      return [D];
    case 'k_estimator.2.weight':
      return [1, F];
    case 'k_estimator.2.bias':
      return [1];
  }
}

/** Number of elements of a tensor. */
export function paramSize(name: ParamName, D: number, F: number): number {
  return paramShape(name, D, F).reduce((a, b) => a * b, 1);
}

/**
 * A complete model: tensors plus the reference's non-trainable buffers.
 * TopK / BatchTopK models carry the k-estimator tensors too, but never use or train them.
 */
export interface SaeParams {
  /** Input width. */
  D: number;
  /** Dictionary size. */
  F: number;
  tensors: ParamTensors;
  /** Current (annealed) target mean k — the k-loss budget; the TopK/BatchTopK k. */
  k: number;
  /** Upper scale of k̂ = σ(·)·k_max. */
  kMax: number;
  /** Laplace scale of the soft top-k (its absolute value is used). */
  alpha: number;
  /** Inputs are divided by this after shifting. */
  normFactor: number;
  /** [D] subtracted from raw inputs before scaling. */
  shiftFactor: Float64Array;
  /** BatchTopK inference threshold θ (−1 until first set, as in the reference). */
  threshold: number;
}

/** Options of {@link initParams}. */
export interface InitOptions {
  D: number;
  F: number;
  k: number;
  kMax: number;
  alpha: number;
  seed: number;
}

/**
 * Seeded initialisation (spec §1): decoder columns are Gaussian directions scaled to unit norm
 * (uniform on the sphere); `encoder.weight = decoder.weightᵀ`, `encoder.bias = 0`; the
 * k-estimator's hidden layer is a copy of the encoder with zero bias; its output layer is drawn
 * U(−1/√F, 1/√F) like PyTorch's `nn.Linear` default, so σ(·) starts near ½ and k̂ near k_max/2.
 * `b_dec = 0` (it is set to the geometric median at training step 0).
 */
export function initParams(opts: InitOptions): SaeParams {
  const { D, F } = opts;
  const rng = createRng(opts.seed);
  const dec = new Float64Array(D * F);
  for (let i = 0; i < dec.length; i++) dec[i] = rng.normal();
  normalizeDecoderColumns(dec, D, F, 0);
  const enc = new Float64Array(F * D);
  for (let d = 0; d < D; d++) for (let j = 0; j < F; j++) enc[j * D + d] = dec[d * F + j];
  const bound = 1 / Math.sqrt(F);
  const w2 = new Float64Array(F);
  for (let j = 0; j < F; j++) w2[j] = (2 * rng.uniform() - 1) * bound;
  const b2 = new Float64Array([(2 * rng.uniform() - 1) * bound]);
  return {
    D,
    F,
    tensors: {
      'encoder.weight': enc,
      'encoder.bias': new Float64Array(F),
      'decoder.weight': dec,
      b_dec: new Float64Array(D),
      'k_estimator.0.weight': enc.slice(),
      'k_estimator.0.bias': new Float64Array(F),
      'k_estimator.2.weight': w2,
      'k_estimator.2.bias': b2,
    },
    k: opts.k,
    kMax: opts.kMax,
    alpha: opts.alpha,
    normFactor: 1,
    shiftFactor: new Float64Array(D),
    threshold: -1,
  };
}

/** Deep copy (tensors and buffers). */
export function cloneParams(p: SaeParams): SaeParams {
  const tensors = {} as ParamTensors;
  for (const name of PARAM_NAMES) tensors[name] = p.tensors[name].slice();
  return { ...p, tensors, shiftFactor: p.shiftFactor.slice() };
}

/**
 * Scales every decoder column (atom) to unit L2 norm in place: `w_j ← w_j / (‖w_j‖ + eps)`.
 * The reference uses eps = float32 machine epsilon (2⁻²³) after each step; `eps = 0` is exact.
 */
export function normalizeDecoderColumns(
  dec: Float64Array,
  D: number,
  F: number,
  eps: number,
): void {
  for (let j = 0; j < F; j++) {
    let sq = 0;
    for (let d = 0; d < D; d++) sq += dec[d * F + j] ** 2;
    const scale = 1 / (Math.sqrt(sq) + eps);
    for (let d = 0; d < D; d++) dec[d * F + j] *= scale;
  }
}

/** Input normalisation constants (spec §2). */
export interface Normalization {
  normFactor: number;
  shiftFactor: Float64Array;
}

/**
 * Computes `shift_factor` and `norm_factor` the way the reference does: per batch, the mean row
 * and the mean squared norm ‖x‖² of the *uncentred* rows; both averaged over batches;
 * `norm_factor = sqrt(average mean ‖x‖²)`. With equal batch sizes this is the plain mean over all
 * rows. Each batch is [rows, D] row-major.
 */
export function computeNormalization(batches: Float64Array[], D: number): Normalization {
  if (batches.length === 0) throw new Error('computeNormalization: no batches');
  const shift = new Float64Array(D);
  let meanSq = 0;
  for (const batch of batches) {
    const rows = batch.length / D;
    if (!Number.isInteger(rows) || rows < 1) throw new Error('computeNormalization: bad batch');
    let sq = 0;
    for (let i = 0; i < batch.length; i++) {
      sq += batch[i] ** 2;
      shift[i % D] += batch[i] / rows;
    }
    meanSq += sq / rows;
  }
  for (let d = 0; d < D; d++) shift[d] /= batches.length;
  return { normFactor: Math.sqrt(meanSq / batches.length), shiftFactor: shift };
}

/** `x_n = (x − shift_factor) / norm_factor` for rows [B, D]. */
export function normalizeRows(x: Float64Array, norm: Normalization): Float64Array {
  const D = norm.shiftFactor.length;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - norm.shiftFactor[i % D]) / norm.normFactor;
  return out;
}

/** Raw-space reconstruction `x̂_raw = x̂·norm_factor + shift_factor` for rows [B, D]. */
export function denormalizeRows(xHat: Float64Array, norm: Normalization): Float64Array {
  const D = norm.shiftFactor.length;
  const out = new Float64Array(xHat.length);
  for (let i = 0; i < xHat.length; i++)
    out[i] = xHat[i] * norm.normFactor + norm.shiftFactor[i % D];
  return out;
}
