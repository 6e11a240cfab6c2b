// The optimizer kernels on Chromium's WebGPU vs the float64 reference (src/reference/sae/optim.ts),
// each on a full parameter arena (decoder stored [F, D], tensors at 256-byte offsets, NaN written
// into the padding and into tensors without a gradient, so that reading either would show), and
// the whole optimizer step (projection → clip → Adam → renormalisation) vs the reference sequence.
//
// Shapes are small (SwiftShader) but awkward: D and F not multiples of the 64/256-lane workgroups,
// F ≫ D, D > 64 (several elements per lane). Tolerances are derived next to each comparison in
// src/selfcheck/optimKernels.ts, optimAdam.ts and optimStep.ts; the end-to-end bounds are explained below.
import { PARAM_NAMES } from '../src/model/params';
import { expect, test, type Page } from '@playwright/test';
import type { AdamCase, AdamResult } from '../src/selfcheck/optimAdam';
import type {
  AtomCase,
  AtomResult,
  GradNormCase,
  GradNormResult,
} from '../src/selfcheck/optimKernels';
import type { OptimStepCase, OptimStepResult } from '../src/selfcheck/optimStep';
import { expectCheck, runCheck, sharedHarness } from './gpu';

// One test per (kernel, case) on one shared harness page (as kernels.spec.ts). Not serial: a
// failing case must not skip the cases after it (the worker restarts instead).
let page: Page;
sharedHarness((p) => (page = p));

const ALL = PARAM_NAMES;
/** TopK/BatchTopK and SoftSAE's hard phase: the k-estimator gets no gradient. */
const NO_K_ESTIMATOR = ALL.filter((n) => !n.startsWith('k_estimator'));

// Decoder-gradient projection and renormalisation per atom.
const ATOM_CASES: [string, AtomCase][] = [
  ['control D=16 F=64', { D: 16, F: 64, seed: 1 }],
  ['D=13 F=70', { D: 13, F: 70, seed: 2 }],
  ['D=1 F=5', { D: 1, F: 5, seed: 3 }],
  ['F ≫ D: D=3 F=700', { D: 3, F: 700, seed: 4 }],
  ['D=130 > 64 lanes: several elements per lane', { D: 130, F: 9, seed: 5 }],
  // Atoms of norm ~1e-6, where both epsilons change the result by O(1), and all-zero atoms.
  ['tiny and all-zero atoms', { D: 13, F: 70, seed: 6, tiny: [0, 5, 69], zero: [1, 68] }],
];
for (const [name, c] of ATOM_CASES)
  test(`atoms: ${name}`, async () => {
    const r = await runCheck<AtomResult>(page, 'atoms', c);
    r.results.forEach(expectCheck);
    expect(r.changedOutside, 'floats changed outside the decoder').toBe(0);
  });
test('atoms: renormalisation on a skipped step changes nothing', async () => {
  const skipped = await runCheck<AtomResult>(page, 'atoms', { D: 13, F: 70, skip: true });
  skipped.results.forEach(expectCheck);
  expect(skipped.changedWhenSkipped, 'renormalisation on a skipped step').toBe(0);
});

// Global gradient norm, clip scale, non-finite flag and step counts.
const NORM_CASES: [string, GradNormCase][] = [
  ['control D=16 F=64, norm ≈ 57: clipped', { D: 16, F: 64, scale: 1 }],
  ['norm ≈ 0.06: not clipped (scale exactly 1)', { D: 13, F: 70, scale: 1e-3 }],
  ['zero gradient: norm 0, scale 1', { D: 13, F: 70, scale: 0, zero: true }],
  ['Σg² overflows f32 without the exponent scaling', { D: 13, F: 70, scale: 1e25 }],
  ['Σg² underflows f32 without it', { D: 13, F: 70, scale: 1e-15 }],
  ['F ≫ D, tensors without gradient', { D: 3, F: 700, scale: 0.01, hasGrad: NO_K_ESTIMATOR }],
  [
    'D=130, decoder and b_dec only',
    { D: 130, F: 9, scale: 1, hasGrad: ['decoder.weight', 'b_dec'] },
  ],
  ['finite loss 2.5', { D: 13, F: 70, scale: 1, loss: 2.5 }],
  ['525 partials: the finalize lanes fold several each', { D: 64, F: 700, scale: 1 }],
];
for (const [name, c] of NORM_CASES)
  test(`gradnorm: ${name}`, async () => {
    const r = await runCheck<GradNormResult>(page, 'gradNorm', c);
    r.results.forEach(expectCheck);
    expect(r.results.length).toBe(2);
    expect(r.nonFinite).toBe(false);
    expect(r.scale).toBeLessThanOrEqual(1);
    if (c.zero || c.scale <= 1e-3) expect(r.scale, 'not clipped: coefficient exactly 1').toBe(1);
    expect(r.steps).toEqual(r.expectedSteps);
    expect(r.skipped).toBe(r.expectedSkipped);
  });
const BAD_CASES: [string, GradNormCase][] = [
  [
    'NaN in decoder.weight',
    { D: 13, F: 70, scale: 1, poison: { name: 'decoder.weight', value: NaN } },
  ],
  [
    '+∞ in k_estimator.2.bias',
    { D: 13, F: 70, scale: 1, poison: { name: 'k_estimator.2.bias', value: Infinity } },
  ],
  ['−∞ in b_dec', { D: 13, F: 70, scale: 1, poison: { name: 'b_dec', value: -Infinity } }],
  ['NaN loss', { D: 13, F: 70, scale: 1, loss: NaN }],
  ['+∞ loss', { D: 13, F: 70, scale: 1, loss: Infinity }],
];
for (const [name, c] of BAD_CASES)
  test(`gradnorm: non-finite, ${name}`, async () => {
    const r = await runCheck<GradNormResult>(page, 'gradNorm', c);
    expect(r.expectedNonFinite).toBe(true);
    expect(r.nonFinite, JSON.stringify(c)).toBe(true);
    expect(r.steps, 'no step count advances on a skipped step').toEqual(r.expectedSteps);
    expect(r.skipped).toBe(r.expectedSkipped);
  });

// Adam with per-tensor step counts, clip scale and missing gradients. Step counts per tensor:
// first steps (bias correction largest), mid-table, the table's end, past it (t > 16 627, where
// both corrections are exactly 1 in f32).
const t = [1, 2, 3, 10, 1000, 16627, 30000, 1];
const ADAM_CASES: [string, AdamCase][] = [
  ['control D=16 F=64', { D: 16, F: 64, lr: 1e-3, scale: 1, t }],
  ['D=13 F=70, clip scale 0.0173', { D: 13, F: 70, lr: 6e-4, scale: 0.0173, t }],
  ['F ≫ D: D=3 F=700', { D: 3, F: 700, lr: 1e-2, scale: 1, t: t.map((x) => x + 4) }],
  ['missing gradients', { D: 13, F: 70, lr: 1e-3, scale: 0.5, t, hasGrad: NO_K_ESTIMATOR }],
  ['warm-up step 0: lr = 0 moves only the moments', { D: 13, F: 70, lr: 0, scale: 1, t }],
  // 540 000-float tensors > 2048 workgroups × 256 threads: the grid-stride loop runs twice.
  [
    'grid-stride loop runs twice: F=180 000',
    { D: 3, F: 180_000, lr: 1e-3, scale: 1, t: [1, 2, 3, 4, 5, 6, 7, 8] },
  ],
];
for (const [name, c] of ADAM_CASES)
  test(`adam: ${name}`, async () => {
    const r = await runCheck<AdamResult>(page, 'adam', c);
    r.results.forEach(expectCheck);
    expect(r.changedOutside, 'floats changed without a gradient or in padding').toBe(0);
  });
test('adam: a skipped step changes neither params nor moments', async () => {
  const skipped = await runCheck<AdamResult>(page, 'adam', {
    D: 13,
    F: 70,
    lr: 1e-3,
    scale: 1,
    t,
    skip: true,
  });
  expect(skipped.changedWhenSkipped, 'params or moments changed on a skipped step').toBe(0);
});

// The whole optimizer step vs the reference sequence.
const STEP_CASES: [string, OptimStepCase][] = [
  ['one step, D=16 F=64', { D: 16, F: 64, gradScales: [1], lr: 5e-3 }],
  ['one step, D=13 F=70', { D: 13, F: 70, gradScales: [1], lr: 5e-3 }],
  // Clipped, then small enough not to be, then clipped again: bias correction at t = 1, 2, 3.
  ['clipped, not, clipped', { D: 16, F: 64, gradScales: [1, 1e-3, 0.3], lr: 5e-3 }],
  ['warm-up 2', { D: 13, F: 70, gradScales: [1, 1e-3, 0.3], lr: 5e-3, warmup: 2 }],
  [
    'missing gradients',
    { D: 13, F: 70, gradScales: [1, 1e-3, 0.3], lr: 5e-3, hasGrad: NO_K_ESTIMATOR },
  ],
  // A zero gradient first: Adam's first update is 0/(0 + ε) = 0, the step count still advances.
  ['zero gradient first', { D: 16, F: 64, gradScales: [0, 1, 0.3], lr: 5e-3 }],
  // A NaN gradient, or a NaN loss, at step 1: skipped on the GPU, absent from the reference.
  ['NaN gradient at step 1', { D: 13, F: 70, gradScales: [1, 1, 0.3], lr: 5e-3, nanStep: 1 }],
  [
    'NaN loss at step 1',
    { D: 16, F: 64, gradScales: [1, 1, 0.3], lr: 5e-3, nanStep: 1, nanIn: 'loss' },
  ],
];
for (const [name, c] of STEP_CASES)
  test(`optimizer step: ${name}`, async () => {
    const r = await runCheck<OptimStepResult>(page, 'optimStep', c);
    r.results.forEach(expectCheck);
    expect(r.steps).toEqual(r.expectedSteps);
    r.statuses.forEach((st, s) => {
      expect(st, `status of step ${s} reported`).not.toBeNull();
      const skip = s === c.nanStep;
      expect(st!.nonFinite).toBe(skip);
      expect(st!.skipped).toBe(c.nanStep !== undefined && s >= c.nanStep ? 1 : 0);
      // The norm check has its own derived bound in the gradNorm test; here only agreement.
      if (!skip)
        expect(Math.abs(st!.norm - r.refNorms[s])).toBeLessThanOrEqual(1e-5 * r.refNorms[s]);
    });
  });
