/**
 * Building the one inference model type ({@link SaeModel}, reference layout: encoder [F, D],
 * decoder [D, F]) from the weights of any supported format.
 */
import type { ModelArch, SaeModel } from './modelFile.ts';
import { fail } from '../errors.ts';

export interface ImportedWeights {
  file: string;
  arch: Exclude<ModelArch, 'softsae'>;
  D: number;
  F: number;
  /** [F, D] row-major. */
  encoder: Float32Array;
  encoderBias: Float32Array;
  /** [D, F] row-major (reference layout: decoder column j is atom j). */
  decoder: Float32Array;
  bDec: Float32Array;
  /** TopK: kept per row; BatchTopK: the mean kept per row it was trained at (informational). */
  k?: number;
  /** BatchTopK inference threshold θ. */
  threshold?: number;
  /** JumpReLU θ_j [F]. */
  featureThreshold?: Float32Array;
  centerInput: boolean;
  source: string;
}

/** The normalised model; non-finite weights are refused, naming the tensor. */
export function importedModel(w: ImportedWeights): SaeModel {
  const check = (name: string, v: Float32Array) => {
    const i = v.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) fail(w.file, 'sae/non-finite', `${name} has a non-finite value at index ${i}`);
  };
  check('the encoder', w.encoder);
  check('the encoder bias', w.encoderBias);
  check('the decoder', w.decoder);
  check('b_dec', w.bDec);
  if (w.featureThreshold) check('threshold', w.featureThreshold);
  if (w.arch === 'topk' && !(Number.isInteger(w.k) && w.k! >= 1 && w.k! <= w.F))
    fail(w.file, 'sae/bad-k', `k = ${w.k} must be an integer in 1…${w.F} (d_sae)`);
  if (w.arch === 'batchtopk' && !Number.isFinite(w.threshold))
    fail(w.file, 'sae/bad-threshold', 'a BatchTopK SAE needs a finite threshold');
  const { D, F } = w;
  return {
    arch: w.arch,
    D,
    F,
    tensors: {
      'encoder.weight': w.encoder,
      'encoder.bias': w.encoderBias,
      'decoder.weight': w.decoder,
      b_dec: w.bDec,
      'k_estimator.0.weight': new Float32Array(F * D),
      'k_estimator.0.bias': new Float32Array(F),
      'k_estimator.2.weight': new Float32Array(F),
      'k_estimator.2.bias': new Float32Array(1),
    },
    k: w.k ?? 0,
    kMax: w.k ?? 0,
    alpha: 0,
    normFactor: 1,
    shift: new Float32Array(D),
    threshold: w.threshold,
    featureThreshold: w.arch === 'relu' ? new Float32Array(F) : w.featureThreshold,
    centerInput: w.centerInput,
    source: w.source,
  };
}
