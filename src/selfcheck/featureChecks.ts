/**
 * The app's self-check cases for the feature-page and matching kernels: co-occurrence counts
 * (exact) and best partners between two decoders (cosines within 1e-5, as e2e/match.spec.ts).
 */
import type { KernelContext } from '../gpu/kernels/context';
import { createRng } from '../model/rng';
import { cooccurRef } from '../reference/cooccur';
import { bestMatchReference } from '../reference/match';
import { runCooccur, runDecoderMatch, type MatchSide } from './featureKernels';
import type { CheckResult } from './kernels';
import { combine, compared, exactly } from './result';

/** Cosines of unit atoms as sums of D float32 products: |err| ≲ D·u; 1e-5 leaves slack at D ≤ 40. */
const MATCH_ATOL = 1e-5;

export async function checkCooccur(
  ctx: KernelContext,
  c: {
    rows: number;
    F: number;
    perRow: number;
    features: number[];
    maxEntries: number;
    seed: number;
  },
): Promise<CheckResult> {
  // Row r holds r mod (perRow + 1) distinct features, feature F − 1 among them (row 0, 6, …: empty).
  const rng = createRng(c.seed);
  const rowPtr = [0];
  const col: number[] = [];
  for (let r = 0; r < c.rows; r++) {
    const n = r % (c.perRow + 1);
    const set = new Set<number>(n > 0 ? [c.F - 1] : []);
    while (set.size < n) set.add(Math.floor(rng.uniform() * c.F));
    col.push(...[...set].sort((a, b) => a - b));
    rowPtr.push(col.length);
  }
  const arg = { rows: c.rows, F: c.F, rowPtr, col, features: c.features, maxEntries: c.maxEntries };
  const out = await runCooccur(ctx, arg);
  const parts = c.features.map((j, i) =>
    exactly(`co of ${j}`, out.co[i], cooccurRef(c.rows, c.F, rowPtr, col, j).co),
  );
  const fire = cooccurRef(c.rows, c.F, rowPtr, col, c.features[0]).fire;
  return combine(`cooccur ${c.rows} rows, F=${c.F}, chunks of ${c.maxEntries}`, [
    exactly('fire', out.fire, fire),
    ...parts,
  ]);
}

/** One direction: the cosine of the GPU's partner must be the best to within the tolerance. */
function side(name: string, got: MatchSide, x: number[], FX: number, y: number[], D: number) {
  const FY = y.length / D;
  const ref = bestMatchReference(x, FX, y, FY, D);
  // cos(x_j, y_partner) in float64: a partner within float32 accuracy of the best is correct.
  const partnerCos = got.partner.map((i, j) => {
    if (i < 0) return NaN;
    let s = 0;
    let nx = 0;
    let ny = 0;
    for (let d = 0; d < D; d++) {
      s += x[d * FX + j] * y[d * FY + i];
      nx += x[d * FX + j] ** 2;
      ny += y[d * FY + i] ** 2;
    }
    return nx > 0 && ny > 0 ? s / Math.sqrt(nx * ny) : 0;
  });
  const tol = { atol: MATCH_ATOL, rtol: 0 };
  return [
    compared(`${name} cosines`, got.cosine, ref.cosine, tol),
    compared(`${name} partners' cosines`, partnerCos, ref.cosine, tol),
    compared(`${name} mean max`, [got.meanMax], [ref.meanMax], tol),
  ];
}

export async function checkBestMatch(
  ctx: KernelContext,
  c: { D: number; FA: number; FB: number; rowsPerDispatch: number; seed: number },
): Promise<CheckResult> {
  const rng = createRng(c.seed);
  const decA = Array.from({ length: c.D * c.FA }, () => Math.fround(rng.normal()));
  const decB = Array.from({ length: c.D * c.FB }, () => Math.fround(rng.normal()));
  for (let d = 0; d < c.D; d++) decA[d * c.FA + 1] = 0; // a zero atom: cosine 0 with everything
  const out = await runDecoderMatch(ctx, { ...c, decA, decB });
  return combine(`bestmatch D=${c.D} ${c.FA}↔${c.FB}`, [
    ...side('A→B', out.aToB, decA, c.FA, decB, c.D),
    ...side('B→A', out.bToA, decB, c.FB, decA, c.D),
    exactly('zero atom matched to atom 0', [out.aToB.partner[1]], [0]),
  ]);
}
