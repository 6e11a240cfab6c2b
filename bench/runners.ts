/**
 * The GPU benchmarks as plain functions of a log line sink, shared by the bench page
 * (bench/main.ts, driven by scripts/bench.mjs in Chromium) and the browserless route
 * (bench/node.ts, driven by scripts/bench-node.mjs through Dawn's Node bindings): the same code
 * measures on both, so both print the same tables.
 */
import { acquireGpu } from '../src/gpu/device';
import type { GemmTiles } from '../src/gpu/kernels/gemm';
import { adapterName } from '../src/store/gpuSlice';
import { benchGemm, type GemmBenchRow } from './gemm';
import { benchSparse, type SparseBenchOptions, type SparseBenchReport } from './sparse';
import { benchSteps, type StepBenchOptions, type StepBenchRow } from './step';

export interface BenchOptions {
  shapes: [number, number, number][];
  reps: number;
  warmup: number;
  tiles?: GemmTiles;
  /** Skip the GEMM table (`--sparse` alone). */
  skipGemm?: boolean;
  /** Sparse vs dense decoder table, when given. */
  sparse?: SparseBenchOptions;
}

export interface BenchReport {
  adapter: string;
  gemm: GemmBenchRow[];
  sparse?: SparseBenchReport;
}

export type StepBenchRequest = Omit<StepBenchOptions, 'log'>;

export interface StepBenchReport {
  adapter: string;
  rows: StepBenchRow[];
}

/** GEMMs against tf.matMul and, when asked, the sparse vs dense decoder products. */
export async function runGemmBench(
  opts: BenchOptions,
  log: (s: string) => void,
): Promise<BenchReport> {
  const gpu = await acquireGpu({ label: 'Bench.device' });
  log(`adapter: ${adapterName(gpu.summary)}`);
  gpu.events.on((e) => log(`GPU ${e.type}: ${e.message}`));
  const gemm = opts.skipGemm ? [] : await benchGemm(gpu, opts.shapes, { ...opts, log });
  const sparse = opts.sparse ? await benchSparse(gpu, { ...opts.sparse, log }) : undefined;
  return { adapter: adapterName(gpu.summary), gemm, sparse };
}

/**
 * Training steps of our engine vs TF.js, in GEMM equivalents, in two phases of a run (with
 * `profileReps` > 0, each phase's kernels too).
 */
export async function runStepBench(
  opts: StepBenchRequest,
  log: (s: string) => void,
): Promise<StepBenchReport> {
  const gpu = await acquireGpu({ label: 'Bench.stepDevice' });
  gpu.events.on((e) => log(`GPU ${e.type}: ${e.message}`));
  const rows = await benchSteps(gpu, { ...opts, log });
  return { adapter: adapterName(gpu.summary), rows };
}
