// Every kernel on Chromium's WebGPU vs its float64 reference: a control shape plus awkward ones
// (1×1×1, one row, sizes that are not multiples of the 64×64×16 tile, F ≫ D, all-zero input).
import { test } from '@playwright/test';
import type { AxpyCase, GemmCase, ReduceCase } from '../src/selfcheck/kernels';
import { expectCheck, expectNoGpuErrors, openHarness, runCheck } from './gpu';

test.describe.configure({ mode: 'serial' });

// A kernel that "passes" while the device reported a validation error would be a false pass.
test.afterEach(async ({ page }) => expectNoGpuErrors(page));

const LAYOUTS = ['nn', 'nt', 'tn'] as const;
// (M, K, N) read as (rows, D, F) for the forward products.
const SHAPES: [number, number, number][] = [
  [64, 32, 64], // control: exact multiples of the tile
  [1, 1, 1],
  [1, 16, 96], // 1×D×F: one row
  [37, 53, 129],
  [128, 64, 512],
  [5, 3, 700], // F ≫ D, ragged everywhere
  [130, 17, 66],
];

for (const layout of LAYOUTS) {
  test(`gemm ${layout}: reference on ${SHAPES.length + 3} shapes and epilogues`, async ({
    page,
  }) => {
    await openHarness(page);
    const cases: GemmCase[] = SHAPES.map(([M, K, N], i) => ({ layout, M, K, N, seed: 10 + i }));
    cases.push({ layout, M: 37, K: 53, N: 129, zero: true, bias: true });
    cases.push({ layout, M: 37, K: 53, N: 129, bias: true, relu: true, alpha: 0.5, seed: 3 });
    cases.push({ layout, M: 33, K: 20, N: 70, beta: 1, alpha: -2, seed: 4 });
    for (const c of cases) expectCheck(await runCheck(page, 'gemm', c));
  });
}

test('gemm with non-default tile overrides', async ({ page }) => {
  await openHarness(page);
  for (const tiles of [
    { wgX: 8, wgY: 8, tk: 8 },
    { wgX: 16, wgY: 4, tk: 32 },
  ]) {
    for (const layout of LAYOUTS) {
      const c: GemmCase = { layout, M: 45, K: 70, N: 99, tiles, bias: true, seed: 5 };
      expectCheck(await runCheck(page, 'gemm', c));
    }
  }
});

test('row and column reductions (sum, sum of squares)', async ({ page }) => {
  await openHarness(page);
  const shapes: [number, number][] = [
    [1, 1],
    [1, 700],
    [37, 129],
    [128, 512],
    [1000, 3],
    [256, 64],
  ];
  const cases: ReduceCase[] = [];
  for (const axis of ['rows', 'cols'] as const)
    for (const op of ['sum', 'sumsq'] as const) {
      shapes.forEach(([M, N], i) => cases.push({ axis, op, M, N, seed: 20 + i }));
      cases.push({ axis, op, M: 37, N: 129, zero: true });
    }
  for (const c of cases) expectCheck(await runCheck(page, 'reduce', c));
});

test('axpy', async ({ page }) => {
  await openHarness(page);
  const cases: AxpyCase[] = [
    { n: 1, alpha: 2 },
    { n: 255, alpha: -0.5 },
    { n: 256, alpha: 1 },
    { n: 257, alpha: 0 },
    { n: 4097, alpha: 3.25 },
    { n: 100_003, alpha: -1e-3 },
  ];
  for (const c of cases) expectCheck(await runCheck(page, 'axpy', c));
});
