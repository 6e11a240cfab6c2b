/**
 * Loading a file far larger than the memory the loader may use (`npm run bench -- --ingest-big`):
 * the whole ingestion pass — open and validate, one statistics pass, then a `RowSampler` within
 * its memory budget serving one full epoch of shuffled batches — with the JS heap sampled
 * throughout. The file comes from disk through <input type="file"> like in `ingest.ts`.
 *
 * Heap figure: `performance.memory.usedJSHeapSize` (precise with --enable-precise-memory-info;
 * in Chromium it includes ArrayBuffer backing stores, i.e. the file data held), sampled after
 * every read and every 10 ms timer tick. The bench script samples CDP `Runtime.getHeapUsage`
 * (V8 heap + ArrayBuffer backing stores) from outside as well, as a cross-check. Main thread, not
 * the worker: `performance.memory` exists only there; the code run is the worker's.
 */
import { openActivations } from '../src/io/open';
import { RowSampler } from '../src/io/sampler';
import { blobSource, type ByteSource } from '../src/io/source';
import { computeStats } from '../src/io/stats';

export interface IngestBigOptions {
  file: File;
  /** The sampler's memory budget in MiB. */
  memoryMiB: number;
  /** Rows per training batch. */
  batchSize: number;
  log: (s: string) => void;
}

export interface IngestBigPhase {
  name: string;
  seconds: number;
  /** File data read in this phase, MB/s (10^6 bytes). */
  MBs: number;
  /** Highest `usedJSHeapSize` seen in this phase, MiB. */
  peakMiB: number;
}

export interface IngestBigReport {
  file: string;
  fileBytes: number;
  rows: number;
  width: number;
  dtype: string;
  memoryMiB: number;
  inMemory: boolean;
  windowBlocks: number;
  blocks: number;
  blockRows: number;
  residentMiB: number;
  baseMiB: number;
  peakMiB: number;
  samples: number;
  phases: IngestBigPhase[];
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapBytes = (): number =>
  (performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN;
const MiB = 2 ** 20;

export async function benchIngestBig(opts: IngestBigOptions): Promise<IngestBigReport> {
  const { file, log } = opts;
  gc?.();
  await new Promise((r) => setTimeout(r, 20));
  gc?.();
  const baseMiB = heapBytes() / MiB;
  let phasePeak = 0;
  let peak = 0;
  let samples = 0;
  const sample = () => {
    const h = heapBytes();
    samples++;
    phasePeak = Math.max(phasePeak, h);
    peak = Math.max(peak, h);
  };
  const timer = setInterval(sample, 10);
  let bytesRead = 0;
  const raw = blobSource(file);
  const src: ByteSource = {
    name: raw.name,
    size: raw.size,
    async read(o, l) {
      const b = await raw.read(o, l);
      bytesRead += l;
      sample();
      return b;
    },
    async readInto(o, into) {
      const b = await raw.readInto!(o, into);
      bytesRead += b.length;
      sample();
      return b;
    },
  };
  const phases: IngestBigPhase[] = [];
  const phase = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    phasePeak = heapBytes();
    const read0 = bytesRead;
    const t = performance.now();
    const out = await f();
    sample();
    const seconds = (performance.now() - t) / 1000;
    const MBs = (bytesRead - read0) / 1e6 / seconds;
    phases.push({ name, seconds, MBs, peakMiB: phasePeak / MiB });
    log(
      `  ${name}: ${seconds.toFixed(1)} s, ${MBs.toFixed(0)} MB/s, peak ${(phasePeak / MiB).toFixed(1)} MiB`,
    );
    return out;
  };
  try {
    const ds = await phase('open + validate header', () => openActivations(src));
    const st = await phase('statistics pass', () => computeStats(ds));
    if (st.finiteRows !== ds.rows || !(st.normFactor > 0))
      throw new Error(`statistics are wrong: ${st.finiteRows} finite rows of ${ds.rows}`);
    const sampler = new RowSampler(ds, { memoryBytes: opts.memoryMiB * MiB, seed: 1 });
    await phase('sampler: first window', () => sampler.prepare());
    // One epoch: every row served once, so every window is read once.
    // Batches land in one staging buffer, as a trainer uploading each batch to the GPU would
    // use them; a fresh 36 MiB array per batch would measure the consumer's garbage instead.
    const seen = new Uint8Array(ds.rows);
    const staging = new Float32Array(opts.batchSize * ds.width);
    await phase('sampler: one epoch of batches', async () => {
      for (let served = 0; served < ds.rows;) {
        const n = Math.min(opts.batchSize, ds.rows - served);
        const b = await sampler.next(n, staging);
        for (const r of b.rows) seen[r]++;
        served += b.rows.length;
        sample();
      }
    });
    if (!seen.every((c) => c === 1)) throw new Error('the epoch did not serve every row once');
    return {
      file: file.name,
      fileBytes: file.size,
      rows: ds.rows,
      width: ds.width,
      dtype: ds.header.dtype,
      memoryMiB: opts.memoryMiB,
      inMemory: sampler.inMemory,
      windowBlocks: sampler.windowBlocks,
      blocks: sampler.blocks,
      blockRows: sampler.blockRows,
      residentMiB: sampler.residentBytes / MiB,
      baseMiB,
      peakMiB: peak / MiB,
      samples,
      phases,
    };
  } finally {
    clearInterval(timer);
  }
}
