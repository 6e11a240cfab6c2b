/**
 * The app's self-check cases for the small kernels of the SAE step: an elementwise map, the batch
 * loss scalars with the k-loss gradient, and the dead-feature counters over a few batches. The
 * tolerances are those of e2e/small-kernels.spec.ts.
 */
import type { KernelContext } from '../gpu/kernels/context';
import type { ElementwiseOp } from '../gpu/kernels/elementwise';
import { createRng } from '../model/rng';
import { batchLossRef, deadRef, elementwiseRef } from '../reference/elementwise';
import type { CheckResult } from './kernels';
import { combine, compared, exactly, normals } from './result';
import { runBatchLoss, runDead, runElementwise } from './smallKernels';

const EPS32 = 2 ** -24;

export async function checkElementwise(
  ctx: KernelContext,
  c: { op: ElementwiseOp; rows: number; D: number },
): Promise<CheckResult> {
  const n = c.rows * c.D;
  const x = normals(n, c.rows + c.D);
  const masked = c.op === 'maskNonzero' || c.op === 'maskNonzeroAdd';
  const y =
    c.op === 'subRow'
      ? normals(c.D, 7)
      : masked
        ? normals(n, 8).map((v) => (v > 0.5 ? v : 0))
        : normals(n, 9);
  const scale = masked ? 1 : 0.37;
  const out0 = c.op === 'maskNonzeroAdd' ? normals(n, 10) : undefined;
  const got = await runElementwise(ctx, { op: c.op, x, y, D: c.D, scale, out0 });
  const ref = elementwiseRef(c.op, x, y, c.D, scale, out0);
  // Two roundings at most (a product and a sum).
  return compared(`elementwise ${c.op} ${c.rows}×${c.D}`, got, ref, { atol: 0, rtol: 4 * EPS32 });
}

export async function checkBatchLoss(
  ctx: KernelContext,
  c: { B: number; k: number; kLossWeight: number; seed: number },
): Promise<CheckResult> {
  const sqErr = normals(c.B, c.seed).map(Math.abs);
  const kHat = normals(c.B, c.seed + 1).map((v) => Math.fround(c.k + 1 + 2 * v));
  const got = await runBatchLoss(ctx, { sqErr, kHat, k: c.k, kLossWeight: c.kLossWeight });
  const want = batchLossRef(sqErr, kHat, c.k, c.kLossWeight);
  return compared(
    `loss B=${c.B} k=${c.k} weight ${c.kLossWeight}`,
    [...got.scalars, got.kLossGrad],
    [...want.scalars, want.kLossGrad],
    { atol: 1e-6, rtol: 1e-5 },
  );
}

export async function checkDead(
  ctx: KernelContext,
  c: { B: number; F: number; threshold: number; batches: number; seed: number },
): Promise<CheckResult> {
  const rng = createRng(c.seed);
  // Feature j fires with probability 1/(1 + j); the last tenth never fires.
  const batch = () =>
    Array.from({ length: c.B * c.F }, (_, i) => {
      const j = i % c.F;
      return j < 0.9 * c.F && rng.uniform() < 1 / (1 + j) ? 1 + rng.uniform() : 0;
    });
  const batches = Array.from({ length: c.batches }, batch);
  const got = await runDead(ctx, { B: c.B, F: c.F, threshold: c.threshold, batches });
  let since = new Array<number>(c.F).fill(0);
  const counts: number[] = [];
  let last = deadRef([], 0, 0, [], 0);
  for (const f of batches) {
    last = deadRef(f, c.B, c.F, since, c.threshold);
    since = last.sinceFired;
    counts.push(last.deadCount);
  }
  return combine(`dead ${c.B}×${c.F}, ${c.batches} batches`, [
    exactly('sinceFired', got.sinceFired, last.sinceFired),
    exactly('dead', got.dead, last.dead),
    exactly('counts', got.counts, counts),
  ]);
}
