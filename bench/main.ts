// Benchmark page driven by scripts/bench.mjs (or opened by hand at /bench/index.html).
import { acquireGpu, adapterName } from '../src/gpu/device';
import type { GemmTiles } from '../src/gpu/kernels/gemm';
import { benchGemm, type GemmBenchRow } from './gemm';

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
out.textContent = 'ready';
