/**
 * Float64 reference of the GPU evaluation pass (src/sae/eval.ts, shaders/eval*.wgsl): the same
 * definitions, computed directly rather than by the GPU's method —
 *  - per-feature count / Σf / Σf² / max: plain float64 sums over every row;
 *  - histogram: bin = min(⌊fl32(v·scale)⌋, bins − 1) for 0 < v ≤ hi, else "outside" — with the
 *    float32 scale the GPU used, so the bins are reproduced exactly;
 *  - top-N: every fired (value, global row) of a feature kept, sorted once (value desc, row asc:
 *    of tied values the earlier row wins) — not a batch-by-batch merge;
 *  - FVU: Welford's update row by row in float64 (independent of the batch split);
 *  - per row: L0 = nonzeros of the row, cos(xn, x̂) (0 when a norm is 0), and the sums of the
 *    norms for l2_ratio, the k̂ sum / min / max over rows that came with k̂.
 */
import type { EvalShape } from '../model/evalShape';

export interface EvalBatchData {
  /** [B, F], [B, D], [B, D] row-major. */
  f: ArrayLike<number>;
  xn: ArrayLike<number>;
  xHat: ArrayLike<number>;
  rowOffset: number;
  B: number;
  /** [B] (SoftSAE). */
  kHat?: ArrayLike<number>;
}

export interface EvalReferenceSummary extends EvalShape {
  rows: number;
  kHatRows: number;
  fireCount: Float64Array;
  actSum: Float64Array;
  actSumSq: Float64Array;
  actMax: Float64Array;
  hist: Float64Array;
  histOutside: Float64Array;
  /** [F, topN]; −1 / 0 in empty slots. */
  topRows: Float64Array;
  topValues: Float64Array;
  meanX: Float64Array;
  varX: Float64Array;
  meanE: Float64Array;
  varE: Float64Array;
  fvu: number;
  mse: number;
  l0Mean: number;
  l0Min: number;
  l0Max: number;
  l2Ratio: number;
  kHatMean: number;
  kHatMin: number;
  kHatMax: number;
  aliveFraction: number;
}

/** Histogram bin of a fired value v, or −1 when it falls outside (0, hi]. */
export function histogramBin(v: number, hi: number, scale: number, bins: number): number {
  if (!(v > 0 && v <= hi)) return -1;
  return Math.min(Math.floor(Math.fround(v * scale)), bins - 1);
}

/** Sort order of the top-N lists: larger value first, then the earlier row. */
export function compareTop(a: { v: number; row: number }, b: { v: number; row: number }): number {
  return b.v - a.v || a.row - b.row;
}

export class EvalReference {
  private fireCount!: Float64Array;
  private actSum!: Float64Array;
  private actSumSq!: Float64Array;
  private actMax!: Float64Array;
  private hist!: Float64Array;
  private histOutside!: Float64Array;
  private candidates!: { v: number; row: number }[][];
  private n = 0;
  private meanX!: Float64Array;
  private m2X!: Float64Array;
  private meanE!: Float64Array;
  private m2E!: Float64Array;
  private sumE2 = 0;
  private l0Min = Infinity;
  private l0Max = -Infinity;
  private range?: { hi: Float64Array; scale: Float64Array };
  private normX = 0;
  private normXHat = 0;
  private kRows = 0;
  private kSum = 0;
  private kMin = Infinity;
  private kMax = -Infinity;

  constructor(readonly shape: EvalShape) {
    this.reset();
  }

  reset(): void {
    const { F, D, bins } = this.shape;
    this.fireCount = new Float64Array(F);
    this.actSum = new Float64Array(F);
    this.actSumSq = new Float64Array(F);
    this.actMax = new Float64Array(F);
    this.hist = new Float64Array(F * bins);
    this.histOutside = new Float64Array(F);
    this.candidates = Array.from({ length: F }, () => []);
    this.n = 0;
    this.meanX = new Float64Array(D);
    this.m2X = new Float64Array(D);
    this.meanE = new Float64Array(D);
    this.m2E = new Float64Array(D);
    this.sumE2 = 0;
    this.l0Min = Infinity;
    this.l0Max = -Infinity;
    this.range = undefined;
    this.normX = 0;
    this.normXHat = 0;
    this.kRows = 0;
    this.kSum = 0;
    this.kMin = Infinity;
    this.kMax = -Infinity;
  }

  /** Histogram range per feature: (0, hi] split by the given float32 scale. */
  setHistogramRange(hi: ArrayLike<number>, scale: ArrayLike<number>): void {
    this.range = { hi: Float64Array.from(hi), scale: Float64Array.from(scale) };
  }

  /**
   * Folds a batch in; returns L0 and cos(xn, x̂) per row [B]. Counts the histogram when a range is
   * set.
   */
  addBatch(b: EvalBatchData): { l0: Float64Array; cosine: Float64Array } {
    const { F, D } = this.shape;
    const l0 = new Float64Array(b.B);
    const cosine = new Float64Array(b.B);
    for (let r = 0; r < b.B; r++) {
      for (let j = 0; j < F; j++) {
        const v = b.f[r * F + j];
        if (v !== 0) {
          this.fireCount[j]++;
          l0[r]++;
        }
        this.actSum[j] += v;
        this.actSumSq[j] += v * v;
        this.actMax[j] = Math.max(this.actMax[j], v);
        if (v > 0) this.candidates[j].push({ v, row: b.rowOffset + r });
      }
      this.l0Min = Math.min(this.l0Min, l0[r]);
      this.l0Max = Math.max(this.l0Max, l0[r]);
      this.n++;
      let dot = 0;
      let xx = 0;
      let yy = 0;
      for (let d = 0; d < D; d++) {
        const x = b.xn[r * D + d];
        const y = b.xHat[r * D + d];
        dot += x * y;
        xx += x * x;
        yy += y * y;
        const e = x - y;
        this.sumE2 += e * e;
        const dx = x - this.meanX[d];
        this.meanX[d] += dx / this.n;
        this.m2X[d] += dx * (x - this.meanX[d]);
        const de = e - this.meanE[d];
        this.meanE[d] += de / this.n;
        this.m2E[d] += de * (e - this.meanE[d]);
      }
      cosine[r] = xx > 0 && yy > 0 ? dot / Math.sqrt(xx * yy) : 0;
      this.normX += Math.sqrt(xx);
      this.normXHat += Math.sqrt(yy);
      if (b.kHat) {
        const k = b.kHat[r];
        this.kRows++;
        this.kSum += k;
        this.kMin = Math.min(this.kMin, k);
        this.kMax = Math.max(this.kMax, k);
      }
    }
    if (this.range) this.addHistogram(b);
    return { l0, cosine };
  }

  addHistogram(b: Pick<EvalBatchData, 'f' | 'B'>): void {
    const { F, bins } = this.shape;
    const range = this.range;
    if (!range) throw new Error('EvalReference: histogram range not set');
    for (let r = 0; r < b.B; r++) {
      for (let j = 0; j < F; j++) {
        const v = b.f[r * F + j];
        if (v === 0) continue;
        const bin = histogramBin(v, range.hi[j], range.scale[j], bins);
        if (bin < 0) this.histOutside[j]++;
        else this.hist[j * bins + bin]++;
      }
    }
  }

  summary(): EvalReferenceSummary {
    const { F, D, topN } = this.shape;
    const topRows = new Float64Array(F * topN).fill(-1);
    const topValues = new Float64Array(F * topN);
    for (let j = 0; j < F; j++) {
      const best = [...this.candidates[j]].sort(compareTop).slice(0, topN);
      best.forEach((c, i) => {
        topRows[j * topN + i] = c.row;
        topValues[j * topN + i] = c.v;
      });
    }
    let sumX = 0;
    let sumE = 0;
    for (let d = 0; d < D; d++) {
      sumX += this.m2X[d];
      sumE += this.m2E[d];
    }
    let fired = 0;
    let alive = 0;
    for (const c of this.fireCount) {
      fired += c;
      if (c > 0) alive++;
    }
    const n = this.n;
    return {
      ...this.shape,
      rows: n,
      kHatRows: this.kRows,
      fireCount: this.fireCount.slice(),
      actSum: this.actSum.slice(),
      actSumSq: this.actSumSq.slice(),
      actMax: this.actMax.slice(),
      hist: this.hist.slice(),
      histOutside: this.histOutside.slice(),
      topRows,
      topValues,
      meanX: this.meanX.slice(),
      varX: this.m2X.map((m) => m / n),
      meanE: this.meanE.slice(),
      varE: this.m2E.map((m) => m / n),
      fvu: sumE / sumX,
      mse: this.sumE2 / (n * D),
      l0Mean: fired / n,
      l0Min: this.l0Min,
      l0Max: this.l0Max,
      l2Ratio: this.normXHat / this.normX,
      kHatMean: this.kRows > 0 ? this.kSum / this.kRows : NaN,
      kHatMin: this.kRows > 0 ? this.kMin : NaN,
      kHatMax: this.kRows > 0 ? this.kMax : NaN,
      aliveFraction: alive / F,
    };
  }
}
