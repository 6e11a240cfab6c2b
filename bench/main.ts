// Benchmark page driven by scripts/bench.mjs (or opened by hand at /bench/index.html).
import { acquireGpu, adapterName } from '../src/gpu/device';
import type { GemmTiles } from '../src/gpu/kernels/gemm';
import { benchGemm, type GemmBenchRow } from './gemm';
import { benchIngest, type IngestBenchOptions, type IngestBenchRow } from './ingest';
import { benchSteps, type StepBenchRow } from './step';

export interface BenchOptions {
  shapes: [number, number, number][];
  reps: number;
  warmup: number;
  tiles?: GemmTiles;
}

export interface BenchReport {
  adapter: string;
  gemm: GemmBenchRow[];
}

declare global {
  interface Window {
    runBench?: (opts: BenchOptions) => Promise<BenchReport>;
    /** The ingestion benchmark; needs no GPU. */
    runIngestBench?: (opts: Omit<IngestBenchOptions, 'log' | 'files'>) => Promise<IngestBenchRow[]>;
    /** Training steps of our engine vs TF.js, in GEMM equivalents. */
    runStepBench?: (opts: {
      shapes: [number, number, number][];
      reps: number;
      warmup: number;
    }) => Promise<{ adapter: string; rows: StepBenchRow[] }>;
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
  const gemm = await benchGemm(gpu, opts.shapes, { ...opts, log });
  return { adapter: adapterName(gpu.summary), gemm };
};
window.runStepBench = async (opts) => {
  const gpu = await acquireGpu({ label: 'Bench.stepDevice' });
  gpu.events.on((e) => log(`GPU ${e.type}: ${e.message}`));
  const rows = await benchSteps(gpu, opts.shapes, { ...opts, log });
  return { adapter: adapterName(gpu.summary), rows };
};
// The files set on #ingest-files (scripts/bench.mjs uses setInputFiles, a person can pick them).
window.runIngestBench = (opts) => {
  const input = document.getElementById('ingest-files') as HTMLInputElement;
  return benchIngest({ ...opts, files: [...(input.files ?? [])], log });
};
out.textContent = 'ready';
