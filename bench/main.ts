// Benchmark page driven by scripts/bench.mjs (or opened by hand at /bench/index.html).
import { benchIngest, type IngestBenchOptions, type IngestBenchRow } from './ingest';
import { benchIngestBig, type IngestBigOptions, type IngestBigReport } from './ingest-big';
import { benchLargest, type LargestOptions, type LargestReport } from './largest';
import { benchMatch, type MatchBenchRow } from './match';
import {
  runGemmBench,
  runStepBench,
  type BenchOptions,
  type BenchReport,
  type StepBenchReport,
  type StepBenchRequest,
} from './runners';

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
    runStepBench?: (opts: StepBenchRequest) => Promise<StepBenchReport>;
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

window.runBench = (opts) => runGemmBench(opts, log);
window.runStepBench = (opts) => runStepBench(opts, log);
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
