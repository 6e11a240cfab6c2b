/**
 * The reference side of the sparse kernels' checks (float64, no GPU): input generators, the
 * products of the SAE step on CSR/CSC lists and their accumulation tolerances. Shared by
 * e2e/sparse.spec.ts (in Node) and the app's self-check (sparseChecks.ts).
 */
import { createRng } from '../model/rng';
import type { Tolerance } from '../reference/compare';
import {
  csrDotRef,
  csrFromDense,
  cscFromCsr,
  segmentGatherRef,
  type CsrRef,
} from '../reference/sparse';
import type { SparseProductsArg } from './sparseKernels';

const f32 = (x: number) => Math.fround(x);
const U = 2 ** -24; // float32 unit roundoff

export interface CodeSpec {
  B: number;
  F: number;
  /** Active entries of row b (clamped to F); 'all' for every column. */
  active: (b: number) => number;
  /** A feature forced active in every row. */
  everyRow?: number;
  seed: number;
}

/** [B, F] codes: `active(b)` random columns per row with nonzero float32 values, zeros elsewhere. */
export function codes(s: CodeSpec): number[] {
  const rng = createRng(s.seed);
  const out = new Array<number>(s.B * s.F).fill(0);
  for (let b = 0; b < s.B; b++) {
    const n = Math.min(s.F, s.active(b));
    const cols = Array.from({ length: s.F }, (_, j) => j);
    for (let i = 0; i < n; i++) {
      const r = i + Math.floor(rng.uniform() * (s.F - i));
      [cols[i], cols[r]] = [cols[r], cols[i]];
      out[b * s.F + cols[i]] = f32(0.05 + Math.abs(rng.normal()));
    }
    if (s.everyRow !== undefined) out[b * s.F + s.everyRow] = f32(0.5 + rng.uniform());
  }
  return out;
}

export function normals(n: number, seed: number, scale = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => f32(scale * rng.normal()));
}

export function productArg(c: CodeSpec & { D: number }): SparseProductsArg {
  const { B, F, D } = c;
  const f = codes(c);
  // ∂pre: mostly f's support with both signs, plus a few entries where f is zero.
  const rng = createRng(c.seed + 100);
  const dpre = f.map((v) => (v !== 0 || rng.uniform() < 0.02 ? f32(rng.normal()) : 0));
  return {
    B,
    F,
    D,
    capacity: B * F,
    f,
    g: normals(B * D, c.seed + 1, 0.1),
    wDecT: normals(F * D, c.seed + 2, 1 / Math.sqrt(D)),
    bDec: normals(D, c.seed + 3),
    dpre,
    xc: normals(B * D, c.seed + 4),
    wEnc: normals(F * D, c.seed + 5, 1 / Math.sqrt(D)),
  };
}

/** Σ |terms| of a sparse product: the scale of its float32 accumulation error. */
const abs = (xs: ArrayLike<number>) => Array.from(xs, Math.abs);
const max = (xs: ArrayLike<number>) => Array.from(xs).reduce((m, v) => Math.max(m, v), 0);

/**
 * Sequential float32 accumulation of n terms has |error| ≤ γ_n·Σ|terms|, γ_n ≈ n·u (fma rounds
 * once per step). Two float32 evaluations in different orders (sparse vs dense GEMM) differ by up
 * to twice that; the float64 reference is exact to that scale. So atol = 2·(n + 1)·u·max Σ|terms|
 * (+1 for the bias add), rtol = 0.
 */
function accumulationTol(n: number, absSums: ArrayLike<number>): Tolerance {
  return { atol: 2 * (n + 1) * U * Math.max(max(absSums), 1e-30), rtol: 0 };
}

/**
 * The float64 sparse products of `arg` (x̂ = f·W_dec + b_dec, ∂f = g·W_decᵀ on f's support,
 * ∂W_decᵀ = fᵀ·g, ∂W_enc = ∂preᵀ·xc, ∂xc = ∂pre·W_enc) and their accumulation tolerances.
 */
export function sparseProductReference(arg: SparseProductsArg) {
  const { B, F, D } = arg;
  const fl = csrFromDense(B, F, arg.f, B * F);
  const fc = cscFromCsr(B, F, fl.rowPtr, fl.col);
  const pl = csrFromDense(B, F, arg.dpre, B * F);
  const pc = cscFromCsr(B, F, pl.rowPtr, pl.col);
  const rowMax = (l: CsrRef) => l.status[3];
  const colMax = (c: { colPtr: number[] }) =>
    Math.max(...c.colPtr.slice(1).map((p, j) => p - c.colPtr[j]));

  const refs = {
    xHat: segmentGatherRef(B, D, fl.rowPtr, fl.col, fl.valA, arg.wDecT, { bias: arg.bDec }),
    df: csrDotRef(B, F, D, fl.rowPtr, fl.col, arg.g, arg.wDecT),
    dWDecT: segmentGatherRef(F, D, fc.colPtr, fc.cscRow, fl.valA, arg.g, { entry: fc.cscEntry }),
    dWEnc: segmentGatherRef(F, D, pc.colPtr, pc.cscRow, pl.valA, arg.xc, { entry: pc.cscEntry }),
    dxc: segmentGatherRef(B, D, pl.rowPtr, pl.col, pl.valA, arg.wEnc),
  };
  const tols = {
    xHat: accumulationTol(
      rowMax(fl),
      segmentGatherRef(B, D, fl.rowPtr, fl.col, abs(fl.valA), abs(arg.wDecT), {
        bias: abs(arg.bDec),
      }),
    ),
    df: accumulationTol(D, csrDotRef(B, F, D, fl.rowPtr, fl.col, abs(arg.g), abs(arg.wDecT)).val),
    dWDecT: accumulationTol(
      colMax(fc),
      segmentGatherRef(F, D, fc.colPtr, fc.cscRow, abs(fl.valA), abs(arg.g), {
        entry: fc.cscEntry,
      }),
    ),
    dWEnc: accumulationTol(
      colMax(pc),
      segmentGatherRef(F, D, pc.colPtr, pc.cscRow, abs(pl.valA), abs(arg.xc), {
        entry: pc.cscEntry,
      }),
    ),
    dxc: accumulationTol(
      rowMax(pl),
      segmentGatherRef(B, D, pl.rowPtr, pl.col, abs(pl.valA), abs(arg.wEnc)),
    ),
  };
  return { refs, tols };
}
