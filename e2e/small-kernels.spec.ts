// Elementwise maps, batch loss scalars and dead-feature counters vs their float64 references, one
// test per (kernel, case) on one shared harness page (as kernels.spec.ts).
import { expect, test, type Page } from '@playwright/test';
import { compareArrays, formatMismatches } from '../src/reference/compare';
import { batchLossRef, deadRef, elementwiseRef } from '../src/reference/elementwise';
import { createRng } from '../src/model/rng';
import type { ElementwiseOp } from '../src/gpu/kernels/elementwise';
import type { BatchLossArg, DeadArg, ElementwiseArg } from './harness/small.checks';
import { runCheck, sharedHarness } from './gpu';

// Not serial: a failing case must not skip the cases after it (the worker restarts instead).
let page: Page;
sharedHarness((p) => (page = p));

const EPS32 = 2 ** -24;
const randoms = (n: number, seed: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.fround(rng.normal()));
};

// Elementwise maps on awkward sizes.
const SIZES: [number, number][] = [
  [1, 1],
  [3, 5],
  [37, 53],
  [256, 1],
  [130, 17],
  [1000, 70],
];
for (const op of ['subRow', 'subScaled', 'maskNonzero', 'maskNonzeroAdd'] as ElementwiseOp[]) {
  const masked = op === 'maskNonzero' || op === 'maskNonzeroAdd';
  for (const [rows, D] of SIZES)
    test(`elementwise: ${op} ${rows}×${D}`, async () => {
      const n = rows * D;
      const x = randoms(n, rows + D);
      // maskNonzero(Add): y mostly zero; the others: a row vector [D] or a full operand [n].
      const y =
        op === 'subRow'
          ? randoms(D, 7)
          : masked
            ? randoms(n, 8).map((v) => (v > 0.5 ? v : 0))
            : randoms(n, 9);
      const scale = masked ? 1 : 0.37;
      // maskNonzeroAdd accumulates into what the output held.
      const out0 = op === 'maskNonzeroAdd' ? randoms(n, 10) : undefined;
      const arg: ElementwiseArg = { op, x, y, D, scale, out0 };
      const got = await runCheck<number[]>(page, 'elementwise', arg);
      const c = compareArrays(got, elementwiseRef(op, x, y, D, scale, out0), {
        atol: 0,
        rtol: 4 * EPS32,
      });
      expect(c.failures, `${op} ${rows}×${D}\n${formatMismatches(c)}`).toBe(0);
      console.log(`${op} ${rows}×${D}: exact to 2 roundings`);
    });
}

// Batch loss scalars and the k-loss gradient.
const LOSS_CASES: [string, BatchLossArg][] = [
  ['B=1', { sqErr: [2.5], kHat: [3.25], k: 4, kLossWeight: 1 }],
  [
    'B=300, k̂ near k',
    {
      sqErr: randoms(300, 1).map(Math.abs),
      kHat: randoms(300, 2).map((v) => 5 + 2 * v),
      k: 4,
      kLossWeight: 1,
    },
  ],
  [
    'B=77, k̂ ≫ k, weight 0.5',
    {
      sqErr: randoms(77, 3).map(Math.abs),
      kHat: randoms(77, 4).map((v) => 40 + v),
      k: 4,
      kLossWeight: 0.5,
    },
  ],
  ['B=64, no k̂ (TopK)', { sqErr: randoms(64, 5).map(Math.abs), kHat: null, k: 4, kLossWeight: 1 }],
];
for (const [name, c] of LOSS_CASES)
  test(`loss: ${name}`, async () => {
    const got = await runCheck<{ scalars: number[]; kLossGrad: number }>(page, 'batchLoss', c);
    const want = batchLossRef(c.sqErr, c.kHat, c.k, c.kLossWeight);
    const cmp = compareArrays([...got.scalars, got.kLossGrad], [...want.scalars, want.kLossGrad], {
      atol: 1e-6,
      rtol: 1e-5,
    });
    expect(cmp.failures, `B=${c.sqErr.length}\n${formatMismatches(cmp)}`).toBe(0);
  });

test('dead: counters over 4 batches, 5×70, features ≥ 60 never fire', async () => {
  const B = 5;
  const F = 70;
  const rng = createRng(11);
  // Feature j fires with probability decreasing in j; features ≥ 60 never fire.
  const batch = () =>
    Array.from({ length: B * F }, (_, i) => {
      const j = i % F;
      return j < 60 && rng.uniform() < 1 / (1 + j) ? 1 + rng.uniform() : 0;
    });
  const arg: DeadArg = { B, F, threshold: 12, batches: [batch(), batch(), batch(), batch()] };
  const got = await runCheck<{ sinceFired: number[]; dead: number[]; counts: number[] }>(
    page,
    'dead',
    arg,
  );
  let since = new Array<number>(F).fill(0);
  const counts: number[] = [];
  let last = deadRef([], 0, 0, [], 0);
  for (const f of arg.batches) {
    last = deadRef(f, B, F, since, arg.threshold);
    since = last.sinceFired;
    counts.push(last.deadCount);
  }
  expect(got.sinceFired).toEqual(last.sinceFired);
  expect(got.dead).toEqual(last.dead);
  expect(got.counts).toEqual(counts);
  console.log(`dead counts per batch: ${got.counts.join(', ')}`);
  expect(counts[counts.length - 1]).toBeGreaterThanOrEqual(10);
});
