/**
 * Writing SAEs for other tools.
 *
 * SAELens TopK folder (`cfg.json` + `sae_weights.safetensors`, SAELens v6 `topk` layout:
 * W_enc [d_in, d_sae], b_enc, W_dec [d_sae, d_in], b_dec). SAELens reads raw activations, so the
 * model's input normalisation x_n = (x − s)/n is folded into the weights exactly:
 *   pre = ((x − s)/n − b_dec)·W_encᵀ + b_enc = (x − b_dec')·W_enc' + b_enc
 *     with b_dec' = n·b_dec + s and W_enc' = W_encᵀ/n;
 *   x̂_raw = n·(f·W_decᵀ + b_dec) + s = f·W_dec' + b_dec'  with W_dec' = n·W_decᵀ.
 * The codes f are unchanged. A SoftSAE keeps ⌊k̂(x)⌋ features per input; SAELens TopK keeps a
 * fixed k, so the export uses k = round(mean k̂) over an evaluation and drops the k-estimator —
 * the note in cfg.json (`softsae_note`, ignored by SAELens) and README.md say so.
 */
import type { SaeModel } from './modelFile.ts';
import { writeSafetensors } from '../safetensors-write.ts';
import { encodeLabels, type FeatureLabels } from '../labels.ts';

export interface ExportedFile {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const text = (name: string, s: string): ExportedFile => ({
  name,
  bytes: new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>,
});

/**
 * The model's weights in SAELens layout with the input normalisation folded in (see the top of
 * this file): W_enc' [D, F] = W_encᵀ/n, W_dec' [F, D] = n·W_decᵀ, b_dec' [D] = n·b_dec + s.
 */
export function foldedWeights(m: SaeModel): {
  W_enc: Float32Array;
  W_dec: Float32Array;
  b_dec: Float32Array;
} {
  const { D, F } = m;
  const n = m.normFactor;
  const enc = m.tensors['encoder.weight']; // [F, D]
  const dec = m.tensors['decoder.weight']; // [D, F]
  const W_enc = new Float32Array(D * F);
  const W_dec = new Float32Array(F * D);
  for (let j = 0; j < F; j++)
    for (let d = 0; d < D; d++) {
      W_enc[d * F + j] = enc[j * D + d] / n;
      W_dec[j * D + d] = n * dec[d * F + j];
    }
  const b_dec = Float32Array.from(m.tensors.b_dec, (b, d) => n * b + m.shift[d]);
  return { W_enc, W_dec, b_dec };
}

/**
 * The SAELens TopK folder of a SoftSAE (k = round(`meanKHat`)) or a TopK model (its own k).
 * Other architectures are refused: a fixed top-k would silently change them.
 */
export function saeLensTopK(
  m: SaeModel,
  meanKHat?: number,
  labels?: { runId: string; labels: FeatureLabels },
): ExportedFile[] {
  if (m.arch !== 'softsae' && m.arch !== 'topk')
    throw new Error(
      `a ${m.arch} SAE is not a TopK SAE: writing it as SAELens TopK would change what it computes`,
    );
  if (m.centerInput === false && m.shift.some((v) => v !== 0))
    throw new Error('an uncentred model with an input shift has no SAELens TopK form');
  let k = m.k;
  if (m.arch === 'softsae') {
    if (meanKHat === undefined || !Number.isFinite(meanKHat))
      throw new Error('a SoftSAE needs the mean k̂ of an evaluation to become a TopK SAE');
    k = Math.min(m.F, Math.max(1, Math.round(meanKHat)));
  }
  const n = m.normFactor;
  const note =
    m.arch === 'softsae'
      ? `Exported from a SoftSAE. SoftSAE keeps the top floor(k_hat(x)) features of each input, with k_hat predicted per input by its k-estimator; this TopK SAE keeps a fixed k = ${k} = round(mean k_hat = ${meanKHat!.toFixed(4)}) and has no k-estimator, so its per-input L0 is ${k} where the SoftSAE's varied, and its reconstructions differ wherever floor(k_hat(x)) != ${k}. The input normalisation (shift, norm_factor ${n}) is folded into W_enc, W_dec and b_dec: it reads raw activations.`
      : `Exported from a TopK SAE trained in SoftSAE Explorer (k = ${k}); the input normalisation (norm_factor ${n}) is folded into the weights: it reads raw activations. Nothing is lost.`;
  return saeLensFiles(m, { architecture: 'topk', k }, 'TopK', note, [], labels);
}

/**
 * The files of a SAELens folder: `cfg.json` (`architecture` and its keys first, then the common
 * ones), `sae_weights.safetensors` (the weights with the normalisation folded in, plus `extra`
 * tensors such as JumpReLU's `threshold`), a README with `note`, and with `labels` the
 * features' labels and notes as `labels.json` (src/io/labels.ts).
 */
export function saeLensFiles(
  m: SaeModel,
  architecture: { architecture: string } & Record<string, unknown>,
  title: string,
  note: string,
  extra: { name: string; shape: number[]; data: Float32Array }[] = [],
  labels?: { runId: string; labels: FeatureLabels },
): ExportedFile[] {
  const { D, F } = m;
  const { W_enc, W_dec, b_dec } = foldedWeights(m);
  const cfg = {
    ...architecture,
    d_in: D,
    d_sae: F,
    dtype: 'float32',
    device: 'cpu',
    apply_b_dec_to_input: m.centerInput !== false,
    normalize_activations: 'none',
    reshape_activations: 'none',
    metadata: { model_name: null, hook_name: null },
    softsae_note: note,
  };
  const tensors = [
    { name: 'W_enc', shape: [D, F], data: W_enc },
    { name: 'b_enc', shape: [F], data: m.tensors['encoder.bias'] },
    { name: 'W_dec', shape: [F, D], data: W_dec },
    { name: 'b_dec', shape: [D], data: b_dec },
    ...extra,
  ];
  return [
    text('cfg.json', JSON.stringify(cfg, null, 2)),
    {
      name: 'sae_weights.safetensors',
      bytes: writeSafetensors(
        tensors.map((t) => ({ ...t, dtype: 'F32' as const })),
        { format: 'pt' },
      ),
    },
    text('README.md', `# SAELens ${title} SAE exported by SoftSAE Explorer\n\n${note}\n`),
    ...(labels ? [text('labels.json', encodeLabels(labels.runId, labels.labels))] : []),
  ];
}
