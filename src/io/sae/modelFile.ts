/**
 * SAE models as `.safetensors` files with the reference state_dict names (spec §1): the trainable
 * tensors (the k-estimator only for SoftSAE) plus `k`, `k_max`, `alpha`, `norm_factor`,
 * `shift_factor` (and `threshold` for BatchTopK). The architecture is told by the tensors present:
 * a k-estimator means SoftSAE, a `threshold` BatchTopK, neither TopK.
 */
import type { SafetensorsFile } from '../safetensors.ts';
import { writeSafetensors, type TensorToWrite } from '../safetensors-write.ts';
import { PARAM_NAMES, paramShape, type ParamName } from '../../model/params.ts';

/**
 * Architectures the engine trains (`softsae`, `topk`, `batchtopk`) plus the inference-only
 * activations of imported SAEs: `relu` (f = ReLU(pre)) and `jumprelu` (f = ReLU(pre)·1[pre > θ_j]).
 */
export type ModelArch = 'softsae' | 'topk' | 'batchtopk' | 'relu' | 'jumprelu';

/**
 * A model in the reference layout, float32: the one inference type every file format is
 * converted to (src/io/sae/), and what the GPU evaluation runs. Encoder [F, D], decoder [D, F].
 * Inference: xn = (x − shift)/normFactor; xc = xn − b_dec (or xn when `centerInput` is false);
 * h = ReLU(xc·W_encᵀ + b_enc); f = activation(h); x̂ = f·W_decᵀ + b_dec.
 */
export interface SaeModel {
  arch: ModelArch;
  D: number;
  F: number;
  tensors: Record<ParamName, Float32Array>;
  k: number;
  kMax: number;
  alpha: number;
  normFactor: number;
  shift: Float32Array;
  /** BatchTopK inference threshold θ (absent otherwise). */
  threshold?: number;
  /** JumpReLU per-feature thresholds θ_j [F] (ReLU: all zero). */
  featureThreshold?: Float32Array;
  /**
   * Whether b_dec is subtracted from the input before the encoder (default true; SAELens's
   * `apply_b_dec_to_input`, false for Gemma Scope).
   */
  centerInput?: boolean;
  /** Where an imported model came from, for the user (e.g. `SAELens topk, cfg v6`). */
  source?: string;
}

const K_EST: ParamName[] = [
  'k_estimator.0.weight',
  'k_estimator.0.bias',
  'k_estimator.2.weight',
  'k_estimator.2.bias',
];

/** Reads a model from an opened safetensors file; errors name the missing or misshapen tensor. */
export async function readModel(file: SafetensorsFile): Promise<SaeModel> {
  const names = new Set(file.tensors.map((t) => t.name));
  const shapeOf = (n: string) => file.tensors.find((t) => t.name === n)?.shape;
  const enc = shapeOf('encoder.weight');
  if (!enc || enc.length !== 2)
    throw new Error(`${file.file}: no 2-D encoder.weight: not a SoftSAE/TopK model file`);
  const [F, D] = enc;
  const arch: ModelArch = K_EST.every((n) => names.has(n))
    ? 'softsae'
    : names.has('threshold')
      ? 'batchtopk'
      : 'topk';
  const tensors = {} as Record<ParamName, Float32Array>;
  for (const name of PARAM_NAMES) {
    const want = paramShape(name, D, F);
    if (!names.has(name)) {
      if (arch !== 'softsae' && K_EST.includes(name)) {
        tensors[name] = new Float32Array(want.reduce((a, b) => a * b, 1));
        continue;
      }
      throw new Error(`${file.file}: tensor ${name} is missing`);
    }
    const got = shapeOf(name)!;
    if (got.join(',') !== want.join(','))
      throw new Error(`${file.file}: ${name} has shape [${got}], expected [${want}]`);
    tensors[name] = await file.readValues(name, Number.MAX_SAFE_INTEGER);
  }
  const scalar = async (n: string, fallback: number) =>
    names.has(n) ? (await file.readValues(n))[0] : fallback;
  const k = await scalar('k', NaN);
  if (!Number.isFinite(k)) throw new Error(`${file.file}: scalar k is missing`);
  return {
    arch,
    D,
    F,
    tensors,
    k,
    kMax: await scalar('k_max', 2 * k),
    alpha: await scalar('alpha', 1e-4),
    normFactor: await scalar('norm_factor', 1),
    shift: names.has('shift_factor') ? await file.readValues('shift_factor') : new Float32Array(D),
    threshold: names.has('threshold') ? await scalar('threshold', 0) : undefined,
  };
}

/** Serialises a model with the reference names (scalars as in the reference: k, k_max int32). */
export function writeModel(m: SaeModel): Uint8Array<ArrayBuffer> {
  if (m.arch !== 'softsae' && m.arch !== 'topk' && m.arch !== 'batchtopk')
    throw new Error(
      `a ${m.arch} SAE has no SoftSAE-file form (only SoftSAE, TopK and BatchTopK SAEs have one)`,
    );
  if (m.centerInput === false)
    throw new Error('the SoftSAE file format always subtracts b_dec before the encoder');
  const out: TensorToWrite[] = [];
  for (const name of PARAM_NAMES) {
    if (m.arch !== 'softsae' && K_EST.includes(name)) continue;
    out.push({ name, dtype: 'F32', shape: paramShape(name, m.D, m.F), data: m.tensors[name] });
  }
  out.push({ name: 'k', dtype: 'I32', shape: [], data: Int32Array.of(m.k) });
  out.push({ name: 'k_max', dtype: 'I32', shape: [], data: Int32Array.of(m.kMax) });
  out.push({ name: 'alpha', dtype: 'F32', shape: [], data: Float32Array.of(m.alpha) });
  out.push({ name: 'norm_factor', dtype: 'F32', shape: [], data: Float32Array.of(m.normFactor) });
  out.push({ name: 'shift_factor', dtype: 'F32', shape: [m.D], data: m.shift });
  if (m.threshold !== undefined)
    out.push({ name: 'threshold', dtype: 'F32', shape: [], data: Float32Array.of(m.threshold) });
  return writeSafetensors(out, { format: 'pt', producer: 'softsae-explorer' });
}
