// The evaluation-pass accumulators (shaders/eval*.wgsl via src/sae/eval.ts) on Chromium's WebGPU
// vs the float64 reference (src/reference/eval.ts), over several batches. Counts, histograms,
// L0, maxima and the top-N lists (indices and values) must match exactly; float sums, moments and
// the FVU within the tolerances justified at TOL below.
import { expect, test } from '@playwright/test';
import { compareArrays, formatMismatches, type Tolerance } from '../src/reference/compare';
import { EvalReference, type EvalReferenceSummary } from '../src/reference/eval';
import { createRng, type Rng } from '../src/model/rng';
import { arenaLayout, packArena } from '../src/sae/arena';
import { loadSoftsaeSmall } from '../test/helpers/softsaeSmall';
import type {
  EvalBatchArg,
  EvalModelArg,
  EvalModelResult,
  EvalRunArg,
  EvalRunResult,
  PlainSummary,
} from './harness/eval.checks';
import { expectNoGpuErrors, openHarness, runCheck } from './gpu';

// One test per case; not serial, so a failing case hides no other.
test.afterEach(async ({ page }) => expectNoGpuErrors(page));

const f32 = (x: number) => Math.fround(x);

/**
 * Float tolerances. Codes are ≥ 0, so Σf and Σf² have no cancellation: float32 recursive
 * summation of m terms errs by at most (m − 1)·u·Σ|v| (u = 2⁻²⁴ ≈ 6e-8). Per batch a thread sums
 * B/4 rows, the tree adds log₂4 = 2 steps, and the compensated cross-batch sum adds ~u: at B ≤ 64
 * that is ≤ 18·u ≈ 1.1e-6 relative, so rtol 1e-5 leaves 10× slack (atol only for all-zero sums).
 * Moments: the batch mean errs by ~m·u·|mean|; Chan's merge term δ²·n_a·n_b/n then errs by about
 * 2u·|mean|·√B/σ relative — with |mean|/σ ≈ 6 and B = 64 about 6e-6 of Σ(x − x̄)² — and M2 sums
 * carry the same (m − 1)·u as above: rtol 1e-4 on variances, FVU and MSE. Means: the running
 * mean is rounded to float32 at each of the ≤ 40 merges (≤ 40·u·|mean| ≈ 2.4e-6·|mean|): atol and
 * rtol 1e-5.
 */
const TOL = {
  sums: { atol: 1e-6, rtol: 1e-5 },
  moments: { atol: 1e-6, rtol: 1e-4 },
  means: { atol: 1e-5, rtol: 1e-5 },
  // cos = ⟨x, x̂⟩/(‖x‖‖x̂‖): each float32 sum errs by ≤ (m − 1)·u of Σ|x_d·y_d| ≤ ‖x‖‖x̂‖ with
  // m ≤ ⌈D/64⌉ + 6 terms per path; at D ≤ 70 that is ≤ 8u ≈ 5e-7 absolute on the cosine.
  cosine: { atol: 5e-6, rtol: 0 },
} satisfies Record<string, Tolerance>;

function expectClose(name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance) {
  const c = compareArrays(gpu, ref, tol);
  console.log(
    `${name}: ${c.count} values, max |err| ${c.maxAbsError.toExponential(2)}, worst err/tol ${c.worstRatio.toFixed(3)}`,
  );
  expect(c.failures, `${name}\n${formatMismatches(c)}`).toBe(0);
}

/** Exact equality, reporting the first differing indices. */
function expectExact(name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>) {
  expect(gpu.length, `${name} length`).toBe(ref.length);
  const bad: string[] = [];
  for (let i = 0; i < ref.length && bad.length < 8; i++)
    if (!Object.is(gpu[i], ref[i])) bad.push(`  [${i}] gpu=${gpu[i]} ref=${ref[i]}`);
  expect(bad.join('\n'), `${name}: first mismatches`).toBe('');
}

/** Compares a GPU summary with the reference summary of the same batches. */
function expectSummary(label: string, gpu: PlainSummary, ref: EvalReferenceSummary) {
  const n = (k: string) => `${label} ${k}`;
  expect(gpu.rows, n('rows')).toBe(ref.rows);
  expectExact(n('fireCount'), gpu.fireCount, ref.fireCount);
  expectExact(n('actMax'), gpu.actMax, ref.actMax);
  expectExact(n('hist'), gpu.hist, ref.hist);
  expectExact(n('histOutside'), gpu.histOutside, ref.histOutside);
  expectExact(n('topRows'), gpu.topRows, ref.topRows);
  expectExact(n('topValues'), gpu.topValues, ref.topValues);
  expect([gpu.l0Min, gpu.l0Max], n('l0 min/max')).toEqual([ref.l0Min, ref.l0Max]);
  expect(gpu.l0Mean, n('l0Mean')).toBeCloseTo(ref.l0Mean, 12);
  expect(gpu.kHatRows, n('kHatRows')).toBe(ref.kHatRows);
  expect([gpu.kHatMin, gpu.kHatMax], n('k̂ min/max')).toEqual([ref.kHatMin, ref.kHatMax]);
  expect(gpu.aliveFraction, n('aliveFraction')).toBe(ref.aliveFraction);
  expectClose(n('actSum'), gpu.actSum, ref.actSum, TOL.sums);
  expectClose(n('actSumSq'), gpu.actSumSq, ref.actSumSq, TOL.sums);
  expectClose(n('meanX'), gpu.meanX, ref.meanX, TOL.means);
  expectClose(n('meanE'), gpu.meanE, ref.meanE, TOL.means);
  expectClose(n('varX'), gpu.varX, ref.varX, TOL.moments);
  expectClose(n('varE'), gpu.varE, ref.varE, TOL.moments);
  expectClose(n('fvu, mse'), [gpu.fvu, gpu.mse], [ref.fvu, ref.mse], TOL.moments);
  // Sums of positive terms (norms, k̂ ≥ 1): the same bound as for Σf.
  expectClose(n('l2Ratio'), [gpu.l2Ratio], [ref.l2Ratio], TOL.sums);
  if (ref.kHatRows === 0) expect(gpu.kHatMean, n('k̂ mean without k̂')).toBeNaN();
  else expectClose(n('k̂ mean'), [gpu.kHatMean], [ref.kHatMean], TOL.sums);
}

/** Per-row outputs of every batch: L0 exactly, cosine within TOL.cosine. */
function expectRows(out: EvalRunResult, rows: { l0: Float64Array; cosine: Float64Array }[]) {
  expect(out.l0.length).toBe(rows.length);
  rows.forEach((r, i) => {
    expectExact(`l0 batch ${i}`, out.l0[i], r.l0);
    expectClose(`cosine batch ${i}`, out.cosine[i], r.cosine, TOL.cosine);
  });
}

interface Gen {
  /** Value of f[r, j] for global row r (0 = not fired). */
  code(rng: Rng, row: number, j: number): number;
  meanX: number;
  /** Send k̂ ∈ [1, 40) with every row (SoftSAE). */
  kHat?: boolean;
  /** Global rows whose reconstruction is all zeros (cosine 0 by definition). */
  zeroXHat?: number[];
}

function makeBatches(F: number, D: number, sizes: number[], seed: number, g: Gen): EvalBatchArg[] {
  const rng = createRng(seed);
  let rowOffset = 0;
  return sizes.map((B) => {
    const f: number[] = [];
    const xn: number[] = [];
    const xHat: number[] = [];
    const kHat: number[] = [];
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < F; j++) f.push(f32(g.code(rng, rowOffset + r, j)));
      const zero = g.zeroXHat?.includes(rowOffset + r) ?? false;
      for (let d = 0; d < D; d++) {
        const x = f32(g.meanX + 0.5 * rng.normal() + 0.1 * d);
        xn.push(x);
        xHat.push(zero ? 0 : f32(x + 0.2 * rng.normal()));
      }
      kHat.push(f32(1 + 39 * rng.uniform()));
    }
    const batch = { B, rowOffset, f, xn, xHat, kHat: g.kHat ? kHat : undefined };
    rowOffset += B;
    return batch;
  });
}

/** Folds the batches into a reference; returns its summary and L0 per row of each batch. */
function reference(a: EvalRunArg, ranges?: { hi: ArrayLike<number>; scale: ArrayLike<number> }) {
  const ref = new EvalReference({ F: a.F, D: a.D, bins: a.bins, topN: a.topN });
  if (ranges) ref.setHistogramRange(ranges.hi, ranges.scale);
  const rows: { l0: Float64Array; cosine: Float64Array }[] = [];
  const partials: EvalReferenceSummary[] = [];
  a.batches.forEach((b) => {
    partials.push(ref.summary());
    rows.push(ref.addBatch(b));
  });
  return { summary: ref.summary(), rows, partials, ref };
}

test('control: F=70, 4 batches (one of 1 row), host range, bin edges, ties, dead features', async ({
  page,
}) => {
  const F = 70; // not a multiple of the 64-column workgroup
  const D = 12;
  const bins = 32;
  const hi = 8; // scale = bins / hi = 4 exactly: the edges are the multiples of 0.25
  const dead = new Set([3, 64, 69]);
  const g: Gen = {
    meanX: 3, // |mean| / σ ≈ 6: Σx² − n·mean² would lose digits here
    kHat: true,
    zeroXHat: [7, 40],
    code(rng, row, j) {
      if (dead.has(j)) return 0;
      if (j === 5) return 1; // every row ties: the earliest N rows must win
      if (j === 6) return row === 40 ? 2.5 : 0; // fires only in the 1-row batch
      if (j === 7) return [8, 0, 0.25, 8.25, 0][row % 5]; // the max, the first edge, just outside
      if (rng.uniform() > 0.3) return 0;
      return Math.ceil(rng.uniform() * 36) / 4; // 0.25 … 9 on the bin edges (> 8 is outside)
    },
  };
  const arg: EvalRunArg = {
    F,
    D,
    bins,
    topN: 16,
    batches: makeBatches(F, D, [40, 1, 33, 64], 11, g),
    range: { hi: Array.from({ length: F }, () => hi) },
  };
  await openHarness(page);
  const out = await runCheck<EvalRunResult>(page, 'evalRun', arg);
  const scale = Array.from({ length: F }, () => bins / hi);
  const ref = reference(arg, { hi: Array.from({ length: F }, () => hi), scale });
  expectExact('histScale', out.summary.histScale, scale);
  expectSummary('control', out.summary, ref.summary);
  expectRows(out, ref.rows);
  // The awkward features did what they were built to do (so the exact matches above mean something).
  const s = ref.summary;
  expect(s.fireCount[3]).toBe(0);
  expect(s.topRows.slice(5 * 16, 6 * 16)).toEqual(Float64Array.from({ length: 16 }, (_, i) => i));
  expect(s.topRows[6 * 16]).toBe(40);
  expect(s.hist[7 * bins + bins - 1]).toBeGreaterThan(0); // v = hi in the last bin
  expect(s.hist[7 * bins + 1]).toBeGreaterThan(0); // v = 0.25 opens bin 1
  expect(s.histOutside[7]).toBeGreaterThan(0);
});

test('two passes: range from the GPU max, all batches in one submit, F=130, D=70', async ({
  page,
}) => {
  const F = 130;
  const D = 70;
  const bins = 16;
  const g: Gen = {
    meanX: -1,
    code: (rng, _row, j) => (j % 13 === 0 ? 0 : Math.max(0, rng.normal() * (1 + j / 50))),
  };
  const arg: EvalRunArg = {
    F,
    D,
    bins,
    topN: 5,
    batches: makeBatches(F, D, [17, 50, 1], 23, g),
    range: 'fromMax',
    oneSubmit: true,
  };
  await openHarness(page);
  const out = await runCheck<EvalRunResult>(page, 'evalRun', arg);
  const first = reference(arg);
  // The range is the exact max; the scale is bins / max rounded by the GPU's division (≤ 2.5
  // ulp in WGSL), so the reference bins with the scale the GPU used.
  expectExact('histHi = max', out.summary.histHi, first.summary.actMax);
  const scaleRef = Array.from(first.summary.actMax, (m) => (m > 0 ? bins / m : 0));
  expectClose('histScale', out.summary.histScale, scaleRef, { atol: 0, rtol: 4 * 2 ** -23 });
  const ref = first.ref;
  ref.setHistogramRange(out.summary.histHi, out.summary.histScale);
  for (const b of arg.batches) ref.addHistogram(b);
  const s = ref.summary();
  expectSummary('two-pass', out.summary, s);
  expectRows(out, first.rows);
  // With the range from the max nothing is outside and every feature's max is in its last bin.
  expect(s.histOutside.every((c) => c === 0)).toBe(true);
  for (let j = 0; j < F; j++)
    if (s.fireCount[j] > 0) expect(s.hist[j * bins + bins - 1]).toBeGreaterThan(0);
});

test('reset forgets earlier batches; a live read mid-pass matches the reference so far', async ({
  page,
}) => {
  const F = 20;
  const D = 8;
  const g: Gen = { meanX: 0.5, code: (rng) => (rng.uniform() < 0.4 ? rng.uniform() * 3 : 0) };
  const arg: EvalRunArg = {
    F,
    D,
    bins: 8,
    topN: 3,
    before: makeBatches(F, D, [12], 5, { meanX: 9, code: () => 7 }),
    batches: makeBatches(F, D, [10, 10, 10], 31, g),
    range: 'none',
    readAfter: 2,
  };
  await openHarness(page);
  const out = await runCheck<EvalRunResult>(page, 'evalRun', arg);
  const ref = reference(arg);
  expectSummary('after reset', out.summary, ref.summary);
  expectRows(out, ref.rows);
  expect(out.partial, 'partial summary').toBeDefined();
  expectSummary('live read', out.partial!, ref.partials[2]);
  expect(out.summary.hist.every((c) => c === 0)).toBe(true);
});

test('FVU when |mean| ≫ σ: centred moments merged with Chan, 40 batches in one submit', async ({
  page,
}) => {
  const F = 4;
  const D = 16;
  const g: Gen = { meanX: 50, code: (rng) => (rng.uniform() < 0.5 ? 1 : 0) }; // |mean|/σ ≈ 100
  const arg: EvalRunArg = {
    F,
    D,
    bins: 4,
    topN: 2,
    batches: makeBatches(
      F,
      D,
      Array.from({ length: 40 }, () => 8),
      41,
      g,
    ),
    range: 'none',
    oneSubmit: true, // 40 batches' uniforms in distinct ring slots
  };
  await openHarness(page);
  const out = await runCheck<EvalRunResult>(page, 'evalRun', arg);
  const ref = reference(arg);
  expectSummary('|mean| ≫ σ', out.summary, ref.summary);
  // What the tolerance guards against: Σx²/n − mean² in float32 over the same rows.
  const naive = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let s = 0;
    let q = 0;
    for (const b of arg.batches)
      for (let r = 0; r < b.B; r++) {
        s = f32(s + b.xn[r * D + d]);
        q = f32(q + f32(b.xn[r * D + d] ** 2));
      }
    const n = ref.summary.rows;
    naive[d] = f32(f32(q / n) - f32(f32(s / n) ** 2));
  }
  const c = compareArrays(naive, ref.summary.varX, TOL.moments);
  console.log(`naive float32 Σx² − n·mean²: max |err| ${c.maxAbsError.toExponential(2)}`);
  expect(c.ok, 'the naive formula would fail this tolerance').toBe(false);
});

// Top-N at the extremes: N = 32 (MAX_N) and N = 1, B = 300 rows per batch, many ties.
// Feature 0: coarse values (ties across threads and batches); 1: distinct; 2: fires rarely.
const TIES: Gen = {
  meanX: 0,
  code: (rng, row, j) =>
    j === 0 ? Math.floor(rng.uniform() * 6) / 2 : j === 1 ? rng.uniform() : row % 97 === 5 ? 1 : 0,
};
for (const topN of [32, 1])
  test(`evaltopn: N = ${topN}, B = 300 rows per batch, many ties`, async ({ page }) => {
    const F = 3;
    const D = 2;
    await openHarness(page);
    const arg: EvalRunArg = {
      F,
      D,
      bins: 2,
      topN,
      batches: makeBatches(F, D, [300, 7, 300], 53 + topN, TIES),
      range: 'none',
    };
    const out = await runCheck<EvalRunResult>(page, 'evalRun', arg);
    const ref = reference(arg);
    expectSummary(`N=${topN}`, out.summary, ref.summary);
    // Feature 0 at N = 32: all 2.5s from batch 0; the tied 2.5s of batch 2 must not displace them.
    if (topN === 32) expect(ref.summary.topValues.slice(0, 32).every((v) => v === 2.5)).toBe(true);
  });

// An evaluation pass over softsae-small streamed through the GPU forward pass.
for (const mode of ['soft', 'hard'] as const)
  test(`eval pass: softsae-small through the ${mode} forward pass`, async ({ page }) => {
    const fx = await loadSoftsaeSmall();
    const { D, F, tensors } = fx.params;
    await openHarness(page);
    const arg: EvalModelArg = {
      D,
      F,
      B: 12, // 32 rows: batches of 12, 12 and a short one of 8 in a 12-row workspace
      mode,
      arena: [...packArena(arenaLayout(D, F), tensors)],
      shift: [...fx.params.shiftFactor],
      normFactor: fx.params.normFactor,
      kMax: fx.params.kMax,
      alpha: fx.params.alpha,
      k: fx.params.k,
      kLossWeight: 1,
      x: [...fx.x],
    };
    const out = await runCheck<EvalModelResult>(page, 'evalModel', arg);
    expect(out.batches.map((b) => b.B)).toEqual([12, 12, 8]);
    const ref = new EvalReference({ F, D, bins: 8, topN: 4 });
    for (const b of out.batches) {
      const rows = ref.addBatch(b);
      expectExact(`${mode} l0 rows ${b.rowOffset}…`, b.l0, rows.l0);
      expectClose(`${mode} cosine rows ${b.rowOffset}…`, b.cosine, rows.cosine, TOL.cosine);
      // The hard path's kept counts are the nonzero counts of its codes.
      if (mode === 'hard') expectExact(`hard kept count = L0`, b.l0Hard, rows.l0);
    }
    const s = ref.summary();
    expect(s.rows).toBe(fx.N);
    expectSummary(mode, out.summary, s);
  });

test('cross-batch sums keep what float32 drops (Neumaier compensation)', async ({ page }) => {
  // 2²⁴ then nine 1s, one row per batch: in float32 2²⁴ + 1 = 2²⁴, so a plain running sum would
  // stay at 2²⁴ (and Σf² at 2⁴⁸); the compensation term collects the nine 1s exactly.
  const big = 2 ** 24;
  const arg: EvalRunArg = {
    F: 1,
    D: 1,
    bins: 1,
    topN: 1,
    batches: Array.from({ length: 10 }, (_, i) => ({
      B: 1,
      rowOffset: i,
      f: [i === 0 ? big : 1],
      xn: [0],
      xHat: [0],
    })),
    range: 'none',
  };
  await openHarness(page);
  const out = await runCheck<EvalRunResult>(page, 'evalRun', arg);
  expect(out.summary.actSum[0]).toBe(big + 9);
  expect(out.summary.actSumSq[0]).toBe(big * big + 9);
  expect(out.summary.topRows[0]).toBe(0);
});
