/**
 * Inference over a whole dataset, batch by batch on the GPU (hard path: top-⌊k̂⌋ for SoftSAE,
 * top-k for TopK, h·1[h > θ] for BatchTopK): per-row k̂, L0 and squared error ‖x_n − x̂‖², and
 * the dataset FVU of spec §7,
 * FVU = Σ_d Var(x_n − x̂) / Σ_d Var(x_n), accumulated in float64 on the host from per-batch
 * readbacks as sums of values and squares. That form cancels when a dimension's mean is much
 * larger than its spread; inputs are normalised (and centred when a shift is used), where float64
 * keeps ~10 significant digits of the variance. The last batch is padded with zero rows that
 * are ignored.
 */
import type { DatasetSource } from '../io/dataset';
import { readbackF32, readbackU32, upload } from '../gpu/buffers';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { SaeBuffers } from './buffers';
import { uploadTensors } from './paramBuffers';
import { inferenceMode, SaeForward } from './forward';
import type { SaeModel } from './modelFile';

export interface EvalReport {
  rows: number;
  /** SoftSAE only. */
  k_hat?: number[];
  l0: number[];
  sq_err: number[];
  fvu: number;
  mean_l0: number;
  /** Model provenance for imported SAEs. */
  source?: string;
}

/** Every row's codes f, sparse (CSR), when {@link evaluateModel} is asked for them. */
export interface EvalCodes {
  rowPtr: Uint32Array;
  col: Uint32Array;
  val: Float32Array;
}

export async function evaluateModel(
  ctx: KernelContext,
  model: SaeModel,
  data: Pick<DatasetSource, 'rows' | 'width' | 'readRows'>,
  batchSize: number,
  onProgress: (rowsDone: number) => void = () => {},
  codes?: EvalCodes[],
): Promise<EvalReport> {
  if (model.arch === 'batchtopk' && model.threshold === undefined)
    throw new Error('a BatchTopK model needs its inference threshold θ (`threshold`)');
  if (data.width !== model.D)
    throw new Error(`activations have width ${data.width}, the model expects D = ${model.D}`);
  const { D, F } = model;
  const B = Math.min(batchSize, data.rows);
  const dev = ctx.device;
  const bufs = new SaeBuffers(dev, D, F, B);
  const fwd = await SaeForward.create(ctx, bufs, {
    arch: model.arch,
    k: model.k,
    kMax: model.kMax,
    alpha: model.alpha,
    normFactor: model.normFactor,
    centerInput: model.centerInput,
  });
  fwd.setKTarget(model.k, 0);
  uploadTensors(dev, bufs.tensors.params, bufs.layout, model.tensors);
  upload(dev, bufs.shift, model.shift);
  if (model.threshold !== undefined) bufs.setThreshold(model.threshold);
  bufs.setFeatureThreshold(model.featureThreshold);
  const mode = inferenceMode(model.arch);
  const kHat: number[] = [];
  const l0: number[] = [];
  const sqErr: number[] = [];
  const sx = new Float64Array(D);
  const sxx = new Float64Array(D);
  const se = new Float64Array(D);
  const see = new Float64Array(D);
  try {
    for (let start = 0; start < data.rows; start += B) {
      const n = Math.min(B, data.rows - start);
      const x = new Float32Array(B * D);
      x.set(await data.readRows(start, n));
      upload(dev, bufs.ws.x, x);
      submitPass(dev, 'Eval.batch', (pass) => fwd.encode(pass, mode));
      const [xn, resid, err, kept] = await Promise.all([
        readbackF32(dev, bufs.ws.xn, n * D),
        readbackF32(dev, bufs.ws.resid, n * D),
        readbackF32(dev, bufs.ws.sqErr, n),
        readbackU32(dev, bufs.ws.l0, n),
      ]);
      if (model.arch === 'softsae') kHat.push(...(await readbackF32(dev, bufs.ws.kHat, n)));
      if (codes) codes.push(sparseRows(await readbackF32(dev, bufs.ws.f, n * F), n, F));
      sqErr.push(...err);
      l0.push(...kept);
      for (let i = 0; i < n * D; i++) {
        const d = i % D;
        sx[d] += xn[i];
        sxx[d] += xn[i] * xn[i];
        se[d] += resid[i];
        see[d] += resid[i] * resid[i];
      }
      onProgress(start + n);
    }
  } finally {
    fwd.destroy();
    bufs.destroy();
  }
  const N = data.rows;
  let varX = 0;
  let varE = 0;
  for (let d = 0; d < D; d++) {
    varX += sxx[d] - (sx[d] * sx[d]) / N;
    varE += see[d] - (se[d] * se[d]) / N;
  }
  const report: EvalReport = {
    rows: N,
    l0,
    sq_err: sqErr,
    fvu: varE / varX,
    mean_l0: l0.reduce((a, b) => a + b, 0) / N,
  };
  if (model.arch === 'softsae') report.k_hat = kHat;
  if (model.source) report.source = model.source;
  return report;
}

/** The nonzeros of a dense [n, F] batch of codes as CSR. */
function sparseRows(f: Float32Array, n: number, F: number): EvalCodes {
  const rowPtr = new Uint32Array(n + 1);
  const col: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < F; j++)
      if (f[r * F + j] !== 0) {
        col.push(j);
        val.push(f[r * F + j]);
      }
    rowPtr[r + 1] = col.length;
  }
  return { rowPtr, col: Uint32Array.from(col), val: Float32Array.from(val) };
}

/** Joins per-batch CSR lists into one. */
export function joinCodes(parts: EvalCodes[]): EvalCodes {
  const rows = parts.reduce((a, p) => a + p.rowPtr.length - 1, 0);
  const nnz = parts.reduce((a, p) => a + p.col.length, 0);
  const out = {
    rowPtr: new Uint32Array(rows + 1),
    col: new Uint32Array(nnz),
    val: new Float32Array(nnz),
  };
  let r = 0;
  let at = 0;
  for (const p of parts) {
    for (let i = 1; i < p.rowPtr.length; i++) out.rowPtr[r + i] = at + p.rowPtr[i];
    out.col.set(p.col, at);
    out.val.set(p.val, at);
    r += p.rowPtr.length - 1;
    at += p.col.length;
  }
  return out;
}
