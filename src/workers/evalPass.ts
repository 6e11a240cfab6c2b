/**
 * The inspection's evaluation pass on the GPU: the whole dataset streamed batch by batch through
 * the hard path (top-⌊k̂⌋ for SoftSAE, top-k for TopK). Per batch, one submit encodes
 *   forward  →  EvalAccumulator.encodeBatch (per-feature count / Σf / max / top-N rows, FVU
 *               moments, and L0 = nonzeros of f per row)  →  SparseCompact (f → CSR)
 * and one readback brings back the per-row k̂, L0 and ‖xn − x̂‖² and the batch's CSR lists, so
 * the worker keeps every row's active features (rows × mean L0 entries, small) and can answer
 * row and feature queries without running the model again.
 *
 * The activation histograms need a range before counting (see src/sae/eval.ts): the exact
 * per-feature max is known after pass 1, so a second, readback-free pass re-runs the forward and
 * counts the histograms into (0, max_j]. `onProgress(done, total)` follows both passes: rows
 * done out of 2 × rows.
 */
import { readbackF32, readbackU32, upload } from '../gpu/buffers';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { createSparseListBuffers, SparseCompact } from '../gpu/kernels/sparseLists';
import { uploadTensors } from '../sae/paramBuffers';
import { SaeBuffers } from '../sae/buffers';
import { decoderCosinePairs, type DecoderCosinePairs } from '../sae/decoderCosine';
import { EvalAccumulator, type EvalSummary } from '../sae/eval';
import { inferenceMode, SaeForward } from '../sae/forward';
import type { SaeModel } from '../io/sae/modelFile';
import type { RowSource } from './rowSource';
import { CsrBuilder, MAX_KEPT_CODES, type Csr } from './sparseCodes';

export interface EvalPassData {
  rows: number;
  D: number;
  /**
   * Raw rows in order (normalised on the GPU with the model's shift and norm factor): held in
   * memory or streamed from the files, a batch at a time, so any number of rows fits. The pass
   * covers the source's first `rows` rows.
   */
  source: Pick<RowSource, 'chunks'>;
}

export interface EvalPassOutput {
  /** [rows] k̂ (SoftSAE only). */
  kHat: Float32Array | null;
  /** [rows] nonzeros of f. */
  l0: Uint32Array;
  /** [rows] ‖xn − x̂‖². */
  sqErr: Float32Array;
  summary: EvalSummary;
  /** Every row's codes f, sparse. */
  codes: Csr;
  /** The most similar pairs of decoder atoms (src/sae/decoderCosine.ts). */
  decoder: DecoderCosinePairs;
}

/** Batches submitted between waits for the GPU in the readback-free histogram pass. */
const HIST_IN_FLIGHT = 4;

/**
 * Most nonzeros a row can have on the inference path: ⌊k̂⌋ ≤ max(1, k_max) for SoftSAE
 * (k̂ = clamp(σ·k_max, 1, F)), k for TopK; thresholds (BatchTopK, JumpReLU, ReLU) bound nothing
 * below F.
 */
export function maxActivePerRow(model: Pick<SaeModel, 'arch' | 'F' | 'k' | 'kMax'>): number {
  if (model.arch === 'batchtopk' || model.arch === 'relu' || model.arch === 'jumprelu')
    return model.F;
  const cap = model.arch === 'softsae' ? Math.max(1, Math.ceil(model.kMax)) : Math.ceil(model.k);
  return Math.max(1, Math.min(model.F, cap));
}

export async function runEvalPass(
  ctx: KernelContext,
  model: SaeModel,
  data: EvalPassData,
  batchSize: number,
  shape: { bins: number; topN: number } = { bins: 32, topN: 16 },
  onProgress?: (done: number, total: number) => void,
): Promise<EvalPassOutput> {
  if (model.arch === 'batchtopk' && model.threshold === undefined)
    throw new Error('a BatchTopK model needs its inference threshold θ (`threshold`)');
  if (data.D !== model.D) throw new Error(`data has D = ${data.D}, the model ${model.D}`);
  const { D, F } = model;
  const { rows, source } = data;
  if (rows < 1) throw new Error('nothing to evaluate: the dataset has no rows');
  const B = Math.max(1, Math.min(batchSize, rows));
  const dev = ctx.device;
  const soft = model.arch === 'softsae';
  const perRow = maxActivePerRow(model);
  const capacity = B * perRow;
  const label = 'Inspect.eval';

  const bufs = new SaeBuffers(dev, D, F, B);
  const lists = createSparseListBuffers(dev, { B, F, capacity }, `${label}.codes`);
  const parts: { destroy(): void }[] = [bufs, lists];
  try {
    const [fwd, acc, compact] = await Promise.all([
      SaeForward.create(ctx, bufs, {
        arch: model.arch,
        k: model.k,
        kMax: model.kMax,
        alpha: model.alpha,
        normFactor: model.normFactor,
        centerInput: model.centerInput,
      }),
      EvalAccumulator.create(ctx, { F, D, ...shape }, label),
      SparseCompact.create(ctx, { B, F, capacity, label: `${label}.compact` }),
    ]);
    parts.push(fwd, acc, compact);
    fwd.setKTarget(model.k, 0);
    uploadTensors(dev, bufs.tensors.params, bufs.layout, model.tensors);
    upload(dev, bufs.shift, model.shift);
    if (model.threshold !== undefined) bufs.setThreshold(model.threshold);
    bufs.setFeatureThreshold(model.featureThreshold);
    const mode = inferenceMode(model.arch);
    const ws = bufs.ws;

    const kHat = soft ? new Float32Array(rows) : null;
    const l0 = new Uint32Array(rows);
    const sqErr = new Float32Array(rows);
    // The host copy grows as needed (up to MAX_KEPT_CODES entries); start it at the expected
    // size for threshold inference.
    const expected = rows * Math.min(perRow, 2 * Math.max(1, Math.ceil(model.k)));
    const csr = new CsrBuilder(rows, Math.min(expected, MAX_KEPT_CODES), MAX_KEPT_CODES);
    // Only the batch's first n rows are uploaded; the rest of the workspace keeps stale rows
    // whose results are never read.
    for await (const { start, data: x } of source.chunks(B, rows)) {
      const n = x.length / D;
      upload(dev, ws.x, x);
      submitPass(dev, `${label}.batch`, (pass) => {
        fwd.encode(pass, mode);
        // ws.l0 held the kept count of the top-k; the accumulator overwrites it with the
        // nonzeros of f (spec §7's L0: a kept entry can be 0 when h has too few positives).
        acc.encodeBatch(pass, {
          f: ws.f,
          xn: ws.xn,
          xHat: ws.xHat,
          kHat: soft ? ws.kHat : undefined,
          rowOffset: start,
          B: n,
          l0: ws.l0,
        });
        compact.encode(pass, ws.f, lists);
      });
      const [k, l, e, ptr, status] = await Promise.all([
        soft ? readbackF32(dev, ws.kHat, n) : null,
        readbackU32(dev, ws.l0, n),
        readbackF32(dev, ws.sqErr, n),
        readbackU32(dev, lists.rowPtr, n + 1),
        readbackU32(dev, lists.status, 4),
      ]);
      // Only the stored entries come back: with threshold activations (ReLU, JumpReLU,
      // BatchTopK) the capacity is B·F, far more than a batch's nonzeros.
      const stored = Math.max(1, Math.min(capacity, ptr[n]));
      const [col, val] = await Promise.all([
        readbackU32(dev, lists.col, stored),
        readbackF32(dev, lists.valA, stored),
      ]);
      // status = [total, stored, overflow, max per row]; the capacity bounds every row, so an
      // overflow means the bound above is wrong — fail loudly rather than lose features.
      if (status[2] !== 0)
        throw new Error(`${label}: ${status[0]} active codes exceed the capacity ${capacity}`);
      if (kHat && k) kHat.set(k, start);
      l0.set(l, start);
      sqErr.set(e, start);
      csr.appendRows(ptr, col, val, n);
      onProgress?.(start + n, 2 * rows);
    }

    submitPass(dev, `${label}.range`, (pass) => acc.encodeRangeFromMax(pass));
    let i = 0;
    for await (const { start, data: x } of source.chunks(B, rows)) {
      const n = x.length / D;
      upload(dev, ws.x, x);
      submitPass(dev, `${label}.hist`, (pass) => {
        fwd.encode(pass, mode);
        acc.encodeHistogram(pass, { f: ws.f, B: n });
      });
      // Bounded work in flight, and the worker's message loop gets a turn.
      if (i++ % HIST_IN_FLIGHT === HIST_IN_FLIGHT - 1) {
        await dev.queue.onSubmittedWorkDone();
        onProgress?.(rows + start + n, 2 * rows);
      }
    }
    const summary = await acc.read();
    const decoder = await decoderCosinePairs(ctx, model.tensors['decoder.weight'], D, F, {
      label: `${label}.decoderCosine`,
    });
    onProgress?.(2 * rows, 2 * rows);
    return { kHat, l0, sqErr, summary, codes: csr.finish(), decoder };
  } finally {
    for (const p of parts.reverse()) p.destroy();
  }
}
