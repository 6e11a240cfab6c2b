// Float64 reference of an evaluation, computed in the test process (Node) from a model read back
// from the engine and the built-in corpus generated here: src/reference/sae's forward pass on
// every row, independent of the WGSL kernels, the GPU accumulators and the page's arrays.
import { forward, type SaeParams, PARAM_NAMES, type ParamTensors } from '../src/reference/sae';

/** A model as `page.evaluate` brings it back (typed arrays turned into plain arrays). */
export interface PlainModel {
  arch: 'softsae' | 'topk';
  D: number;
  F: number;
  k: number;
  kMax: number;
  alpha: number;
  normFactor: number;
  shift: number[];
  tensors: Record<string, number[]>;
}

export interface ReferenceEval {
  kHat: Float64Array | null;
  l0: Int32Array;
  sqErr: Float64Array;
  /** Codes f per row as [feature, value] pairs (nonzeros, any order). */
  codes: [number, number][][];
  /** Rows whose kept set may legitimately differ between float32 and float64 (see below). */
  ambiguous: Uint8Array;
  fvu: number;
  /** Max of f_j over the rows, per feature [F]. */
  featureMax: Float64Array;
  /**
   * Per ambiguous row, the features whose kept/dropped status float32 may flip — the last kept
   * and the first dropped by rank (ties to the lower index) — as [feature, h] (h is the value f
   * takes if the feature is kept).
   */
  borderline: Map<number, [number, number][]>;
}

function params(m: PlainModel): SaeParams {
  const tensors = {} as ParamTensors;
  for (const name of PARAM_NAMES) tensors[name] = Float64Array.from(m.tensors[name] ?? []);
  return {
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
}

/**
 * Evaluates every row on the hard path (top-⌊k̂⌋ for SoftSAE, top-k for TopK). A row is
 * "ambiguous" when float32 rounding could change its kept set: k̂ within 1e-3 of an integer (⌊k̂⌋
 * may differ), or a gap < 1e-4 (relative) between the last kept positive h and the first dropped
 * one, or a last kept h in (0, 1e-4) (it may be 0 on the GPU, changing the nonzero count).
 */
export function referenceEval(m: PlainModel, x: Float32Array, rows: number): ReferenceEval {
  const p = params(m);
  const { D, F } = m;
  const soft = m.arch === 'softsae';
  const kHat = soft ? new Float64Array(rows) : null;
  const l0 = new Int32Array(rows);
  const sqErr = new Float64Array(rows);
  const codes: [number, number][][] = [];
  const ambiguous = new Uint8Array(rows);
  const featureMax = new Float64Array(F);
  const borderline = new Map<number, [number, number][]>();
  const sx = new Float64Array(D);
  const sxx = new Float64Array(D);
  const se = new Float64Array(D);
  const see = new Float64Array(D);
  const B = 256;
  for (let start = 0; start < rows; start += B) {
    const n = Math.min(B, rows - start);
    const xn = new Float64Array(n * D);
    for (let i = 0; i < n * D; i++) xn[i] = (x[start * D + i] - m.shift[i % D]) / m.normFactor;
    const out = forward(p, xn, soft ? 'hard' : 'topk');
    for (let b = 0; b < n; b++) {
      const r = start + b;
      const row: [number, number][] = [];
      for (let j = 0; j < F; j++) {
        const v = out.f[b * F + j];
        if (v !== 0) row.push([j, v]);
        if (v > featureMax[j]) featureMax[j] = v;
      }
      codes.push(row);
      l0[r] = row.length;
      let e2 = 0;
      for (let d = 0; d < D; d++) {
        const e = xn[b * D + d] - out.xHat[b * D + d];
        e2 += e * e;
        sx[d] += xn[b * D + d];
        sxx[d] += xn[b * D + d] ** 2;
        se[d] += e;
        see[d] += e * e;
      }
      sqErr[r] = e2;
      const kept = soft ? Math.floor(out.kHat![b]) : m.k;
      if (kHat) kHat[r] = out.kHat![b];
      const hRow = out.h.subarray(b * F, (b + 1) * F);
      const order = [...Array(F).keys()].sort((u, v) => hRow[v] - hRow[u] || u - v);
      const h = order.map((j) => hRow[j]);
      const last = h[kept - 1];
      // Kept zeros (fewer positive h than kept) do not count, so only a positive last matters.
      const gapSmall = last > 0 && kept < F && last - h[kept] < 1e-4 * Math.max(1, last);
      const nearInt = soft && Math.abs(out.kHat![b] - Math.round(out.kHat![b])) < 1e-3;
      if (gapSmall || nearInt || (last > 0 && last < 1e-4)) {
        ambiguous[r] = 1;
        // ⌊k̂⌋ one higher keeps rank `kept`, one lower drops rank `kept − 1`; a near tie swaps them.
        const ranks = [kept - 1, kept].filter((i) => i >= 0 && i < F && h[i] > 0);
        borderline.set(
          r,
          ranks.map((i) => [order[i], h[i]]),
        );
      }
    }
  }
  let varX = 0;
  let varE = 0;
  for (let d = 0; d < D; d++) {
    varX += sxx[d] - sx[d] ** 2 / rows;
    varE += see[d] - se[d] ** 2 / rows;
  }
  return { kHat, l0, sqErr, codes, ambiguous, fvu: varE / varX, featureMax, borderline };
}

/** Bounds [lo, hi] on one per-feature statistic: equal when no ambiguous row touches it. */
export type Bounds = [number, number];

/**
 * Per-feature statistics of the reference codes as the feature table defines them: rows where
 * f_j ≠ 0, Σ f_j over those rows, and max f_j. A borderline feature of an ambiguous row may be
 * kept or dropped on the GPU, so each statistic is a range: its value over the certain codes
 * (lo) up to that plus every borderline occurrence (hi).
 */
export function referenceFeatureStats(
  ref: ReferenceEval,
  F: number,
): { count: Bounds[]; sum: Bounds[]; max: Bounds[] } {
  const count = Array.from({ length: F }, (): Bounds => [0, 0]);
  const sum = Array.from({ length: F }, (): Bounds => [0, 0]);
  const max = Array.from({ length: F }, (): Bounds => [0, 0]);
  ref.codes.forEach((row, r) => {
    const maybe = new Map(ref.borderline.get(r) ?? []);
    for (const [j, v] of row)
      if (!maybe.has(j)) {
        count[j][0]++;
        sum[j][0] += v;
        max[j][0] = Math.max(max[j][0], v);
      }
  });
  for (let j = 0; j < F; j++) {
    count[j][1] = count[j][0];
    sum[j][1] = sum[j][0];
    max[j][1] = max[j][0];
  }
  for (const pairs of ref.borderline.values())
    for (const [j, v] of pairs) {
      count[j][1]++;
      sum[j][1] += v;
      max[j][1] = Math.max(max[j][1], v);
    }
  return { count, sum, max };
}

/** |a − b| ≤ atol + rtol·|b|. */
export function close(a: number, b: number, atol: number, rtol: number): boolean {
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}
