// Sparse lists (CSR by compaction, CSC by counting sort) and the sparse products of the SAE step
// on Chromium's WebGPU, against the float64 references of src/reference/sparse.ts (exact for the
// lists) and against the dense GEMMs on the same inputs. One test per (kernel, case) on one shared
// harness page (as kernels.spec.ts).
import { expect, test, type Page } from '@playwright/test';
import { compareArrays, formatMismatches, type Tolerance } from '../src/reference/compare';
import { csrFromDense, cscFromCsr, type CsrRef } from '../src/reference/sparse';
import {
  codes,
  productArg,
  sparseProductReference,
  type CodeSpec,
} from '../src/selfcheck/sparseReference';
import type {
  SparseListsArg,
  SparseListsOut,
  SparseProductsArg,
  SparseProductsOut,
} from './harness/sparse.checks';
import { runCheck, sharedHarness } from './gpu';

// Not serial: a failing case must not skip the cases after it (the worker restarts instead).
let page: Page;
sharedHarness((p) => (page = p));

function expectClose(name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance) {
  const c = compareArrays(gpu, ref, tol);
  console.log(
    `${name}: ${c.count} values, max |err| ${c.maxAbsError.toExponential(2)}, ` +
      `atol ${tol.atol.toExponential(2)}, worst err/tol ${c.worstRatio.toFixed(3)}`,
  );
  expect(c.failures, `${name}\n${formatMismatches(c)}`).toBe(0);
}

function expectListsEqual(name: string, out: SparseListsOut, ref: CsrRef, B: number, F: number) {
  const csc = cscFromCsr(B, F, ref.rowPtr, ref.col);
  expect(out.status, `${name}: CSR status`).toEqual(ref.status);
  expect(out.count, `${name}: counts`).toEqual(ref.count);
  expect(out.rowPtr, `${name}: rowPtr`).toEqual(ref.rowPtr);
  expect(out.col, `${name}: col`).toEqual(ref.col);
  // Values are copied, not computed: bit-exact.
  expect(out.valA, `${name}: valA`).toEqual(ref.valA);
  expect(out.valB, `${name}: valB`).toEqual(ref.valB);
  expect(out.colPtr, `${name}: colPtr`).toEqual(csc.colPtr);
  expect(out.cscRow, `${name}: cscRow`).toEqual(csc.cscRow);
  expect(out.cscEntry, `${name}: cscEntry`).toEqual(csc.cscEntry);
  expect(out.cscStatus.slice(0, 3), `${name}: CSC status`).toEqual([
    ref.status[1],
    ref.status[1],
    0,
  ]);
  expect(
    out.colCountsAfter.every((c) => c === 0),
    `${name}: counters cleared`,
  ).toBe(true);
}

interface ListCase {
  name: string;
  arg: SparseListsArg;
}

function listCases(): ListCase[] {
  const awkward = (b: number) => [3, 0, 300, 7, 0, 12, 1][b]; // rows with 0 and all F active
  const cases: ListCase[] = [
    {
      name: 'control 8×64, 4 per row',
      arg: { B: 8, F: 64, capacity: 8 * 64, a: codes({ B: 8, F: 64, active: () => 4, seed: 1 }) },
    },
    {
      name: 'F=300 (not a multiple of 256), empty rows, a full row, feature 299 in every row',
      arg: {
        B: 7,
        F: 300,
        capacity: 7 * 300,
        a: codes({ B: 7, F: 300, active: awkward, everyRow: 299, seed: 2 }),
      },
    },
    {
      name: 'F ≫ B: 1000 features, 5 rows; all rows empty but one',
      arg: {
        B: 5,
        F: 1000,
        capacity: 200,
        a: codes({ B: 5, F: 1000, active: (b) => (b === 3 ? 40 : 0), seed: 3 }),
      },
    },
    {
      name: '37 rows in blocks of 5 (last block partial), feature 0 in every row, built twice',
      arg: {
        B: 37,
        F: 90,
        capacity: 37 * 90,
        rowsPerBlock: 5,
        repeats: 2,
        a: codes({ B: 37, F: 90, active: (b) => b % 9, everyRow: 0, seed: 4 }),
      },
    },
    {
      name: 'overflow: 6 rows × 9 active, capacity 20',
      arg: { B: 6, F: 50, capacity: 20, a: codes({ B: 6, F: 50, active: () => 9, seed: 5 }) },
    },
    {
      name: 'overflow at a row boundary: capacity = first two rows exactly',
      arg: { B: 4, F: 30, capacity: 10, a: codes({ B: 4, F: 30, active: () => 5, seed: 6 }) },
    },
  ];
  // Union of two supports (f and ∂pre): overlapping, with entries only in one or the other.
  const a = codes({ B: 6, F: 70, active: (b) => 2 * b, seed: 7 });
  const b = codes({ B: 6, F: 70, active: (r) => 10 - r, seed: 8 }).map((v, i) =>
    i % 3 === 0 ? -a[i] : v,
  );
  cases.push({
    name: 'two matrices: union of supports',
    arg: { B: 6, F: 70, capacity: 420, a, b },
  });
  return cases;
}

// Sparse lists (CSR, CSC, status) equal the reference exactly.
for (const { name, arg } of listCases())
  test(`sparse lists: ${name}`, async () => {
    const out = await runCheck<SparseListsOut>(page, 'sparseLists', arg);
    const ref = csrFromDense(arg.B, arg.F, arg.a, arg.capacity, arg.b);
    expectListsEqual(name, out, ref, arg.B, arg.F);
    console.log(`${name}: status ${out.status.join(', ')}`);
  });

test('sparse lists: capacity overflow is reported, the truncated lists stay in bounds', async () => {
  const B = 6;
  const F = 50;
  const a = codes({ B, F, active: () => 9, seed: 9 });
  const out = await runCheck<SparseListsOut>(page, 'sparseLists', { B, F, capacity: 20, a });
  expect(out.status).toEqual([54, 20, 1, 9]);
  expect(out.rowPtr).toEqual([0, 9, 18, 20, 20, 20, 20]);
  const fits = await runCheck<SparseListsOut>(page, 'sparseLists', { B, F, capacity: 54, a });
  expect(fits.status).toEqual([54, 54, 0, 9]);
});

interface ProductCase {
  name: string;
  arg: SparseProductsArg;
}

function productCase(name: string, c: CodeSpec & { D: number }): ProductCase {
  return { name, arg: productArg(c) };
}

function productCases(): ProductCase[] {
  return [
    productCase('control B=8 F=64 D=32, 4 per row', {
      B: 8,
      F: 64,
      D: 32,
      active: () => 4,
      seed: 11,
    }),
    productCase('F=300 D=40: empty rows, a full row, feature 7 in every row', {
      B: 6,
      F: 300,
      D: 40,
      active: (b) => [5, 0, 300, 0, 17, 2][b],
      everyRow: 7,
      seed: 12,
    }),
    productCase('F ≫ D: F=1000 D=8', { B: 5, F: 1000, D: 8, active: (b) => 3 * b + 1, seed: 13 }),
    productCase('D=300: two column passes in the gathers, a team reduction in ∂f; 40 rows', {
      B: 40,
      F: 48,
      D: 300,
      active: (b) => b % 6,
      everyRow: 47,
      seed: 14,
    }),
    productCase('D=1100 > 4·256 columns: two sweeps per gather thread, 32-thread teams in ∂f', {
      B: 3,
      F: 20,
      D: 1100,
      active: (b) => [4, 20, 0][b],
      seed: 15,
    }),
  ];
}

// Sparse products equal the float64 reference and the dense GEMMs.
for (const { name, arg } of productCases())
  test(`sparse products: ${name}`, async () => {
    const out = await runCheck<SparseProductsOut>(page, 'sparseProducts', arg);
    expect(out.errors, `${name}: GPU errors`).toEqual([]);
    expect(out.repeatEqual, `${name}: a second run is bit-identical`).toBe(true);
    const { refs, tols } = sparseProductReference(arg);
    const s = out.sparse;
    const d = out.dense;
    expectClose(`${name}: x̂ vs ref`, s.xHat, refs.xHat, tols.xHat);
    expectClose(`${name}: x̂ vs dense`, s.xHat, d.xHat, tols.xHat);
    expectClose(`${name}: ∂f (compressed) vs ref`, s.dfVal, refs.df.val, tols.df);
    expectClose(`${name}: ∂f (dense out) vs ref`, s.df, refs.df.dense, tols.df);
    // The dense GEMM computes ∂f everywhere; the sparse path only at the active entries.
    const denseDfMasked = d.df.map((v, i) => (arg.f[i] !== 0 ? v : 0));
    expectClose(`${name}: ∂f vs dense (active entries)`, s.df, denseDfMasked, tols.df);
    expectClose(`${name}: ∂W_decᵀ vs ref`, s.dWDecT, refs.dWDecT, tols.dWDecT);
    expectClose(`${name}: ∂W_decᵀ vs dense`, s.dWDecT, d.dWDecT, tols.dWDecT);
    expectClose(`${name}: ∂W_enc vs ref`, s.dWEnc, refs.dWEnc, tols.dWEnc);
    expectClose(`${name}: ∂W_enc vs dense`, s.dWEnc, d.dWEnc, tols.dWEnc);
    expectClose(`${name}: ∂xc vs ref`, s.dxc, refs.dxc, tols.dxc);
    expectClose(`${name}: ∂xc vs dense`, s.dxc, d.dxc, tols.dxc);
    // The union lists hold extra entries whose value is exactly 0 in f (or ∂pre): fma(0, w, acc)
    // = acc, so their results are bit-identical to the separate lists'.
    expect(out.union.dWDecT, `${name}: ∂W_decᵀ from the union lists`).toEqual(s.dWDecT);
    expect(out.union.dWEnc, `${name}: ∂W_enc from the union lists`).toEqual(s.dWEnc);
    expect(out.union.dxc, `${name}: ∂xc from the union lists`).toEqual(s.dxc);
  });
