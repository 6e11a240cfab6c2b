import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOP_N_MAX } from '../../src/gpu/kernels/evalTopN';
import { compareTop, EvalReference, histogramBin } from '../../src/reference/eval';
import { computeMetrics } from '../../src/reference/sae/metrics';
import { createRng } from '../../src/model/rng';
import {
  decodeEvalSummary,
  EVAL_SECTIONS,
  evalInitialBytes,
  evalLayout,
  evalSummaryTransfer,
  type EvalShape,
} from '../../src/sae/evalSummary';

const shape: EvalShape = { F: 3, D: 2, bins: 4, topN: 2 };

describe('evaluation accumulator layout', () => {
  it('places every section at a 256-byte boundary, in order, without overlap', () => {
    const layout = evalLayout({ F: 70, D: 12, bins: 32, topN: 16 });
    let end = 0;
    for (const name of EVAL_SECTIONS) {
      const s = layout.sections[name];
      expect(s.offset % 256, name).toBe(0);
      expect(s.offset, name).toBeGreaterThanOrEqual(end);
      end = s.offset + s.size;
    }
    expect(layout.sections.hist.size).toBe(70 * 32 * 4);
    expect(layout.sections.dims.size).toBe(12 * 5 * 4);
    expect(layout.size).toBeGreaterThanOrEqual(end);
  });

  it('resets to zeros except the running minima and maxima', () => {
    const layout = evalLayout(shape);
    const bytes = evalInitialBytes(layout);
    const u = new Uint32Array(bytes);
    const at = layout.sections.rowCounts.offset / 4;
    const k = layout.sections.rowAcc.offset / 4 + 6;
    expect(u[at]).toBe(0xffffffff);
    expect([...new Float32Array(bytes, 4 * k, 2)]).toEqual([Infinity, -Infinity]);
    const others = u.filter((_, i) => i !== at && i !== k && i !== k + 1);
    expect(others.every((v) => v === 0)).toBe(true);
  });
});

describe('decodeEvalSummary', () => {
  it('adds the compensation terms, marks empty top-N slots and derives the aggregates', () => {
    const layout = evalLayout(shape);
    const bytes = evalInitialBytes(layout);
    const sec = layout.sections;
    const u32 = (name: keyof typeof sec, values: number[]) =>
      new Uint32Array(bytes, sec[name].offset, values.length).set(values);
    const f32 = (name: keyof typeof sec, values: number[]) =>
      new Float32Array(bytes, sec[name].offset, values.length).set(values);
    u32('count', [4, 0, 2]);
    f32('mom', [10, 0, 3, 0.5, 0, 0.25, 30, 0, 5, 0.125, 0, 0.5]);
    f32('topVal', [2, 1, 0, 0, 3, 0]);
    u32('topRow', [7, 9, 0, 0, 5, 0]);
    u32('rowCounts', [1, 2, 4, 2, 3]);
    // … then Σcos 3 + 0.5, Σ‖x̂‖/‖x‖ 2.25 + 0, Σx·x̂ 8 + 0, Σ‖x̂‖² 6 + 0.5
    f32('rowAcc', [6, 0.5, 3, 0.25, 9, 1, 4, 6, 3, 0.5, 2.25, 0, 8, 0, 6, 0.5]);
    // dims: d0 n=4, mean_x 1, M2_x 8, mean_e 0.5, M2_e 2; d1 n=4, mean_x 0, M2_x 8, mean_e 0, M2_e 0
    const dims = new DataView(bytes, sec.dims.offset, sec.dims.size);
    [4, 1, 8, 0.5, 2, 4, 0, 8, 0, 0].forEach((v, i) =>
      i % 5 === 0 ? dims.setUint32(4 * i, v, true) : dims.setFloat32(4 * i, v, true),
    );
    const s = decodeEvalSummary(shape, bytes);
    expect([...s.actSum]).toEqual([10.5, 0, 3.25]);
    expect([...s.actSumSq]).toEqual([30.125, 0, 5.5]);
    expect([...s.density]).toEqual([1, 0, 0.5]);
    expect([...s.topRows]).toEqual([7, 9, -1, -1, 5, -1]);
    expect(s.fvu).toBe(2 / 16);
    expect(s.explainedVariance).toBe(1 - 2 / 16);
    // Σe² = (M2_e + n·mean_e²) summed over d = 2 + 4·0.25 = 3, over rows·D = 8.
    expect(s.mse).toBe(3 / 8);
    expect([...s.varX]).toEqual([2, 2]);
    expect(s.l0Mean).toBe(6 / 4);
    expect([s.l0Min, s.l0Max]).toEqual([1, 2]);
    expect(s.aliveFraction).toBeCloseTo(2 / 3, 15);
    expect(s.l2Ratio).toBe(3.25 / 6.5);
    expect([s.kHatMean, s.kHatMin, s.kHatMax]).toEqual([5, 4, 6]);
    // Σ‖x − x̂‖² = 3 over Σ‖x − x̄‖² = ΣM2_x = 16: the bias (mean_e = 0.5) is not forgiven.
    expect(s.explainedVarianceR2).toBe(1 - 3 / 16);
    expect(s.cosineMean).toBe(3.5 / 4); // over all 4 rows
    expect(s.l2RatioMean).toBe(2.25 / 3); // over the 3 rows with ‖x‖ > 0
    expect(s.relativeReconstructionBias).toBe(6.5 / 8);
    // densities 1, 0, 0.5: two features above 1 % and above 10 %.
    expect([s.featuresOver1pct, s.featuresOver10pct]).toEqual([2, 2]);
  });

  it('counts features above 1 % and 10 % strictly, without rounding the density', () => {
    const layout = evalLayout({ ...shape, F: 4 });
    const bytes = evalInitialBytes(layout);
    // 1000 rows: 10 is exactly 1 % (not above), 11 is above; 100 is exactly 10 %, 101 above.
    new Uint32Array(bytes, layout.sections.count.offset, 4).set([10, 11, 100, 101]);
    new Uint32Array(bytes, layout.sections.rowCounts.offset, 5).set([0, 0, 1000, 0, 1000]);
    const s = decodeEvalSummary({ ...shape, F: 4 }, bytes);
    expect([s.featuresOver1pct, s.featuresOver10pct]).toEqual([3, 1]);
  });

  it('lists every typed array buffer once, so the summary can be transferred', () => {
    const s = decodeEvalSummary(shape, evalInitialBytes(evalLayout(shape)));
    const views = Object.values(s).filter((v) => ArrayBuffer.isView(v));
    const transfer = evalSummaryTransfer(s);
    expect(transfer.length).toBe(views.length); // no two arrays share a buffer
    const copy = structuredClone(s, { transfer });
    expect(copy.topRows.length).toBe(shape.F * shape.topN);
    expect(s.topRows.length).toBe(0); // detached: moved, not copied
  });

  it('reports NaN L0 and MSE before any row', () => {
    const s = decodeEvalSummary(shape, evalInitialBytes(evalLayout(shape)));
    expect([s.l0Mean, s.l0Min, s.l0Max, s.mse, s.kHatMean, s.kHatMin]).toEqual([
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
    ]);
    expect(s.deadFraction).toBe(1);
  });
});

describe('evaluation reference', () => {
  it('bins (0, hi]: an edge opens its bin, hi lands in the last, the rest is outside', () => {
    const scale = 32 / 8;
    expect(histogramBin(0.25, 8, scale, 32)).toBe(1);
    expect(histogramBin(0.2499, 8, scale, 32)).toBe(0);
    expect(histogramBin(8, 8, scale, 32)).toBe(31);
    expect(histogramBin(7.75, 8, scale, 32)).toBe(31);
    expect(histogramBin(8.0001, 8, scale, 32)).toBe(-1);
    expect(histogramBin(-1, 8, scale, 32)).toBe(-1);
    expect(histogramBin(NaN, 8, scale, 32)).toBe(-1);
    expect(histogramBin(1, 0, 0, 32)).toBe(-1);
  });

  it('orders the top-N by value, then the earlier row', () => {
    const xs = [
      { v: 1, row: 5 },
      { v: 2, row: 9 },
      { v: 1, row: 2 },
    ].sort(compareTop);
    expect(xs.map((x) => x.row)).toEqual([9, 2, 5]);
  });

  it('does not depend on how the rows are split into batches', () => {
    const F = 6;
    const D = 3;
    const rng = createRng(3);
    const rows = 23;
    const f = Array.from({ length: rows * F }, () => (rng.uniform() < 0.5 ? 0 : rng.uniform()));
    const xn = Array.from({ length: rows * D }, () => 5 + rng.normal());
    const xHat = xn.map((x) => x + 0.1 * rng.normal());
    const run = (sizes: number[]) => {
      const ref = new EvalReference({ F, D, bins: 4, topN: 3 });
      ref.setHistogramRange([1, 1, 1, 1, 1, 1], [4, 4, 4, 4, 4, 4]);
      let at = 0;
      for (const B of sizes) {
        ref.addBatch({
          B,
          rowOffset: at,
          f: f.slice(at * F, (at + B) * F),
          xn: xn.slice(at * D, (at + B) * D),
          xHat: xHat.slice(at * D, (at + B) * D),
        });
        at += B;
      }
      return ref.summary();
    };
    const a = run([23]);
    const b = run([1, 10, 12]);
    expect(b.topRows).toEqual(a.topRows);
    expect(b.hist).toEqual(a.hist);
    expect(b.fvu).toBeCloseTo(a.fvu, 12);
    expect(b.l0Mean).toBe(a.l0Mean);
  });

  it('agrees with computeMetrics (spec §7) on one batch', () => {
    const F = 9;
    const D = 4;
    const B = 17;
    const rng = createRng(8);
    const f = Array.from({ length: B * F }, () => (rng.uniform() < 0.6 ? 0 : rng.uniform()));
    const xn = Array.from({ length: B * D }, () => rng.normal() - 2);
    const xHat = xn.map((x) => x + 0.3 * rng.normal());
    const ref = new EvalReference({ F, D, bins: 4, topN: 2 });
    const { l0, cosine } = ref.addBatch({ B, rowOffset: 0, f, xn, xHat });
    const s = ref.summary();
    const m = computeMetrics(
      Float64Array.from(xn),
      Float64Array.from(xHat),
      Float64Array.from(f),
      D,
      F,
    );
    expect([...l0]).toEqual([...m.l0]);
    cosine.forEach((c, b) => expect(c).toBeCloseTo(m.cosine[b], 12));
    expect(s.l2Ratio).toBeCloseTo(m.l2Ratio, 12);
    expect(s.fvu).toBeCloseTo(m.fvu, 12);
    expect(s.mse).toBeCloseTo(m.mse, 12);
    expect([s.l0Mean, s.l0Min, s.l0Max]).toEqual([m.l0Mean, m.l0Min, m.l0Max]);
    expect(s.aliveFraction).toBe(m.aliveFraction);
    s.fireCount.forEach((c, j) => expect(c / B).toBeCloseTo(m.density[j], 12));
  });
});

describe('WGSL constants match the host', () => {
  it('MAX_N of evaltopn.wgsl is TOP_N_MAX', () => {
    const src = readFileSync(new URL('../../shaders/evaltopn.wgsl', import.meta.url), 'utf8');
    expect(/const MAX_N: u32 = (\d+)u;/.exec(src)?.[1]).toBe(String(TOP_N_MAX));
  });
});
