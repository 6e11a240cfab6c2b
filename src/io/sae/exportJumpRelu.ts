/**
 * A BatchTopK SAE written the way SAELens ships BatchTopK SAEs: as a JumpReLU folder
 * (`architecture: "jumprelu"`) whose per-feature threshold is the trained θ for every feature.
 *
 * Why this is exact. BatchTopK inference (spec §6) is f = h·1[h > θ] with h = ReLU(pre), and
 * SAELens's JumpReLU is f = ReLU(pre)·1[pre > θ_j]. For θ ≥ 0 the two agree on every input:
 * where pre ≤ 0 both give 0, and where pre > 0, h = pre. θ is an EMA of the smallest kept value
 * of each training batch, so it is ≥ 0 (a model saved before θ was first set, θ < 0, is refused).
 * The input normalisation is folded into the weights as for the TopK export (export.ts); the
 * pre-activations, hence the codes and the threshold, are unchanged by the fold.
 */
import type { SaeModel } from './modelFile.ts';
import { saeLensFiles, saeLensTopK, type ExportedFile } from './export.ts';
import type { FeatureLabels } from '../labels.ts';

type Labels = { runId: string; labels: FeatureLabels };

/** The SAELens JumpReLU folder of a BatchTopK model (θ_j = θ for every feature). */
export function saeLensJumpRelu(m: SaeModel, labels?: Labels): ExportedFile[] {
  if (m.arch !== 'batchtopk')
    throw new Error(`only a BatchTopK SAE becomes a JumpReLU folder (this one is ${m.arch})`);
  const theta = m.threshold;
  if (theta === undefined || !Number.isFinite(theta) || theta < 0)
    throw new Error(
      `a BatchTopK SAE needs its inference threshold θ ≥ 0 to become JumpReLU (got ${theta})`,
    );
  if (m.centerInput === false && m.shift.some((v) => v !== 0))
    throw new Error('an uncentred model with an input shift has no SAELens JumpReLU form');
  const threshold = new Float32Array(m.F).fill(theta);
  const note = `Exported from a BatchTopK SAE trained in SoftSAE Explorer (k = ${m.k} per row on average during training). Its inference rule f = h * 1[h > theta] with h = ReLU(pre) is JumpReLU with the same threshold theta = ${theta} for every feature: nothing is lost. The input normalisation (norm_factor ${m.normFactor}) is folded into W_enc, W_dec and b_dec: it reads raw activations.`;
  return saeLensFiles(
    m,
    { architecture: 'jumprelu' },
    'JumpReLU',
    note,
    [{ name: 'threshold', shape: [m.F], data: threshold }],
    labels,
  );
}

/**
 * The SAELens folder of a trained model: JumpReLU for BatchTopK (exact), TopK otherwise
 * (SoftSAE with k = round(`meanKHat`), see export.ts).
 */
export function saeLensFolder(m: SaeModel, meanKHat?: number, labels?: Labels): ExportedFile[] {
  return m.arch === 'batchtopk' ? saeLensJumpRelu(m, labels) : saeLensTopK(m, meanKHat, labels);
}
