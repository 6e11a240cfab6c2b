// SAE kernels on Chromium's WebGPU vs the float64 reference: soft top-k (forward and stable
// backward), hard per-row top-k, and the k-estimator head. Inputs are generated and references
// computed here in Node; the page only runs the GPU. One test per (kernel, case), as in
// kernels.spec.ts: one harness page serves them all, and a failing case hides no other.
import { expect, test, type Page } from '@playwright/test';
import { compareArrays, formatMismatches, type Tolerance } from '../src/reference/compare';
import { createRng } from '../src/model/rng';
import { softTopK } from '../src/reference/sae/softtopk';
import {
  gpuThreshold,
  kEstimateReference,
  KESTIMATE_TOL,
  rowTopKReference,
  softTopKReference,
} from '../src/selfcheck/saeReference';
import type { KEstimateArg, RowTopKArg, SoftTopKArg } from './harness/sae.checks';
import { runCheck, sharedHarness } from './gpu';

// Not serial: a failing case must not skip the cases after it (the worker restarts instead).
let page: Page;
sharedHarness((p) => (page = p));

const f32 = (x: number) => Math.fround(x);

/** ReLU of N(0, σ²) draws rounded to float32: about half the entries are exactly zero. */
function reluNormal(n: number, seed: number, sigma = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => f32(Math.max(0, sigma * rng.normal())));
}

function expectClose(name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance) {
  const c = compareArrays(gpu, ref, tol);
  console.log(
    `${name}: ${c.count} values, max |err| ${c.maxAbsError.toExponential(2)}, worst err/tol ${c.worstRatio.toFixed(3)}`,
  );
  expect(c.failures, `${name}\n${formatMismatches(c)}`).toBe(0);
}

interface SoftCase {
  name: string;
  arg: SoftTopKArg;
  /**
   * Only for the default search. The whole-row Newton (kept for the benchmarks) misses t on
   * some of the bracket's cases by far more than the tolerance: it stops anywhere in a gap where
   * S(t) is flat in float32 (k̂ an integer, neighbours ≫ 87α apart: ~80α off at k̂ = 1, α = 1e-4),
   * and ~1e-2·α off on the tied grid at k̂ = 9; the select search polishes t in closed form.
   */
  selectOnly?: boolean;
}

function softCase(
  name: string,
  B: number,
  F: number,
  alpha: number,
  h: number[],
  kHat: number[],
  seed: number,
): SoftCase {
  const rng = createRng(seed);
  const df = Array.from({ length: B * F }, () => f32(rng.normal()));
  return { name, arg: { B, F, alpha, h, kHat: kHat.map(f32), df } };
}

function softCases(): SoftCase[] {
  const cases: SoftCase[] = [];
  const ks = (B: number, lo: number, hi: number, seed: number) => {
    const rng = createRng(seed);
    return Array.from({ length: B }, () => lo + (hi - lo) * rng.uniform());
  };
  cases.push(
    softCase('control 8×64 α=0.05', 8, 64, 0.05, reluNormal(8 * 64, 1), ks(8, 1, 20, 2), 3),
  );
  cases.push(
    softCase(
      'F=300 (not a multiple of 256)',
      5,
      300,
      0.05,
      reluNormal(5 * 300, 4),
      ks(5, 1, 40, 5),
      6,
    ),
  );
  // k̂ at the edges: 1, just above 1, just below F, exactly F (t = −∞, every p = 1).
  cases.push(
    softCase('k̂ near 1 and near F', 4, 50, 0.1, reluNormal(4 * 50, 7), [1, 1.001, 49.5, 50], 8),
  );
  // Ties: values on a coarse grid.
  const tied = reluNormal(3 * 40, 9).map((v) => Math.round(v * 4) / 4);
  cases.push(softCase('ties', 3, 40, 0.05, tied, [3.5, 7.25, 12], 10));
  // Fewer positive entries than k̂: mostly zeros.
  const sparse = reluNormal(2 * 64, 11).map((v, i) => (i % 16 === 0 ? v + 0.5 : 0));
  cases.push(softCase('fewer positives than k̂', 2, 64, 0.05, sparse, [6.5, 10], 12));
  // Gaps ≫ 87α: every g_i underflows in float32, the softmax form must still be right.
  const gapped = Array.from({ length: 2 * 32 }, (_, i) => f32(((i * 7) % 32) * 0.5 + 0.25));
  cases.push(softCase('gaps ≫ 87α (α=1e-3)', 2, 32, 1e-3, gapped, [4.5, 10.3], 13));
  // The bracket's awkward rows (softTopKSearchForward): all-equal rows (one all zero), k̂ at 1
  // and at k_max in a row wider than the candidate list, k̂ of the first annealing steps (far
  // above the positives: t inside the tied zeros), α from 1e-6 to 1 (α = 1: every entry is a
  // candidate, more than the list holds), ties across radix buckets.
  const added: SoftCase[] = [];
  const equal = [...new Array(2 * 100).fill(0.5), ...new Array(100).fill(0)];
  added.push(softCase('all-equal rows, one all zero', 3, 100, 0.01, equal, [7.5, 1, 50], 14));
  const wide = reluNormal(4 * 2048, 15);
  added.push(
    softCase('k̂ at 1 and k_max, F=2048 α=1e-4', 4, 2048, 1e-4, wide, [1, 16, 31.99, 32], 16),
  );
  const annealing = reluNormal(3 * 2048, 17, 0.3);
  added.push(
    softCase(
      'large k̂ (annealing), F=2048 α=1e-4',
      3,
      2048,
      1e-4,
      annealing,
      [700, 1500, 2047.5],
      18,
    ),
  );
  added.push(softCase('α=1e-6', 3, 300, 1e-6, reluNormal(3 * 300, 19), [1, 5.5, 40], 20));
  added.push(softCase('α=1, F=1500', 2, 1500, 1, reluNormal(2 * 1500, 21), [3.5, 200], 22));
  // α = 1e-2 (the presets') at k̂ in the hundreds: hundreds of candidates, refined by the
  // whole workgroup from the list in workgroup memory, not by one thread.
  added.push(
    softCase(
      'hundreds of candidates, F=2048 α=1e-2',
      2,
      2048,
      1e-2,
      reluNormal(2 * 2048, 25),
      [300.5, 120],
      26,
    ),
  );
  // Rows of 4096 and 8192 entries: 64 and 128 threads per row (rowWorkgroupSize), the sizes
  // between the 32 of the rows above and the 256 of the largest.
  added.push(
    softCase('F=4096 (64 threads a row)', 2, 4096, 1e-2, reluNormal(2 * 4096, 27), [8.5, 40], 28),
  );
  added.push(
    softCase('F=8192 (128 threads a row)', 2, 8192, 1e-4, reluNormal(2 * 8192, 29), [1.5, 64], 30),
  );
  const grid = reluNormal(2 * 1200, 23, 4).map((v) => Math.round(v * 64) / 64);
  added.push(softCase('ties across buckets, F=1200', 2, 1200, 0.05, grid, [9, 100.5], 24));
  return [...cases, ...added.map((c) => ({ ...c, selectOnly: true }))];
}

for (const search of ['select', 'select-shared', 'newton'] as const)
  for (const { name: caseName, arg: caseArg, selectOnly } of softCases()) {
    if (selectOnly && search === 'newton') continue;
    test(`softtopk ${search}: ${caseName}`, async () => {
      const name = `${caseName} [${search}]`;
      const arg = { ...caseArg, search };
      const { B } = arg;
      const out = await runCheck<{ t: number[]; f: number[]; dpre: number[]; dkHat: number[] }>(
        page,
        'softTopK',
        arg,
      );
      // The reference and the float32 resolution of t: softTopKReference (src/selfcheck).
      const ref = softTopKReference(arg);
      const { t: refT, epsT } = ref;
      const gpuT = gpuThreshold(out);
      for (let b = 0; b < B; b++) {
        if (refT[b] === -Infinity) expect(gpuT[b], `${name}: row ${b} t`).toBe(-Infinity);
        else
          expect(Math.abs(gpuT[b] - refT[b]), `${name}: row ${b} t`).toBeLessThanOrEqual(4 * epsT);
      }
      expectClose(`${name}: f`, out.f, ref.f, ref.tol.f);
      expectClose(`${name}: ∂pre`, out.dpre, ref.dpre, ref.tol.dpre);
      expectClose(`${name}: ∂k̂`, out.dkHat, ref.dkHat, ref.tol.dkHat);
    });
  }

test('softtopk: weights sum to k̂ on the GPU (6×257)', async () => {
  const B = 6;
  const F = 257;
  const h = reluNormal(B * F, 21, 2);
  const kHat = [1, 2.5, 17.75, 64, 128.5, 256];
  const arg: SoftTopKArg = { B, F, alpha: 0.02, h, kHat, df: new Array(B * F).fill(0) };
  const out = await runCheck<{ f: number[] }>(page, 'softTopK', arg);
  for (let b = 0; b < B; b++) {
    // Σ p over positive entries (f/h) plus the zero entries' p, recovered from the reference t.
    const row = h.slice(b * F, (b + 1) * F);
    const { p } = softTopK(row, kHat[b], 0.02);
    let sum = 0;
    for (let j = 0; j < F; j++) sum += row[j] > 0 ? out.f[b * F + j] / row[j] : p[j];
    expect(Math.abs(sum - kHat[b]), `row ${b}: Σp = ${sum}, k̂ = ${kHat[b]}`).toBeLessThan(
      2e-3 * Math.max(1, kHat[b] / 10),
    );
  }
});

// Hard top-k per row: exact selection, ties to the lower index, short rows.
const topkRng = createRng(31);
const TOPK_CASES: [string, RowTopKArg][] = [
  [
    'control 8×64 k̂',
    {
      B: 8,
      F: 64,
      h: reluNormal(512, 32),
      kHat: Array.from({ length: 8 }, () => 1 + 20 * topkRng.uniform()),
    },
  ],
  ['F=700 > workgroup', { B: 3, F: 700, h: reluNormal(2100, 33), kHat: [1.5, 37.9, 350] }],
  ['F=5 < workgroup', { B: 4, F: 5, h: reluNormal(20, 34), kHat: [1, 2.9, 4, 5] }],
  [
    'ties on a grid',
    {
      B: 4,
      F: 100,
      h: reluNormal(400, 35).map((v) => Math.round(v * 2) / 2),
      kHat: [3, 10, 25, 60],
    },
  ],
  [
    'fewer positives than ⌊k̂⌋',
    { B: 2, F: 64, h: reluNormal(128, 36).map((v, i) => (i % 10 ? 0 : v + 0.1)), kHat: [20, 64] },
  ],
  [
    'negative zero and all-zero row',
    { B: 2, F: 8, h: [-0, 0, 0.5, -0, 0.25, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], kHat: [2, 3] },
  ],
  ['constant k (TopK)', { B: 5, F: 130, h: reluNormal(650, 37), k: 7 }],
  // The radix select decides τ's key 8 bits a pass: rows whose keys share leading bytes, or tie
  // completely, must still give the exact kk-th largest and the first ties by index.
  [
    'all entries equal',
    { B: 3, F: 300, h: Array.from({ length: 900 }, () => 0.75), kHat: [1, 150.5, 299] },
  ],
  [
    'keys sharing their top 3 bytes (1 + i·2⁻²³)',
    {
      B: 2,
      F: 200,
      h: Array.from({ length: 400 }, (_, i) => 1 + ((i * 37) % 200) * 2 ** -23),
      kHat: [17, 199],
    },
  ],
  [
    'tiny (near the smallest normal float32) and huge values',
    {
      B: 2,
      F: 12,
      // Float32-exact values: no two distinct here round to one float32. No subnormals: WGSL
      // allows a GPU to flush them to zero.
      h: [1.2e-38, 2.4e-38, 1e-37, 1e-30, 2e-38, 1, 3e38, 1e30, 1.2e-38, 0, 5, 2.4e-38]
        .concat([1.2e-38, 1.2e-38, 1.2e-38, 2.4e-38, 2.4e-38, 0, 0, 7, 7, 7, 1.2e-38, 2.4e-38])
        .map(Math.fround),
      kHat: [7, 6],
    },
  ],
  [
    'k̂ below 1 keeps nothing; k̂ at F − 1 and F',
    { B: 3, F: 70, h: reluNormal(210, 38).map((v) => v + 0.01), kHat: [0.5, 69, 70] },
  ],
  ['F=4096: 64 threads a row', { B: 2, F: 4096, h: reluNormal(8192, 40), kHat: [9, 300.5] }],
  ['F=8192: 128 threads a row', { B: 2, F: 8192, h: reluNormal(16384, 41), kHat: [1, 64] }],
  [
    'TopK k = 1 with the maximum tied',
    {
      B: 2,
      F: 40,
      h: reluNormal(80, 39).map((v, i) => (i % 40 === 5 || i % 40 === 30 ? 9 : v)),
      k: 1,
    },
  ],
];
for (const [name, arg] of TOPK_CASES)
  test(`topk: ${name}`, async () => {
    const out = await runCheck<{ f: number[]; l0: number[] }>(page, 'rowTopK', arg);
    const ref = rowTopKReference(arg);
    expect(out.l0, `${name}: L0`).toEqual(ref.l0);
    const diff = out.f.findIndex((v, i) => v !== Math.fround(ref.f[i]));
    expect(diff, `${name}: first differing code at ${diff}`).toBe(-1);
    console.log(`${name}: L0 ${out.l0.join(',')} exact`);
  });

test('kestimate: head forward and backward, 9×300, row 0 clamped at 1', async () => {
  const B = 9;
  const F = 300;
  const rng = createRng(41);
  const z = reluNormal(B * F, 42, 0.5);
  const w2 = Array.from({ length: F }, () => f32(0.05 * rng.normal()));
  const arg: KEstimateArg = {
    B,
    F,
    kMax: 40,
    z,
    w2,
    b2: f32(-0.3),
    dkHat: Array.from({ length: B }, () => f32(rng.normal())),
    kLossGrad: f32(0.125),
  };
  // One row pushed into each clamp: σ·k_max < 1 and σ·k_max > F are impossible at k_max = 40 < F,
  // so the lower clamp is exercised with a large negative logit in row 0.
  for (let j = 0; j < F; j++) arg.z[j] = j < 10 ? 50 : 0;
  for (let j = 0; j < 10; j++) arg.w2[j] = -1;
  const out = await runCheck<{ kHat: number[]; kSig: number[]; ds: number[]; dz: number[] }>(
    page,
    'kEstimate',
    arg,
  );
  const { sig, kHat, ds, dz } = kEstimateReference(arg);
  expect(kHat[0], 'row 0 is clamped at 1').toBe(1);
  expectClose('σ', out.kSig, sig, KESTIMATE_TOL.sig);
  expectClose('k̂', out.kHat, kHat, KESTIMATE_TOL.kHat);
  expectClose('∂s', out.ds, ds, KESTIMATE_TOL.ds);
  expectClose('∂z', out.dz, dz, KESTIMATE_TOL.dz);
});
