// Cross-SAE feature matching (shaders/bestmatch.wgsl through src/sae/decoderMatch.ts) on real
// Chromium WebGPU against the float64 brute force of src/reference/match.ts: each feature's best
// partner in the other dictionary (both ways), its cosine and the mean of the best cosines.
// Cases: a control whose shapes are not multiples of 4 (D and F are padded), with a zero atom, an
// anti-parallel atom and two identical atoms (an exact tie: the lower index must win); one atom on
// each side; many dispatches over more than one submit; and a permuted, rescaled copy, whose
// matching must be the permutation with cosine 1.
import { expect, test, type Page } from '@playwright/test';
import { createRng } from '../src/model/rng';
import { bestMatchReference } from '../src/reference/match';
import type { MatchArg, MatchSide } from './harness/match.checks';
import { runCheck, sharedHarness } from './gpu';

// One test per (kernel, case) on one shared harness page (as kernels.spec.ts). Not serial: a
// failing case must not skip the cases after it (the worker restarts instead).
let page: Page;
sharedHarness((p) => (page = p));

/**
 * Cosines of unit atoms as sums of D float32 products: |err| ≲ D·u (u = 2⁻²⁴ ≈ 6e-8) plus the
 * normalisation's rounding, ~3e-6 at D = 40; 1e-5 leaves slack.
 */
const ATOL = 1e-5;

function randomDecoder(D: number, F: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: D * F }, () => rng.normal());
}

/** cos(x_j, y_i) in float64, decoders [D, F]. */
function cos(x: Float32Array, FX: number, j: number, y: Float32Array, FY: number, i: number) {
  const D = x.length / FX;
  let s = 0;
  let nx = 0;
  let ny = 0;
  for (let d = 0; d < D; d++) {
    s += x[d * FX + j] * y[d * FY + i];
    nx += x[d * FX + j] ** 2;
    ny += y[d * FY + i] ** 2;
  }
  return nx > 0 && ny > 0 ? s / Math.sqrt(nx * ny) : 0;
}

/**
 * One direction against float64. The partner must be the reference's, except where another atom
 * is within float32 accuracy of the best (then either is a correct answer); exact ties are
 * bit-identical on the GPU too, so there the lower index is required.
 */
function expectSide(name: string, got: MatchSide, x: Float32Array, FX: number, y: Float32Array) {
  const FY = y.length / (x.length / FX);
  const ref = bestMatchReference(x, FX, y, FY, x.length / FX);
  let worst = 0;
  const wrong: string[] = [];
  for (let j = 0; j < FX; j++) {
    worst = Math.max(worst, Math.abs(got.cosine[j] - ref.cosine[j]));
    const p = got.partner[j];
    const near = p >= 0 && ref.cosine[j] - cos(x, FX, j, y, FY, p) <= ATOL;
    if (p !== ref.partner[j] && !(near && p !== -1 && !sameAtom(y, FY, p, ref.partner[j])))
      wrong.push(
        `feature ${j}: gpu ${p} (${got.cosine[j]}), ref ${ref.partner[j]} (${ref.cosine[j]})`,
      );
  }
  console.log(
    `${name}: ${FX} features, max |cos err| ${worst.toExponential(2)}, ` +
      `mean max cos gpu ${got.meanMax.toFixed(7)} ref ${ref.meanMax.toFixed(7)}`,
  );
  expect(wrong, `${name}: partners`).toEqual([]);
  expect(worst, `${name}: cosines`).toBeLessThanOrEqual(ATOL);
  expect(Math.abs(got.meanMax - ref.meanMax), `${name}: mean max`).toBeLessThanOrEqual(ATOL);
}

/** Atoms i and k of y are the same vector (an exact tie). */
function sameAtom(y: Float32Array, F: number, i: number, k: number): boolean {
  for (let d = 0; d < y.length / F; d++) if (y[d * F + i] !== y[d * F + k]) return false;
  return true;
}

async function match(page: Page, arg: MatchArg) {
  return runCheck<{ aToB: MatchSide; bToA: MatchSide }>(page, 'decoderMatch', arg);
}

async function both(
  page: Page,
  name: string,
  a: Float32Array,
  FA: number,
  b: Float32Array,
  FB: number,
  rowsPerDispatch?: number,
) {
  const D = a.length / FA;
  const out = await match(page, { decA: [...a], decB: [...b], D, FA, FB, rowsPerDispatch });
  expectSide(`${name} A→B`, out.aToB, a, FA, b);
  expectSide(`${name} B→A`, out.bToA, b, FB, a);
  return out;
}

test('bestmatch: padded shapes, a zero atom, an exact tie, both ways', async () => {
  const D = 10;
  const FA = 37;
  const FB = 50;
  const a = randomDecoder(D, FA, 11);
  const b = randomDecoder(D, FB, 12);
  for (let d = 0; d < D; d++) {
    a[d * FA + 5] = 0; // a zero atom: cosine 0 with everything
    b[d * FB + 33] = b[d * FB + 7]; // atoms 7 and 33 of B are identical
    b[d * FB + 40] = -a[d * FA + 2]; // anti-parallel to atom 2 of A
    a[d * FA + 9] = 3 * b[d * FB + 7] + 1e-3 * Math.sin(d); // nearly parallel to B's 7 and 33
  }
  const out = await both(page, 'control', a, FA, b, FB);
  expect(out.aToB.partner[9], 'an exact tie goes to the lower index').toBe(7);
  expect(out.aToB.partner[5], 'a zero atom is matched at cosine 0 to atom 0').toBe(0);
  expect(out.aToB.cosine[5]).toBe(0);
});

test('bestmatch: one atom each', async () => {
  await both(page, 'one atom', randomDecoder(7, 1, 21), 1, randomDecoder(7, 1, 22), 1);
});

test('bestmatch: many dispatches over two submits', async () => {
  // 300 candidates in ranges of 4: 75 dispatches, more than one submit holds (64).
  await both(
    page,
    'many dispatches',
    randomDecoder(33, 130, 23),
    130,
    randomDecoder(33, 300, 24),
    300,
    4,
  );
});

test('bestmatch: a permuted, rescaled copy is matched to the permutation at cosine 1', async () => {
  const D = 24;
  const F = 200;
  const a = randomDecoder(D, F, 31);
  const rng = createRng(32);
  const perm = Array.from({ length: F }, (_, i) => i);
  for (let i = F - 1; i > 0; i--) {
    const k = Math.floor(rng.uniform() * (i + 1));
    [perm[i], perm[k]] = [perm[k], perm[i]];
  }
  // Column perm[j] of B is column j of A, times a positive scale (cosine ignores length).
  const b = new Float32Array(D * F);
  for (let j = 0; j < F; j++) {
    const s = 0.5 + rng.uniform();
    for (let d = 0; d < D; d++) b[d * F + perm[j]] = s * a[d * F + j];
  }
  const out = await both(page, 'permuted copy', a, F, b, F);
  expect(out.aToB.partner).toEqual(perm);
  const inverse = new Array<number>(F);
  perm.forEach((p, j) => (inverse[p] = j));
  expect(out.bToA.partner).toEqual(inverse);
  expect(Math.min(...out.aToB.cosine)).toBeGreaterThan(1 - ATOL);
});
