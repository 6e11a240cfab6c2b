/**
 * The app's self-check cases for the sparse kernels: the lists (scan, compaction, transpose)
 * exactly against csrFromDense/cscFromCsr, and the sparse products (gathers, dot) against their
 * float64 references within the accumulation bound of e2e/sparse.spec.ts.
 */
import type { KernelContext } from '../gpu/kernels/context';
import { csrFromDense, cscFromCsr } from '../reference/sparse';
import type { CheckResult } from './kernels';
import { combine, compared, exactly } from './result';
import { runSparseLists, runSparseProducts } from './sparseKernels';
import { codes, productArg, sparseProductReference } from './sparseReference';

export interface SparseCase {
  B: number;
  F: number;
  /** Active entries per row, cycled over the rows (0: an empty row; ≥ F: a full row). */
  active: number[];
  /** A feature active in every row. */
  everyRow?: number;
  seed: number;
}

const activeOf = (c: SparseCase) => (b: number) => c.active[b % c.active.length];

export async function checkSparseLists(
  ctx: KernelContext,
  c: SparseCase & { rowsPerBlock?: number },
): Promise<CheckResult> {
  const a = codes({ ...c, active: activeOf(c) });
  const arg = { B: c.B, F: c.F, capacity: c.B * c.F, rowsPerBlock: c.rowsPerBlock, repeats: 2, a };
  const out = await runSparseLists(ctx, arg);
  const ref = csrFromDense(c.B, c.F, a, arg.capacity);
  const csc = cscFromCsr(c.B, c.F, ref.rowPtr, ref.col);
  return combine(`sparse lists ${c.B}×${c.F}, built twice`, [
    exactly('status', out.status, ref.status),
    exactly('counts', out.count, ref.count),
    exactly('rowPtr', out.rowPtr, ref.rowPtr),
    exactly('col', out.col, ref.col),
    exactly('valA', out.valA, ref.valA),
    exactly('colPtr', out.colPtr, csc.colPtr),
    exactly('cscRow', out.cscRow, csc.cscRow),
    exactly('cscEntry', out.cscEntry, csc.cscEntry),
    exactly('CSC status', out.cscStatus.slice(0, 3), [ref.status[1], ref.status[1], 0]),
    exactly(
      'counters cleared',
      out.colCountsAfter,
      out.colCountsAfter.map(() => 0),
    ),
  ]);
}

export async function checkSparseProducts(
  ctx: KernelContext,
  c: SparseCase & { D: number },
): Promise<CheckResult> {
  const arg = productArg({ ...c, active: activeOf(c) });
  const out = await runSparseProducts(ctx, arg);
  const { refs, tols } = sparseProductReference(arg);
  const s = out.sparse;
  return combine(`sparse products B=${c.B} F=${c.F} D=${c.D}`, [
    compared('x̂', s.xHat, refs.xHat, tols.xHat),
    compared('∂f (compressed)', s.dfVal, refs.df.val, tols.df),
    compared('∂f', s.df, refs.df.dense, tols.df),
    compared('∂W_decᵀ', s.dWDecT, refs.dWDecT, tols.dWDecT),
    compared('∂W_enc', s.dWEnc, refs.dWEnc, tols.dWEnc),
    compared('∂xc', s.dxc, refs.dxc, tols.dxc),
    // Extra entries of the union lists are exact zeros: bit-identical results.
    exactly('∂W_decᵀ (union lists)', out.union.dWDecT, s.dWDecT),
    exactly('∂W_enc (union lists)', out.union.dWEnc, s.dWEnc),
    exactly('∂xc (union lists)', out.union.dxc, s.dxc),
    exactly('repeat bit-identical', [out.repeatEqual ? 1 : 0], [1]),
  ]);
}
