/**
 * `softsae convert`: any supported SAE to SoftSAE files or a SAELens TopK folder, in Node,
 * without the GPU. A SoftSAE becoming TopK needs its mean k̂: given as `k`, or computed here from
 * activations with the float64 k-estimator (spec §3 step 2 — an MLP, cheap on the CPU).
 */
import type { DatasetSource } from '../io/dataset';
import { saeLensTopK, type ExportedFile } from '../io/sae/export';
import { saeLensJumpRelu } from '../io/sae/exportJumpRelu';
import { softsaeFiles } from '../io/sae/softsae';
import { estimateK } from '../model/kEstimator';
import { PARAM_NAMES, type ParamTensors } from '../model/params';
import type { SaeModel } from '../io/sae/modelFile';

export type ConvertTarget = 'softsae' | 'saelens-topk';

/** Mean k̂ of a SoftSAE over every row of `data`, in float64. */
export async function meanKHat(m: SaeModel, data: DatasetSource, batch = 256): Promise<number> {
  if (data.width !== m.D)
    throw new Error(`activations have width ${data.width}, the SAE D = ${m.D}`);
  const tensors = Object.fromEntries(
    PARAM_NAMES.map((n) => [n, Float64Array.from(m.tensors[n])]),
  ) as ParamTensors;
  const params = {
    D: m.D,
    F: m.F,
    tensors,
    k: m.k,
    kMax: m.kMax,
    alpha: m.alpha,
    normFactor: m.normFactor,
    shiftFactor: Float64Array.from(m.shift),
    threshold: -1,
  };
  let sum = 0;
  for (let s = 0; s < data.rows; s += batch) {
    const n = Math.min(batch, data.rows - s);
    const x = await data.readRows(s, n);
    const xc = Float64Array.from(x, (v, i) => {
      const d = i % m.D;
      return (v - m.shift[d]) / m.normFactor - m.tensors.b_dec[d];
    });
    for (const k of estimateK(params, xc, n).kHat) sum += k;
  }
  return sum / data.rows;
}

export async function convertSae(
  m: SaeModel,
  to: ConvertTarget,
  o: { k?: number; acts?: DatasetSource } = {},
): Promise<{ files: ExportedFile[]; note: string }> {
  if (to === 'softsae') return { files: softsaeFiles(m), note: `SoftSAE ${m.arch} file` };
  // SAELens ships BatchTopK SAEs as JumpReLU with θ_j = θ: exact, unlike a fixed top-k.
  if (m.arch === 'batchtopk')
    return { files: saeLensJumpRelu(m), note: `SAELens jumprelu, threshold ${m.threshold}` };
  if (m.arch !== 'softsae') return { files: saeLensTopK(m), note: `SAELens topk, k = ${m.k}` };
  const mean = o.k ?? (o.acts ? await meanKHat(m, o.acts) : undefined);
  if (mean === undefined)
    throw new Error(
      'a SoftSAE becomes TopK with k = round(mean k̂): give --k K or --acts X.npy to compute it',
    );
  return {
    files: saeLensTopK(m, mean),
    note: `SAELens topk, k = ${Math.round(mean)} (mean k̂ ${mean.toFixed(4)})`,
  };
}
