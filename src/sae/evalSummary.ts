/**
 * The evaluation accumulators' memory layout and the decoding of their bytes into the summary the
 * engine posts to the UI. Pure (no GPU): the layout is one buffer of 256-byte-aligned sections, so
 * every accumulator binds as a sub-range and one copy reads them all back.
 */

import type { EvalShape } from '../model/evalShape';

/** Storage-buffer binding offsets must be multiples of minStorageBufferOffsetAlignment (≤ 256). */
const ALIGN_BYTES = 256;

export type { EvalShape };

/** Accumulator sections, in 4-byte elements: [F] count, [4, F] moments, … */
export const EVAL_SECTIONS = [
  'count', // u32 [F]: rows with f ≠ 0
  'mom', // f32 [4, F]: Σf, its compensation, Σf², its compensation
  'fmax', // f32 [F]
  'range', // f32 [2, F]: histogram hi, scale = bins / hi
  'hist', // u32 [F, bins]
  'outside', // u32 [F]: fired values outside (0, hi]
  'topVal', // f32 [F, N]
  'topRow', // u32 [F, N]
  'dims', // [D] × (n u32, mean_x, M2_x, mean_e, M2_e f32)
  'rowCounts', // u32 [5]: min L0, max L0, rows, rows with k̂, rows with ‖x‖ > 0
  'rowAcc', // f32 [16]: Σ‖x‖, Σ‖x̂‖, Σk̂ (each + comp.), min k̂, max k̂, Σcos, Σ‖x̂‖/‖x‖, Σx·x̂, Σ‖x̂‖² (each + comp.)
] as const;

export type EvalSection = (typeof EVAL_SECTIONS)[number];

export interface EvalLayout {
  /** Byte offset and byte size of each section. */
  sections: Record<EvalSection, { offset: number; size: number }>;
  /** Total bytes. */
  size: number;
}

export function evalLayout(s: EvalShape): EvalLayout {
  const { F, D, bins, topN } = s;
  const elements: Record<EvalSection, number> = {
    count: F,
    mom: 4 * F,
    fmax: F,
    range: 2 * F,
    hist: F * bins,
    outside: F,
    topVal: F * topN,
    topRow: F * topN,
    dims: 5 * D,
    rowCounts: 5,
    rowAcc: 16,
  };
  let offset = 0;
  const sections = {} as EvalLayout['sections'];
  for (const name of EVAL_SECTIONS) {
    const size = elements[name] * 4;
    sections[name] = { offset, size };
    offset += Math.ceil(Math.max(size, 4) / ALIGN_BYTES) * ALIGN_BYTES;
  }
  return { sections, size: offset };
}

/**
 * The reset contents: zeros (empty lists, no histogram range), except the running minima and
 * maxima: L0 min = 0xffffffff, k̂ min = +∞, k̂ max = −∞.
 */
export function evalInitialBytes(layout: EvalLayout): ArrayBuffer {
  const bytes = new ArrayBuffer(layout.size);
  new Uint32Array(bytes, layout.sections.rowCounts.offset, 1)[0] = 0xffffffff;
  new Float32Array(bytes, layout.sections.rowAcc.offset + 24, 2).set([Infinity, -Infinity]);
  return bytes;
}

/**
 * What one evaluation pass (or the part of it seen so far) measured: per-feature statistics,
 * histograms and top rows, and the dataset-level reconstruction metrics of spec §7. Plain typed
 * arrays and numbers, so it can be posted from the worker (transfer the arrays' buffers).
 */
export interface EvalSummary extends EvalShape {
  /** Rows accumulated since the last reset, and how many of them came with k̂ (GPU counts). */
  rows: number;
  kHatRows: number;
  /** Per feature [F]: rows with f ≠ 0, that count / rows, Σf, Σf², max f. */
  fireCount: Uint32Array;
  density: Float64Array;
  actSum: Float64Array;
  actSumSq: Float64Array;
  actMax: Float32Array;
  /** Histogram range per feature [F]: bins cover (0, hi], bin = min(⌊fl32(v·scale)⌋, bins − 1). */
  histHi: Float32Array;
  histScale: Float32Array;
  /** Fired-value counts [F, bins], and fired values outside (0, hi] [F]. All zero without a range. */
  hist: Uint32Array;
  histOutside: Uint32Array;
  /** Top activating rows [F, topN], best first; row −1 (value 0) marks an empty slot. */
  topValues: Float32Array;
  topRows: Int32Array;
  /** Per dimension [D]: mean and population variance of x and of e = x − x̂. */
  meanX: Float64Array;
  varX: Float64Array;
  meanE: Float64Array;
  varE: Float64Array;
  /** Σ_d Var(e_d) / Σ_d Var(x_d); 1 − FVU; mean over rows and dimensions of e². */
  fvu: number;
  explainedVariance: number;
  mse: number;
  /** L0 per row: mean (Σ_j fireCount / rows), min, max (NaN before any row). */
  l0Mean: number;
  l0Min: number;
  l0Max: number;
  /** E‖x̂‖ / E‖x‖ over the rows (norms of the normalised rows). */
  l2Ratio: number;
  /** k̂ over the rows that came with it: mean, min, max (NaN when none did). */
  kHatMean: number;
  kHatMin: number;
  kHatMax: number;
  /** Fraction of features that fired at least once / never. */
  aliveFraction: number;
  deadFraction: number;
  /**
   * The standard quality metrics (SAEBench core's definitions; docs/evaluation.md), all in the
   * normalised space the SAE reads (xn = (x − shift)/norm_factor):
   * - explainedVarianceR2 = 1 − Σ_rows ‖x − x̂‖² / Σ_rows ‖x − x̄‖² (x̄ the mean row): the
   *   coefficient of determination, SAEBench's `explained_variance`. `explainedVariance` above is
   *   the residual-variance form 1 − Σ_d Var(e_d) / Σ_d Var(x_d), which forgives a constant bias
   *   of the reconstruction (it subtracts the residual's mean);
   * - cosineMean = mean over rows of cos(x, x̂) (0 for a row whose x or x̂ is 0);
   * - l2RatioMean = mean over rows with ‖x‖ > 0 of ‖x̂‖ / ‖x‖ (SAEBench's `l2_ratio`);
   * - relativeReconstructionBias γ = Σ‖x̂‖² / Σ⟨x, x̂⟩ (γ = argmin of E‖x̂/γ − x‖²; 1 = unbiased);
   * - featuresOver1pct / featuresOver10pct = features firing on more than 1 % / 10 % of the rows.
   */
  explainedVarianceR2: number;
  /** Mean ‖xn‖ and ‖x̂‖ per row. */
  meanNormX: number;
  meanNormXHat: number;
  cosineMean: number;
  l2RatioMean: number;
  relativeReconstructionBias: number;
  featuresOver1pct: number;
  featuresOver10pct: number;
}

/** Decodes the accumulator bytes read back from the GPU. */
export function decodeEvalSummary(shape: EvalShape, bytes: ArrayBuffer): EvalSummary {
  const { F, D, bins, topN } = shape;
  const { sections } = evalLayout(shape);
  const u32 = (name: EvalSection, n = sections[name].size / 4) =>
    new Uint32Array(bytes.slice(sections[name].offset, sections[name].offset + 4 * n));
  const f32 = (name: EvalSection) =>
    new Float32Array(
      bytes.slice(sections[name].offset, sections[name].offset + sections[name].size),
    );

  const [l0Min, l0Max, rows, kHatRows, nonzeroRows] = u32('rowCounts', 5);
  const fireCount = u32('count');
  const mom = f32('mom');
  const range = f32('range');
  const actSum = new Float64Array(F);
  const actSumSq = new Float64Array(F);
  const density = new Float64Array(F);
  let alive = 0;
  let fired = 0;
  let over1 = 0;
  let over10 = 0;
  for (let j = 0; j < F; j++) {
    actSum[j] = mom[j] + mom[F + j];
    actSumSq[j] = mom[2 * F + j] + mom[3 * F + j];
    density[j] = rows > 0 ? fireCount[j] / rows : 0;
    fired += fireCount[j];
    if (fireCount[j] > 0) alive++;
    // Integer comparisons: count / rows > p exactly, with no rounding of the density.
    if (100 * fireCount[j] > rows) over1++;
    if (10 * fireCount[j] > rows) over10++;
  }
  const topValues = f32('topVal');
  const topRowsU = u32('topRow');
  const topRows = new Int32Array(F * topN);
  for (let i = 0; i < F * topN; i++) topRows[i] = topValues[i] > 0 ? topRowsU[i] : -1;

  const dimView = new DataView(bytes, sections.dims.offset, sections.dims.size);
  const meanX = new Float64Array(D);
  const varX = new Float64Array(D);
  const meanE = new Float64Array(D);
  const varE = new Float64Array(D);
  let m2X = 0;
  let m2E = 0;
  let sumE2 = 0;
  for (let d = 0; d < D; d++) {
    const at = (field: number) => 4 * (5 * d + field);
    const n = dimView.getUint32(at(0), true);
    const mx = dimView.getFloat32(at(1), true);
    const qx = dimView.getFloat32(at(2), true);
    const me = dimView.getFloat32(at(3), true);
    const qe = dimView.getFloat32(at(4), true);
    meanX[d] = mx;
    meanE[d] = me;
    varX[d] = n > 0 ? qx / n : NaN;
    varE[d] = n > 0 ? qe / n : NaN;
    m2X += qx;
    m2E += qe;
    sumE2 += qe + n * me * me;
  }
  const fvu = m2E / m2X;
  const acc = f32('rowAcc');
  const sum = (i: number) => acc[i] + acc[i + 1]; // a running sum plus its compensation
  const none = rows === 0;
  const noK = kHatRows === 0;
  return {
    F,
    D,
    bins,
    topN,
    rows,
    kHatRows,
    fireCount,
    density,
    actSum,
    actSumSq,
    actMax: f32('fmax'),
    histHi: range.slice(0, F),
    histScale: range.slice(F, 2 * F),
    hist: u32('hist'),
    histOutside: u32('outside'),
    topValues,
    topRows,
    meanX,
    varX,
    meanE,
    varE,
    fvu,
    explainedVariance: 1 - fvu,
    mse: none ? NaN : sumE2 / (rows * D),
    l0Mean: none ? NaN : fired / rows,
    l0Min: none ? NaN : l0Min,
    l0Max: none ? NaN : l0Max,
    l2Ratio: (acc[2] + acc[3]) / (acc[0] + acc[1]),
    kHatMean: noK ? NaN : (acc[4] + acc[5]) / kHatRows,
    kHatMin: noK ? NaN : acc[6],
    kHatMax: noK ? NaN : acc[7],
    aliveFraction: alive / F,
    deadFraction: 1 - alive / F,
    explainedVarianceR2: 1 - sumE2 / m2X,
    meanNormX: none ? NaN : sum(0) / rows,
    meanNormXHat: none ? NaN : sum(2) / rows,
    cosineMean: none ? NaN : sum(8) / rows,
    l2RatioMean: nonzeroRows === 0 ? NaN : sum(10) / nonzeroRows,
    relativeReconstructionBias: sum(14) / sum(12),
    featuresOver1pct: over1,
    featuresOver10pct: over10,
  };
}

/**
 * The buffers of a summary's typed arrays, for `postMessage(summary, transfer)` from the worker
 * (each array owns its buffer, so none is listed twice).
 */
export function evalSummaryTransfer(s: EvalSummary): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of Object.values(s)) if (ArrayBuffer.isView(v)) out.add(v.buffer as ArrayBuffer);
  return [...out];
}
