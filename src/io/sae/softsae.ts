/**
 * SoftSAE files: `model.safetensors` with the reference tensor names (spec §1, src/io/sae/modelFile.ts)
 * plus a `cfg.json` describing it for people and other tools:
 *   { "format": "softsae", "format_version": 1, "architecture": "softsae" | "topk" | "batchtopk",
 *     "d_in", "d_sae", "k", "k_max", "alpha", "norm_factor", "threshold" (BatchTopK θ or null),
 *     "apply_b_dec_to_input": true, "weights": "model.safetensors", "inference": "<formula>" }
 * The safetensors file is complete on its own (its scalars are the reference's); on import the
 * config must agree with it, and any disagreement is an error naming the key.
 */
import { readModel, writeModel, type SaeModel } from './modelFile.ts';
import { fail } from '../errors.ts';
import type { SafetensorsFile } from '../safetensors.ts';
import type { SaeConfig } from './tensors.ts';

export const SOFTSAE_WEIGHTS = 'model.safetensors';

const INFERENCE =
  'x_n = (x - shift_factor) / norm_factor; h = ReLU((x_n - b_dec) W_enc^T + b_enc); ' +
  'softsae: keep the top floor(k_hat) of h, k_hat = clamp(sigmoid(k_estimator(x_n - b_dec)) * k_max, 1, d_sae); ' +
  'topk: keep the top k; batchtopk: keep h > threshold; x_hat = f W_dec^T + b_dec (normalised space)';

/** The `cfg.json` written next to a SoftSAE model file. */
export function softsaeConfig(m: SaeModel): Record<string, unknown> {
  return {
    format: 'softsae',
    format_version: 1,
    architecture: m.arch,
    d_in: m.D,
    d_sae: m.F,
    k: m.k,
    k_max: m.kMax,
    alpha: m.alpha,
    norm_factor: m.normFactor,
    threshold: m.threshold ?? null,
    apply_b_dec_to_input: true,
    weights: SOFTSAE_WEIGHTS,
    tensor_names: 'reference state_dict names (softsae-spec §1); shift_factor [d_in] in the file',
    inference: INFERENCE,
  };
}

export async function readSoftsae(file: SafetensorsFile, cfg: SaeConfig | null): Promise<SaeModel> {
  const m = await readModel(file);
  m.source = `SoftSAE file (${m.arch})`;
  if (!cfg) return m;
  const agree = (key: string, have: number | string) => {
    if (!cfg.has(key)) return;
    const want = typeof have === 'string' ? cfg.str(key) : cfg.num(key);
    const same =
      typeof have === 'string'
        ? want === have
        : Math.abs((want as number) - have) <= 1e-6 * Math.max(1, Math.abs(have));
    if (!same)
      fail(cfg.file, 'sae/config-mismatch', `${key} is ${want} but ${file.file} has ${have}`);
  };
  agree('architecture', m.arch);
  agree('d_in', m.D);
  agree('d_sae', m.F);
  agree('k', m.k);
  agree('k_max', m.kMax);
  agree('norm_factor', m.normFactor);
  return m;
}

/** The SoftSAE files of a model: `model.safetensors` and its `cfg.json`. */
export function softsaeFiles(m: SaeModel): { name: string; bytes: Uint8Array<ArrayBuffer> }[] {
  const cfg = new TextEncoder().encode(JSON.stringify(softsaeConfig(m), null, 2));
  return [
    { name: SOFTSAE_WEIGHTS, bytes: writeModel(m) },
    { name: 'cfg.json', bytes: cfg as Uint8Array<ArrayBuffer> },
  ];
}
