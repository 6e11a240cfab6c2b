/**
 * The app's visible self-check: every kernel family of the registry (registry.ts) once or twice
 * on a small awkward shape, small enough for a CPU adapter (the whole list runs in seconds there).
 * Data only (the specs read it in Node): run.ts runs a case. `shadersOf` names the WGSL files a
 * case runs; test/selfcheck/registry.test.ts checks that together they cover the registry.
 */
import type { ElementwiseOp } from '../gpu/kernels/elementwise';
import type { AdamCase } from './optimAdam';
import type { AtomCase, GradNormCase } from './optimKernels';
import type { AxpyCase, GemmCase, ReduceCase } from './kernels';
import type { BatchTopKArg, RowTopKArg } from './saeKernels';
import type { SoftTopKCase } from './saeChecks';
import type { SparseCase } from './sparseChecks';

export type SelfCheckCase =
  | { kernel: 'gemm'; spec: GemmCase }
  | { kernel: 'reduce'; spec: ReduceCase }
  | { kernel: 'axpy'; spec: AxpyCase }
  | { kernel: 'softtopk'; spec: SoftTopKCase }
  | { kernel: 'topk'; spec: RowTopKArg }
  | { kernel: 'kestimate'; spec: { B: number; F: number; kMax: number; seed: number } }
  | { kernel: 'jumprelu'; spec: { B: number; F: number; kind: string } }
  | { kernel: 'batchtopk'; spec: BatchTopKArg }
  | {
      kernel: 'auxk';
      spec: { B: number; D: number; F: number; dead: number[]; lambda: number; seed: number };
    }
  | { kernel: 'elementwise'; spec: { op: ElementwiseOp; rows: number; D: number } }
  | { kernel: 'loss'; spec: { B: number; k: number; kLossWeight: number; seed: number } }
  | {
      kernel: 'dead';
      spec: { B: number; F: number; threshold: number; batches: number; seed: number };
    }
  | { kernel: 'atoms'; spec: AtomCase }
  | { kernel: 'gradnorm'; spec: GradNormCase }
  | { kernel: 'adam'; spec: AdamCase }
  | {
      kernel: 'eval';
      spec: {
        F: number;
        D: number;
        bins: number;
        topN: number;
        hi: number;
        sizes: number[];
        seed: number;
      };
    }
  | { kernel: 'sparseLists'; spec: SparseCase & { rowsPerBlock?: number } }
  | { kernel: 'sparseProducts'; spec: SparseCase & { D: number } }
  | {
      kernel: 'cooccur';
      spec: {
        rows: number;
        F: number;
        perRow: number;
        features: number[];
        maxEntries: number;
        seed: number;
      };
    }
  | { kernel: 'gate'; spec: { n: number } }
  | {
      kernel: 'bestmatch';
      spec: { D: number; FA: number; FB: number; rowsPerDispatch: number; seed: number };
    };

/** The WGSL files (registry.ts `shader`) that a case runs. */
export function shadersOf(c: SelfCheckCase): string[] {
  switch (c.kernel) {
    case 'softtopk':
      return ['softtopk.wgsl'];
    case 'batchtopk':
      return ['batchtopk.wgsl', 'batchtopk-apply.wgsl'];
    case 'eval':
      return ['evalfeature.wgsl', 'evaltopn.wgsl', 'evaldims.wgsl', 'evalrows.wgsl'];
    case 'sparseLists':
      return ['scan.wgsl', 'sparse-compact.wgsl', 'sparse-transpose.wgsl'];
    case 'sparseProducts': // the lists, the sparse products, and the dense GEMMs beside them
      return [
        'scan.wgsl',
        'sparse-compact.wgsl',
        'sparse-transpose.wgsl',
        'sparse-gather.wgsl',
        'sparse-dot.wgsl',
        'gemm.wgsl',
      ];
    case 'gate':
      return ['gate.wgsl', 'axpy.wgsl'];
    default:
      return [`${c.kernel}.wgsl`];
  }
}

const f32 = Math.fround;

export const SELF_CHECK_CASES: SelfCheckCase[] = [
  { kernel: 'gemm', spec: { layout: 'nt', M: 37, K: 53, N: 129, bias: true, relu: true } },
  { kernel: 'gemm', spec: { layout: 'nn', M: 37, K: 53, N: 129, alpha: 0.5 } },
  { kernel: 'gemm', spec: { layout: 'tn', M: 53, K: 37, N: 129, beta: 1 } },
  // The encoder and k-estimator hidden layer of a SoftSAE step: one dispatch, two products.
  {
    kernel: 'gemm',
    spec: { layout: 'nt', M: 37, K: 53, N: 129, bias: true, relu: true, pair: true },
  },
  { kernel: 'reduce', spec: { axis: 'rows', op: 'sumsq', M: 37, N: 129 } },
  { kernel: 'reduce', spec: { axis: 'cols', op: 'sum', M: 37, N: 129 } },
  { kernel: 'axpy', spec: { n: 4097, alpha: -0.25 } },
  // k̂ at 1, just above 1, just below F and exactly F (t = −∞).
  {
    kernel: 'softtopk',
    spec: { B: 4, F: 50, alpha: 0.1, kHat: [1, 1.001, 49.5, 50], seed: 7, search: 'newton' },
  },
  // Ties on a 0.25 grid.
  {
    kernel: 'softtopk',
    spec: {
      B: 3,
      F: 40,
      alpha: 0.05,
      kHat: [3.5, 7.25, 12],
      seed: 9,
      grid: 0.25,
      search: 'select',
    },
  },
  // Negative zeros and an all-zero row; F = 8 < the workgroup.
  {
    kernel: 'topk',
    spec: { B: 2, F: 8, h: [-0, 0, 0.5, -0, 0.25, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], kHat: [2, 3] },
  },
  // Row 0 in the lower clamp (k̂ = 1, no gradient); F = 37.
  { kernel: 'kestimate', spec: { B: 3, F: 37, kMax: 40, seed: 41 } },
  // A tie pre = θ and an all-zero row.
  { kernel: 'jumprelu', spec: { B: 5, F: 37, kind: 'jump' } },
  // Tiny and huge values, negative zeros; θ set for the first time.
  {
    kernel: 'batchtopk',
    spec: {
      B: 2,
      F: 6,
      k: 5,
      h: [2e-38, -0, 3e38, 1e-30, 2, 0, 2e-38, 5, 0, -0, 3e38, 1.5e-38].map(f32),
      theta: -1,
      updateTheta: true,
    },
  },
  // 4 dead of 10 features, ⌊D/2⌋ = 3 of them used.
  { kernel: 'auxk', spec: { B: 5, D: 6, F: 10, dead: [1, 4, 7, 9], lambda: 1 / 32, seed: 3 } },
  { kernel: 'elementwise', spec: { op: 'maskNonzeroAdd', rows: 37, D: 53 } },
  { kernel: 'loss', spec: { B: 77, k: 4, kLossWeight: 0.5, seed: 3 } },
  { kernel: 'dead', spec: { B: 5, F: 70, threshold: 6, batches: 3, seed: 11 } },
  // Atoms of norm ~1e-6 (where both epsilons matter) and all-zero atoms.
  { kernel: 'atoms', spec: { D: 13, F: 70, seed: 6, tiny: [0, 5, 69], zero: [1, 68] } },
  // Σg² would overflow float32 without the exponent scaling.
  { kernel: 'gradnorm', spec: { D: 13, F: 70, scale: 1e25 } },
  // Per-tensor step counts from 1 to past the bias-correction table; a clip scale.
  {
    kernel: 'adam',
    spec: { D: 13, F: 70, lr: 6e-4, scale: 0.0173, t: [1, 2, 3, 10, 1000, 16627, 30000, 1] },
  },
  // F = 70 (not a multiple of 64), a batch of one row, values on the bin edges, ties, a dead feature.
  { kernel: 'eval', spec: { F: 70, D: 12, bins: 32, topN: 4, hi: 8, sizes: [9, 1, 6], seed: 11 } },
  // Empty rows, a full row, feature 69 in every row, blocks of 3 rows (the last partial).
  {
    kernel: 'sparseLists',
    spec: { B: 7, F: 70, active: [3, 0, 70, 7, 1], everyRow: 69, rowsPerBlock: 3, seed: 2 },
  },
  {
    kernel: 'sparseProducts',
    spec: { B: 6, F: 70, D: 40, active: [5, 0, 70, 0, 17, 2], everyRow: 7, seed: 12 },
  },
  // Empty rows, a feature in every row, chunks of 37 entries (boundaries inside the data).
  {
    kernel: 'cooccur',
    spec: { rows: 40, F: 70, perRow: 5, features: [69, 0, 33], maxEntries: 37, seed: 5 },
  },
  { kernel: 'gate', spec: { n: 1000 } },
  // Shapes that are not multiples of 4, a zero atom, 7 dispatches per side.
  { kernel: 'bestmatch', spec: { D: 10, FA: 37, FB: 50, rowsPerDispatch: 8, seed: 11 } },
];
