/**
 * SAELens folders: `cfg.json` + `sae_weights.safetensors` with W_enc [d_in, d_sae], b_enc
 * [d_sae], W_dec [d_sae, d_in], b_dec [d_in] and, for JumpReLU, threshold [d_sae] (or the
 * training form log_threshold). Inference as SAELens runs it:
 *   sae_in = x − b_dec·apply_b_dec_to_input;  pre = sae_in·W_enc + b_enc
 *   standard: ReLU(pre);  topk: top-k of pre, then ReLU;  jumprelu: ReLU(pre)·1[pre > θ]
 *   x̂ = f·W_dec + b_dec
 * Configs before v6 name the activation with `activation_fn_str` ('relu' | 'topk', k in
 * `activation_fn_kwargs`) next to `architecture` ('standard' | 'gated' | 'jumprelu' | 'topk');
 * v6 configs have one `architecture` per SAE class with its own keys (`k` for topk) and the
 * model details under `meta`. Per-row normalisations (`constant_norm_rescale`, `layer_norm`) and
 * every other architecture are refused by name. `expected_average_only_in` needs nothing at
 * inference (SAELens applies no run-time function for it either).
 */
import type { SaeModel } from './modelFile.ts';
import { fail } from '../errors.ts';
import { importedModel, type ImportedWeights } from './model.ts';
import { oriented, vector, type SaeConfig, type TensorStore } from './tensors.ts';

const SUPPORTED = 'standard (ReLU), topk, jumprelu';

export async function readSaeLens(cfg: SaeConfig, store: TensorStore): Promise<SaeModel> {
  const arch = cfg.str('architecture', 'standard');
  const pre6 = cfg.has('activation_fn_str') || !cfg.has('meta');
  const refuse = (what: string): never =>
    fail(cfg.file, 'sae/unsupported', `${what} is not supported (supported: ${SUPPORTED})`);
  const norm = cfg.str('normalize_activations', 'none');
  if (norm !== 'none' && norm !== 'expected_average_only_in')
    refuse(`normalize_activations '${norm}' (a per-row normalisation)`);
  if (cfg.has('finetuning_scaling_factor') && cfg.bool('finetuning_scaling_factor', false))
    refuse('finetuning_scaling_factor');
  if (cfg.has('rescale_acts_by_decoder_norm') && cfg.bool('rescale_acts_by_decoder_norm', false))
    refuse('rescale_acts_by_decoder_norm');
  let kind: ImportedWeights['arch'];
  let k: number | undefined;
  const act = cfg.str('activation_fn_str', arch === 'topk' ? 'topk' : 'relu');
  if (arch === 'standard' || arch === 'topk') {
    if (act === 'relu' && arch === 'standard') kind = 'relu';
    else if (act === 'topk') {
      kind = 'topk';
      const kw = cfg.sub('activation_fn_kwargs');
      k = cfg.has('k') ? cfg.int('k') : kw.int('k');
    } else return refuse(`activation_fn_str '${act}'`);
  } else if (arch === 'jumprelu') kind = 'jumprelu';
  else return refuse(`SAELens architecture '${arch}'`);

  const D = cfg.int('d_in');
  const F = cfg.int('d_sae');
  // SAELens stores W_enc [d_in, d_sae] and W_dec [d_sae, d_in]: square ones are read that way.
  const w: ImportedWeights = {
    file: store.file,
    arch: kind,
    D,
    F,
    encoder: await oriented(store, 'W_enc', F, D, 'transposed', `d_in ${D}, d_sae ${F}`),
    encoderBias: await vector(store, 'b_enc', F),
    decoder: await oriented(store, 'W_dec', D, F, 'transposed', `d_in ${D}, d_sae ${F}`),
    bDec: await vector(store, 'b_dec', D),
    k,
    centerInput: cfg.bool('apply_b_dec_to_input', true),
    source: `SAELens ${kind === 'relu' ? 'standard (ReLU)' : kind}${k ? ` k=${k}` : ''}, cfg ${pre6 ? 'before v6' : 'v6'}`,
  };
  if (kind === 'jumprelu') {
    if (store.shape('threshold')) w.featureThreshold = await vector(store, 'threshold', F);
    else if (store.shape('log_threshold'))
      w.featureThreshold = (await vector(store, 'log_threshold', F)).map(Math.exp);
    else fail(store.file, 'sae/missing-tensor', 'a JumpReLU SAE needs a threshold tensor');
  }
  return importedModel(w);
}
