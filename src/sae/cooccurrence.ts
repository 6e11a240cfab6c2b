/**
 * Feature co-occurrence on the GPU from a dataset's sparse codes (CSR, the evaluation pass's
 * output kept by the engine worker). The codes are uploaded once, in chunks of rows that each fit
 * one storage binding, and stay resident while queries about the same codes come in; each query
 * is then one submit per chunk (shaders/cooccur.wgsl) and one readback of F counters.
 *
 * Why on demand rather than inside the evaluation pass: the feature a person will open is not
 * known during the pass, and a full F × F table of pair counts is F² counters (1 GiB at
 * F = 16384). Per query the memory is O(F) and the work O(nnz) on the GPU.
 */
import { createBuffer, createBufferFrom, readbackU32 } from '../gpu/buffers';
import { Cooccur } from '../gpu/kernels/cooccur';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { chunkRows } from './cooccurMath';

/** The codes as compressed sparse rows: row r's features are col[rowPtr[r] … rowPtr[r + 1]). */
export interface CsrCodes {
  rows: number;
  rowPtr: Uint32Array;
  col: Uint32Array;
}

interface Chunk {
  rows: number;
  nnz: number;
  rowPtr: GPUBuffer;
  col: GPUBuffer;
}

export interface CooccurCounts {
  /** [F] rows where feature j and feature c both fire (co[j] = rows where j fires). */
  co: Uint32Array;
  /** [F] rows where each feature fires. */
  fire: Uint32Array;
}

export class CooccurrenceCounter {
  private constructor(
    private readonly ctx: KernelContext,
    private readonly kernel: Cooccur,
    private readonly chunks: Chunk[],
    readonly F: number,
    private readonly label: string,
  ) {}

  /**
   * Uploads the codes. `maxEntries` (default: what one storage binding of the device holds)
   * bounds a chunk; tests set it small to cover several chunks.
   */
  static async create(
    ctx: KernelContext,
    codes: CsrCodes,
    F: number,
    o: { maxEntries?: number; label?: string } = {},
  ): Promise<CooccurrenceCounter> {
    const label = o.label ?? 'Cooccurrence';
    const lim = ctx.device.limits;
    const bytes = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
    const maxEntries = o.maxEntries ?? Math.floor(bytes / 4);
    const starts = chunkRows(codes.rowPtr, codes.rows, maxEntries);
    const kernel = await Cooccur.create(ctx, { label: `${label}.kernel` });
    const chunks: Chunk[] = [];
    for (let i = 0; i + 1 < starts.length; i++) {
      const [a, b] = [starts[i], starts[i + 1]];
      const base = codes.rowPtr[a];
      const ptr = Uint32Array.from(codes.rowPtr.subarray(a, b + 1), (p) => p - base);
      const nnz = ptr[b - a];
      chunks.push({
        rows: b - a,
        nnz,
        rowPtr: createBufferFrom(ctx.device, `${label}.rowPtr${i}`, ptr),
        col: createBufferFrom(ctx.device, `${label}.col${i}`, codes.col.subarray(base, base + nnz)),
      });
    }
    return new CooccurrenceCounter(ctx, kernel, chunks, F, label);
  }

  private async count(
    name: string,
    encode: (pass: GPUComputePassEncoder, c: Chunk, counts: GPUBuffer) => void,
  ): Promise<Uint32Array> {
    const dev = this.ctx.device;
    const counts = createBuffer(dev, `${this.label}.${name}`, this.F * 4);
    try {
      for (const c of this.chunks)
        submitPass(dev, `${this.label}.${name}`, (p) => encode(p, c, counts));
      return await readbackU32(dev, counts, this.F);
    } finally {
      counts.destroy();
    }
  }

  /** Rows where each feature fires (the same for every query; the caller may keep it). */
  fire(): Promise<Uint32Array> {
    return this.count('fire', (pass, c, counts) =>
      this.kernel.encodeFire(pass, c.nnz, { col: c.col, counts }),
    );
  }

  /** Rows where `feature` fires together with each feature. */
  cooccur(feature: number): Promise<Uint32Array> {
    if (!(Number.isInteger(feature) && feature >= 0 && feature < this.F))
      throw new Error(`feature ${feature} is outside 0…${this.F - 1}`);
    return this.count('co', (pass, c, counts) =>
      this.kernel.encodeCooccur(pass, c.rows, c.nnz, feature, { ...c, counts }),
    );
  }

  destroy(): void {
    for (const c of this.chunks) {
      c.rowPtr.destroy();
      c.col.destroy();
    }
    this.kernel.destroy();
  }
}
