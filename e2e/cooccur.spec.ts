// Feature co-occurrence counts (shaders/cooccur.wgsl through src/sae/cooccurrence.ts) on
// Chromium's WebGPU against the float64 reference src/reference/cooccur.ts. Counts are discrete:
// they must match exactly. Cases: a control, then awkward shapes (one row, empty rows, F not a
// multiple of the workgroup, a feature in every row, a feature that never fires, codes split
// into several chunks with chunk boundaries inside the data, F ≫ rows).
import { expect, test } from '@playwright/test';
import { createRng } from '../src/model/rng';
import { cooccurRef } from '../src/reference/cooccur';
import type { CooccurArg, CooccurOut } from './harness/cooccur.checks';
import { expectNoGpuErrors, openHarness, runCheck } from './gpu';

test.describe.configure({ mode: 'serial' });
test.afterEach(async ({ page }) => expectNoGpuErrors(page));

/** CSR codes: `active(r)` distinct random features per row (sorted), plus `everyRow` if set. */
function codes(
  rows: number,
  F: number,
  active: (r: number) => number,
  seed: number,
  everyRow?: number,
) {
  const rng = createRng(seed);
  const rowPtr = [0];
  const col: number[] = [];
  for (let r = 0; r < rows; r++) {
    const set = new Set<number>();
    if (everyRow !== undefined) set.add(everyRow);
    const n = Math.min(F, active(r));
    while (set.size < n + (everyRow !== undefined ? 1 : 0) && set.size < F)
      set.add(Math.floor(rng.uniform() * F));
    col.push(...[...set].sort((a, b) => a - b));
    rowPtr.push(col.length);
  }
  return { rows, F, rowPtr, col };
}

const CASES: { name: string; arg: CooccurArg }[] = [
  {
    name: 'control: 256 rows, F = 64, 4 per row',
    arg: { ...codes(256, 64, () => 4, 1), features: [0, 17, 63] },
  },
  {
    name: 'one row',
    arg: { ...codes(1, 10, () => 3, 2, 4), features: [4, 9] },
  },
  {
    name: 'F = 300, empty rows and a full row, feature 299 in every row',
    arg: {
      ...codes(130, 300, (r) => [0, 5, 300, 2, 0, 11][r % 6], 3, 299),
      features: [299, 0, 150],
    },
  },
  {
    name: 'a feature that never fires (F = 70, codes use 0…59)',
    arg: { ...codes(50, 60, () => 5, 6), F: 70, features: [65, 3] },
  },
  {
    name: 'several chunks (≤ 37 entries each) over 203 rows',
    arg: { ...codes(203, 50, (r) => r % 9, 4, 7), features: [7, 1, 49], maxEntries: 37 },
  },
  {
    name: 'F ≫ rows: 16384 features, 40 rows of 32',
    arg: { ...codes(40, 16384, () => 32, 5, 16383), features: [16383, 12345] },
  },
];

test.beforeEach(async ({ page }) => openHarness(page));

for (const c of CASES) {
  test(`cooccur: ${c.name}`, async ({ page }) => {
    const out = await runCheck<CooccurOut>(page, 'cooccur', c.arg);
    const { rows, F, rowPtr, col } = c.arg;
    c.arg.features.forEach((j, i) => {
      const ref = cooccurRef(rows, F, rowPtr, col, j);
      if (i === 0) expect(out.fire, `${c.name}: fire`).toEqual(ref.fire);
      const firstBad = out.co[i].findIndex((v, k) => v !== ref.co[k]);
      expect(
        firstBad,
        `${c.name}: co of feature ${j}, first mismatch at ${firstBad}: gpu ${out.co[i][firstBad]} ref ${ref.co[firstBad]}`,
      ).toBe(-1);
      expect(out.co[i]).toHaveLength(F);
    });
    const pairs = out.co.reduce((s, v) => s + v.reduce((a, b) => a + b, 0), 0);
    console.log(
      `${c.name}: ${rows} rows, ${col.length} codes, F ${F}, features ${c.arg.features.join(',')}: ` +
        `${pairs} co-firings counted, equal to the reference`,
    );
  });
}
