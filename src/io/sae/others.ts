/**
 * The other PyTorch SAE formats, inference only:
 *  - sparsify (EleutherAI): `cfg.json` + `sae.safetensors`; encoder.weight [F, D], encoder.bias,
 *    W_dec [F, D], b_dec. f = top-k of ReLU((x − b_dec)·W_encᵀ + b_enc), x̂ = f·W_dec + b_dec.
 *    F = num_latents, or expansion_factor·d_in when num_latents is 0. Refused: groupmax
 *    activations, skip connections, transcoders.
 *  - Gemma Scope `params.npz`: W_enc [D, F], W_dec [F, D], b_enc, b_dec, threshold [F];
 *    JumpReLU on x·W_enc + b_enc (the input is not centred by b_dec).
 *  - dictionary_learning TopK / BatchTopK state dicts saved as safetensors: encoder.weight
 *    [F, D], encoder.bias, decoder.weight [D, F], b_dec, k, threshold. AutoEncoderTopK keeps the
 *    top k per row; BatchTopKSAE keeps h·1[h > threshold] at inference. An optional config.json
 *    names the class (`trainer.dict_class`); without it a threshold ≥ 0 means BatchTopK.
 * Without a config the widths come from the bias vectors (D = |b_dec|, F = |encoder bias|).
 */
import type { SaeModel } from './modelFile.ts';
import { fail } from '../errors.ts';
import { importedModel } from './model.ts';
import { lengthOf, oriented, scalar, vector, type SaeConfig, type TensorStore } from './tensors.ts';

export async function readSparsify(cfg: SaeConfig, store: TensorStore): Promise<SaeModel> {
  const refuse = (what: string): never =>
    fail(cfg.file, 'sae/unsupported', `${what} is not supported (sparsify: topk SAEs only)`);
  const act = cfg.str('activation', 'topk');
  if (act !== 'topk') refuse(`activation '${act}'`);
  if (cfg.bool('skip_connection', false) || store.shape('W_skip'))
    refuse('a skip connection (W_skip)');
  if (cfg.bool('transcode', false)) refuse('a transcoder');
  const D = cfg.has('d_in') ? cfg.int('d_in') : lengthOf(store, 'b_dec');
  const latents = cfg.has('num_latents') ? cfg.num('num_latents') : 0;
  const F = latents > 0 ? cfg.int('num_latents') : D * cfg.int('expansion_factor', 32);
  const what = `d_in ${D}, ${F} latents`;
  return importedModel({
    file: store.file,
    arch: 'topk',
    D,
    F,
    encoder: await oriented(store, 'encoder.weight', F, D, 'as-declared', what),
    encoderBias: await vector(store, 'encoder.bias', F),
    decoder: await oriented(store, 'W_dec', D, F, 'transposed', what),
    bDec: await vector(store, 'b_dec', D),
    k: cfg.int('k', 32),
    centerInput: true,
    source: `sparsify topk k=${cfg.int('k', 32)}`,
  });
}

export async function readGemmaScope(store: TensorStore): Promise<SaeModel> {
  const D = lengthOf(store, 'b_dec');
  const F = lengthOf(store, 'b_enc');
  const what = `D ${D} (b_dec), F ${F} (b_enc)`;
  return importedModel({
    file: store.file,
    arch: 'jumprelu',
    D,
    F,
    encoder: await oriented(store, 'W_enc', F, D, 'transposed', what),
    encoderBias: await vector(store, 'b_enc', F),
    decoder: await oriented(store, 'W_dec', D, F, 'transposed', what),
    bDec: await vector(store, 'b_dec', D),
    featureThreshold: await vector(store, 'threshold', F),
    centerInput: false,
    source: 'Gemma Scope JumpReLU (params.npz)',
  });
}

export async function readDictionaryLearning(
  store: TensorStore,
  cfg: SaeConfig | null,
): Promise<SaeModel> {
  const trainer = cfg?.sub('trainer');
  const D = trainer?.has('activation_dim')
    ? trainer.int('activation_dim')
    : lengthOf(store, 'b_dec');
  const F = trainer?.has('dict_size') ? trainer.int('dict_size') : lengthOf(store, 'encoder.bias');
  const k = await scalar(store, 'k');
  const theta = store.shape('threshold') ? await scalar(store, 'threshold') : -1;
  const cls = trainer?.has('dict_class') ? trainer.str('dict_class') : null;
  if (cls !== null && cls !== 'AutoEncoderTopK' && cls !== 'BatchTopKSAE')
    fail(
      cfg!.file,
      'sae/unsupported',
      `dictionary_learning class '${cls}' is not supported (AutoEncoderTopK, BatchTopKSAE)`,
    );
  const batch = cls === 'BatchTopKSAE' || (cls === null && theta >= 0);
  const what = `D ${D}, F ${F}`;
  return importedModel({
    file: store.file,
    arch: batch ? 'batchtopk' : 'topk',
    D,
    F,
    encoder: await oriented(store, 'encoder.weight', F, D, 'as-declared', what),
    encoderBias: await vector(store, 'encoder.bias', F),
    decoder: await oriented(store, 'decoder.weight', D, F, 'as-declared', what),
    bDec: await vector(store, 'b_dec', D),
    k,
    threshold: batch ? theta : undefined,
    centerInput: true,
    source: `dictionary_learning ${batch ? `BatchTopK θ=${theta.toPrecision(4)}` : 'TopK'} k=${k}`,
  });
}
