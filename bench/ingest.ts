/**
 * Ingestion benchmark: our streaming loader (open + one statistics pass: mean, norm factor,
 * min/max, NaN/Inf scan) against a plain `Blob.slice(a, b).arrayBuffer()` read of the same bytes
 * in the same chunks, plus a plain read of the same slices through the loader's own read
 * primitive (a BYOB byte-stream read into one reused buffer) and read + decode to float32
 * without statistics, side by side on the same File, interleaved per repetition.
 *
 * The `.npy` files come from disk through the page's <input type="file"> (written by
 * scripts/bench-files.mjs), as a researcher's files do. Blobs built in the page cannot be used at
 * these sizes: reading a 300 MB Blob built in the page fails with NotReadableError in Playwright's
 * default (off-the-record) context, 800 MB even with a persistent profile (Chromium 156, measured),
 * and a Playwright route would end in the same kind of Blob.
 * Runs on the page's main thread, not in the ingestion worker, because `performance.memory` (the
 * heap figure) exists only there; `measureUserAgentSpecificMemory` would need a cross-origin
 * isolated page and reports after a GC, not a peak.
 */
import { decodeToFloat32 } from '../src/io/dtype';
import { openActivations } from '../src/io/open';
import { blobSource, type ByteSource } from '../src/io/source';
import { readAhead } from '../src/io/read-ahead';
import { DEFAULT_CHUNK_BYTES, computeStats } from '../src/io/stats';
import type { IngestMessage, IngestRequest } from '../src/workers/ingest-protocol';
import { median } from './stats';

export interface IngestBenchOptions {
  /** `.npy` activation files. */
  files: File[];
  reps: number;
  /** Untimed passes of every mode first (JIT warm-up, file in the page cache); default 1. */
  warmup?: number;
  /** Chunk sizes to measure, in MiB of file data (whole rows); default [8], the loader's own. */
  chunkMiB?: number[];
  log: (s: string) => void;
}

export interface IngestBenchRow {
  file: string;
  dtype: string;
  rows: number;
  width: number;
  dataMB: number;
  chunkMiB: number;
  reps: number;
  /** Median MB/s over `reps` of each mode, after the warm-up. */
  plainMBs: number;
  /** Plain reads through a BYOB stream into one reused buffer (the loader's read primitive). */
  byobMBs: number;
  decodeMBs: number;
  statsMBs: number;
  /** The same statistics pass in the ingestion worker, as the app runs it (no heap figure). */
  workerMBs: number;
  /** Heap after gc() before the first run, and the highest `usedJSHeapSize` seen during each. */
  baseMiB: number;
  plainPeakMiB: number;
  byobPeakMiB: number;
  decodePeakMiB: number;
  statsPeakMiB: number;
  /** How the heap was measured. */
  heapSource: string;
}

type Gc = () => void;
const gc = (globalThis as { gc?: Gc }).gc;

/** `usedJSHeapSize` (ArrayBuffer backing stores included in Chromium), or NaN without it. */
function heapBytes(): number {
  const m = (performance as { memory?: { usedJSHeapSize: number } }).memory;
  return m ? m.usedJSHeapSize : NaN;
}

/**
 * Tracks the highest heap level seen, sampled after each read resolves. The absolute level is
 * reported: a difference from the start can read as zero or less, because buffers of the previous
 * run may still be counted at the start and be swept during the run.
 */
class HeapPeak {
  base = 0;
  private peak = 0;
  async start(): Promise<void> {
    // Array buffers are freed by a sweeper after the collection: collect, yield, collect again.
    gc?.();
    await new Promise((r) => setTimeout(r, 20));
    gc?.();
    this.base = heapBytes();
    this.peak = this.base;
  }
  sample(): void {
    this.peak = Math.max(this.peak, heapBytes());
  }
  get mib(): number {
    return this.peak / 2 ** 20;
  }
}

/** The real ingestion worker with a request → reply helper. */
function ingestWorker() {
  const worker = new Worker(new URL('../src/workers/ingest.worker.ts', import.meta.url), {
    type: 'module',
  });
  let nextId = 1;
  const call = (req: Omit<IngestRequest, 'id'>): Promise<IngestMessage> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`ingestion worker: ${e.message}`));
      worker.onmessage = (ev: MessageEvent<IngestMessage>) => {
        if (ev.data.id !== id || ev.data.type === 'progress') return;
        if (ev.data.type === 'error') reject(new Error(ev.data.message));
        else resolve(ev.data);
      };
      worker.postMessage({ ...req, id } as IngestRequest);
    });
  };
  return { call, close: () => worker.terminate() };
}

/** A source that samples the heap each time a read resolves. */
function sampled(src: ByteSource, heap: HeapPeak): ByteSource {
  return {
    name: src.name,
    size: src.size,
    async read(o, l) {
      const b = await src.read(o, l);
      heap.sample();
      return b;
    },
    async readInto(o, into) {
      const b = await src.readInto!(o, into);
      heap.sample();
      return b;
    },
  };
}

export async function benchIngest(opts: IngestBenchOptions): Promise<IngestBenchRow[]> {
  const out: IngestBenchRow[] = [];
  const heapSource = Number.isNaN(heapBytes())
    ? 'none (performance.memory unavailable)'
    : `performance.memory.usedJSHeapSize${gc ? ', gc() before each run' : ''}`;
  const worker = ingestWorker();
  for (const file of opts.files)
    for (const mib of opts.chunkMiB ?? [DEFAULT_CHUNK_BYTES / 2 ** 20])
      out.push(await benchFile(file, mib * 2 ** 20, opts, worker, heapSource));
  worker.close();
  return out;
}

async function benchFile(
  file: File,
  chunkTarget: number,
  opts: IngestBenchOptions,
  worker: ReturnType<typeof ingestWorker>,
  heapSource: string,
): Promise<IngestBenchRow> {
  const probe = await openActivations(blobSource(file));
  const { rows, width, bytesPerRow } = probe;
  const dtype = probe.header.dtype;
  const dataOffset = probe.header.dataOffset;
  const dataBytes = rows * bytesPerRow;
  const chunkRows = Math.max(1, Math.floor(chunkTarget / bytesPerRow));
  const chunkBytes = chunkRows * bytesPerRow;
  opts.log(
    `ingest ${file.name}: ${rows} × ${width} ${dtype}, ${(dataBytes / 1e6).toFixed(0)} MB, ` +
      `chunks of ${(chunkBytes / 2 ** 20).toFixed(2)} MiB`,
  );

  const times = {
    plain: [] as number[],
    byob: [] as number[],
    decode: [] as number[],
    stats: [] as number[],
    worker: [] as number[],
  };
  const peaks = { plain: 0, byob: 0, decode: 0, stats: 0 };
  let baseMiB = Infinity;
  const warmup = opts.warmup ?? 1;
  for (let rep = -warmup; rep < opts.reps; rep++) {
    const took: Record<keyof typeof times, number> = {
      plain: 0,
      byob: 0,
      decode: 0,
      stats: 0,
      worker: 0,
    };
    const peak = { plain: 0, byob: 0, decode: 0, stats: 0 };
    // Plain reads: the same byte ranges, nothing done with them.
    let heap = new HeapPeak();
    await heap.start();
    let t = performance.now();
    for (let at = 0; at < dataBytes; at += chunkBytes) {
      const end = dataOffset + Math.min(dataBytes, at + chunkBytes);
      const buf = await file.slice(dataOffset + at, end).arrayBuffer();
      heap.sample();
      if (buf.byteLength !== end - dataOffset - at) throw new Error('short read');
    }
    took.plain = (performance.now() - t) / 1000;
    const base = heap.base / 2 ** 20;
    peak.plain = heap.mib;

    // Plain reads of the same ranges with the loader's read primitive (a BYOB stream read into
    // one reused buffer), sequential like the plain reads, nothing done with them.
    heap = new HeapPeak();
    await heap.start();
    t = performance.now();
    const raw = blobSource(file);
    let into = new Uint8Array(chunkBytes);
    for (let at = 0; at < dataBytes; at += chunkBytes) {
      const n = Math.min(chunkBytes, dataBytes - at);
      into = new Uint8Array((await raw.readInto!(dataOffset + at, into.subarray(0, n))).buffer);
      heap.sample();
    }
    took.byob = (performance.now() - t) / 1000;
    peak.byob = heap.mib;

    // Read + decode to float32 rows, the loader's path without statistics (an ordered pass:
    // reused read buffers, one chunk ahead, decoded into one reused float32 buffer).
    heap = new HeapPeak();
    await heap.start();
    t = performance.now();
    const ds = await openActivations(sampled(blobSource(file), heap));
    const out = new Float32Array(chunkRows * width);
    for await (const c of readAhead(ds, chunkRows, { reuse: true })) {
      const b = c.blocks[0];
      const x = decodeToFloat32(b.raw, b.dtype, b.littleEndian, out);
      heap.sample();
      if (x.length !== c.count * width) throw new Error('short decode');
    }
    took.decode = (performance.now() - t) / 1000;
    peak.decode = heap.mib;

    // The loader: open + one statistics pass.
    heap = new HeapPeak();
    await heap.start();
    t = performance.now();
    const st = await computeStats(await openActivations(sampled(blobSource(file), heap)), {
      chunkRows,
      onProgress: () => heap.sample(),
    });
    took.stats = (performance.now() - t) / 1000;
    peak.stats = heap.mib;
    // The data is finite by construction: anything else means the pass read the wrong bytes.
    if (st.bytesRead !== dataBytes || st.finiteRows !== rows || !(st.normFactor > 0))
      throw new Error(`stats pass is wrong: ${JSON.stringify({ ...st, mean: undefined })}`);

    // The same pass in the ingestion worker: open, then stats, timed from the page.
    t = performance.now();
    await worker.call({ type: 'open', files: [file] });
    const ws = await worker.call({ type: 'stats', chunkRows });
    took.worker = (performance.now() - t) / 1000;
    if (ws.type !== 'stats' || ws.stats.bytesRead !== dataBytes || ws.stats.finiteRows !== rows)
      throw new Error('worker stats pass is wrong');

    const mbs = (k: keyof typeof times) => (dataBytes / 1e6 / took[k]).toFixed(0);
    opts.log(
      `  ${rep < 0 ? 'warm-up' : `rep ${rep + 1}`}: plain ${mbs('plain')} MB/s, byob ${mbs('byob')} MB/s, decode ${mbs('decode')} MB/s, stats ${mbs('stats')} MB/s, worker ${mbs('worker')} MB/s`,
    );
    if (rep < 0) continue;
    for (const k of Object.keys(times) as (keyof typeof times)[]) times[k].push(took[k]);
    for (const k of Object.keys(peaks) as (keyof typeof peaks)[])
      peaks[k] = Math.max(peaks[k], peak[k]);
    baseMiB = Math.min(baseMiB, base);
  }
  const rate = (xs: number[]) => dataBytes / 1e6 / median(xs);
  return {
    file: file.name,
    dtype,
    rows,
    width,
    dataMB: dataBytes / 1e6,
    chunkMiB: chunkBytes / 2 ** 20,
    reps: opts.reps,
    plainMBs: rate(times.plain),
    byobMBs: rate(times.byob),
    decodeMBs: rate(times.decode),
    statsMBs: rate(times.stats),
    workerMBs: rate(times.worker),
    baseMiB,
    plainPeakMiB: peaks.plain,
    byobPeakMiB: peaks.byob,
    decodePeakMiB: peaks.decode,
    statsPeakMiB: peaks.stats,
    heapSource,
  };
}
