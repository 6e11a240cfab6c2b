// Benchmark page driven by scripts/bench.mjs (or opened by hand at /bench/index.html).
import { acquireGpu, adapterName } from '../src/gpu/device';
import type { GemmTiles } from '../src/gpu/kernels/gemm';
import { benchGemm, type GemmBenchRow } from './gemm';
import { benchSparse, type SparseBenchOptions, type SparseBenchReport } from './sparse';

export interface BenchOptions {
  shapes: [number, number, number][];
  reps: number;
  warmup: number;
  tiles?: GemmTiles;
  /** Skip the GEMM table (`--sparse`). */
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
out.textContent = 'ready';
