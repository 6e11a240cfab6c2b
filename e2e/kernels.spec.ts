// The core kernels on Chromium's WebGPU vs their float64 references, one test per (kernel, case)
// in the style of the WebGPU CTS, so one failing case never hides another: a control shape plus
// awkward ones (1×1×1, one row, sizes that are not multiples of the 64×64×16 tile, F ≫ D,
// all-zero input). One harness page serves every case of the file. Where each kernel's parts
// live: the registry at the top of shaders/README.md (src/selfcheck/registry.ts).
import { test, type Page } from '@playwright/test';
import type { AxpyCase, GemmCase, ReduceCase } from '../src/selfcheck/kernels';
import { expectCheck, runCheck, sharedHarness } from './gpu';

// Not serial: a failing case must not skip the cases after it (the worker restarts instead).
// A kernel that "passes" while the device reported a validation error would be a false pass.
let page: Page;
sharedHarness((p) => (page = p));

/** One test per case: `kernel: case name`. */
function cases<T>(kernel: string, list: [string, T][]) {
  for (const [name, c] of list)
    test(`${kernel}: ${name}`, async () => expectCheck(await runCheck(page, kernel, c)));
}

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
  const list: [string, GemmCase][] = SHAPES.map(([M, K, N], i) => [
    `${layout} ${M}×${K}×${N}`,
    { layout, M, K, N, seed: 10 + i },
  ]);
  list.push([
    `${layout} zero input, bias`,
    { layout, M: 37, K: 53, N: 129, zero: true, bias: true },
  ]);
  list.push([
    `${layout} bias, relu, alpha 0.5`,
    { layout, M: 37, K: 53, N: 129, bias: true, relu: true, alpha: 0.5, seed: 3 },
  ]);
  list.push([
    `${layout} beta 1, alpha −2 (accumulate)`,
    { layout, M: 33, K: 20, N: 70, beta: 1, alpha: -2, seed: 4 },
  ]);
  for (const tiles of [
    { wgX: 8, wgY: 8, tk: 8 },
    { wgX: 16, wgY: 4, tk: 32 },
  ])
    list.push([
      `${layout} tiles ${tiles.wgX}×${tiles.wgY}, tk ${tiles.tk}`,
      { layout, M: 45, K: 70, N: 99, tiles, bias: true, seed: 5 },
    ]);
  // Pairs (SoftSAE's encoder and k-estimator hidden layer): both products of one dispatch.
  list.push([
    `${layout} pair, bias, relu`,
    { layout, M: 37, K: 53, N: 129, bias: true, relu: true, pair: true, seed: 11 },
  ]);
  list.push([
    `${layout} pair, beta 1, alpha −0.5, F ≫ D`,
    { layout, M: 5, K: 3, N: 700, beta: 1, alpha: -0.5, pair: true, seed: 12 },
  ]);
  // At most 4 rows: the row-vector tiles (ROW_GEMM_TILES), chosen by the kernel itself.
  for (const M of [1, 3])
    list.push([
      `${layout} ${M} row${M > 1 ? 's' : ''} (row-vector tiles)`,
      { layout, M, K: 70, N: 300, bias: true, beta: 1, alpha: -1, seed: 6 + M },
    ]);
  cases('gemm', list);
}

const REDUCE_SHAPES: [number, number][] = [
  [1, 1],
  [1, 700],
  [37, 129],
  [128, 512],
  [1000, 3],
  [256, 64],
];
for (const axis of ['rows', 'cols'] as const)
  for (const op of ['sum', 'sumsq'] as const)
    cases('reduce', [
      ...REDUCE_SHAPES.map(([M, N], i): [string, ReduceCase] => [
        `${op} over ${axis}, ${M}×${N}`,
        { axis, op, M, N, seed: 20 + i },
      ]),
      [`${op} over ${axis}, zero input`, { axis, op, M: 37, N: 129, zero: true }],
    ]);

const AXPY: AxpyCase[] = [
  { n: 1, alpha: 2 },
  { n: 255, alpha: -0.5 },
  { n: 256, alpha: 1 },
  { n: 257, alpha: 0 },
  { n: 4097, alpha: 3.25 },
  { n: 100_003, alpha: -1e-3 },
];
cases(
  'axpy',
  AXPY.map((c): [string, AxpyCase] => [`n ${c.n}, alpha ${c.alpha}`, c]),
);
