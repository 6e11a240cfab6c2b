// Benchmark page driven by scripts/bench.mjs (or opened by hand at /bench/index.html).
import { acquireGpu } from '../src/gpu/device';
import { adapterName } from '../src/store/gpuSlice';
import type { GemmTiles } from '../src/gpu/kernels/gemm';
import { benchGemm, type GemmBenchRow } from './gemm';
import { benchIngest, type IngestBenchOptions, type IngestBenchRow } from './ingest';
import { benchIngestBig, type IngestBigOptions, type IngestBigReport } from './ingest-big';
import { benchLargest, type LargestOptions, type LargestReport } from './largest';
import { benchMatch, type MatchBenchRow } from './match';
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

declare global {
  interface Window {
    runBench?: (opts: BenchOptions) => Promise<BenchReport>;
    /** The ingestion benchmark; needs no GPU. */
    runIngestBench?: (opts: Omit<IngestBenchOptions, 'log' | 'files'>) => Promise<IngestBenchRow[]>;
    /** Loading one file far larger than the loader's memory budget, with the heap sampled. */
    runIngestBigBench?: (opts: Omit<IngestBigOptions, 'log' | 'file'>) => Promise<IngestBigReport>;
    /**
     * Training steps of our engine vs TF.js, in GEMM equivalents, in two phases of a run (with
     * `profileReps` > 0, each phase's kernels too).
     */
    runStepBench?: (
      opts: Omit<StepBenchOptions, 'log'>,
    ) => Promise<{ adapter: string; rows: StepBenchRow[] }>;
    /** The plan and two training steps of the largest shape (issue 13). */
    runLargest?: (opts: Omit<LargestOptions, 'log'>) => Promise<LargestReport>;
    /** Cross-SAE feature matching at each F (src/sae/decoderMatch.ts). */
    runMatchBench?: (opts: {
      D: number;
      Fs: number[];
    }) => Promise<{ adapter: string; rows: MatchBenchRow[] }>;
  }
}

const out = document.getElementById('out')!;
const log = (s: string) => {
  console.log(s);
  out.textContent += `\n${s}`;
};

window.runBench = async (opts) => {
  const gpu = await acquireGpu({ label: 'Bench.device' });
  log(`adapter: ${adapterName(gpu.summary)}`);
  gpu.events.on((e) => log(`GPU ${e.type}: ${e.message}`));
  const gemm = opts.skipGemm ? [] : await benchGemm(gpu, opts.shapes, { ...opts, log });
  const sparse = opts.sparse ? await benchSparse(gpu, { ...opts.sparse, log }) : undefined;
  return { adapter: adapterName(gpu.summary), gemm, sparse };
};
window.runStepBench = async (opts) => {
  const gpu = await acquireGpu({ label: 'Bench.stepDevice' });
  gpu.events.on((e) => log(`GPU ${e.type}: ${e.message}`));
  const rows = await benchSteps(gpu, { ...opts, log });
  return { adapter: adapterName(gpu.summary), rows };
};
window.runLargest = (opts) => benchLargest({ ...opts, log });
window.runMatchBench = (opts) => benchMatch({ ...opts, log });
// The files set on #ingest-files (scripts/bench.mjs uses setInputFiles, a person can pick them).
window.runIngestBench = (opts) => {
  const input = document.getElementById('ingest-files') as HTMLInputElement;
  return benchIngest({ ...opts, files: [...(input.files ?? [])], log });
};
window.runIngestBigBench = (opts) => {
  const input = document.getElementById('ingest-files') as HTMLInputElement;
  return benchIngestBig({ ...opts, file: input.files![0], log });
};
out.textContent = 'ready';
