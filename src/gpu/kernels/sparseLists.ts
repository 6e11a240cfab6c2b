/**
 * Sparse lists of a [B, F] matrix of codes (or of the union of the supports of two such
 * matrices, e.g. f and ∂pre), built on the GPU so that later products cost O(active · D)
 * instead of O(F · D):
 *  - CSR (shaders/sparse-compact.wgsl + scan.wgsl): rowPtr [B + 1], col / valA / valB [capacity],
 *    entries of a row sorted by column.
 *  - CSC (shaders/sparse-transpose.wgsl + scan.wgsl), from the CSR by a stable counting sort:
 *    colPtr [F + 1], cscRow / cscEntry [capacity] (the row b and the CSR entry index e of each
 *    entry, rows ascending within a feature; values are read through e from valA / valB).
 *
 * Overflow: `capacity` is the most entries the lists hold (e.g. B·cap for an expected cap per row).
 * `status` = [total active, stored = min(total, capacity), overflow 0/1, max active in a row].
 * On overflow the lists are truncated consistently (rows past the capacity lose entries, no
 * write goes out of bounds) and the products built on them are wrong: the host must read
 * status[2] (pipelined, a few steps late is fine if it then re-runs or keeps the dense path)
 * and fall back to the dense GEMMs.
 */
import compactCode from '../../../shaders/sparse-compact.wgsl?raw';
import transposeCode from '../../../shaders/sparse-transpose.wgsl?raw';
import { createBuffer } from '../buffers';
import { parseUniformLayout } from '../uniforms';
import type { Buf, KernelContext } from './context';
import { RowKernelBase, type EntryPoint } from './rowKernel';
import { ExclusiveScan } from './scan';

const COMPACT = parseUniformLayout(compactCode, 'Params');
const TRANSPOSE = parseUniformLayout(transposeCode, 'Params');
/**
 * Threads of the transpose kernels, which stride over the entries of one row (colScatter) or one
 * row block (colCount). Rows hold tens to a few hundred entries; 64 threads measured 2× faster
 * than 256 for the CSC build on SwiftShader at (D, F, rows) = (128, 1024, 256), k ∈ {8, 128}
 * (fewer idle threads at each per-row barrier).
 */
const WG = 64;

/**
 * Threads per row of the compaction: about 16 columns each (a power of two in [32, 256]). Fewer
 * threads means fewer barrier rounds in the row scan, which matters on small F (and a lot on
 * CPU-emulated WebGPU); large F saturates at 256.
 */
export function compactWorkgroupSize(F: number): number {
  let wg = 32;
  while (wg < 256 && wg * 16 < F) wg *= 2;
  return wg;
}

export interface SparseShape {
  B: number;
  F: number;
  /** Most list entries held (CSR and CSC alike). */
  capacity: number;
  /** Rows per block of the counting sort; nb = ⌈B / R⌉ blocks, scan length nb·F. */
  rowsPerBlock?: number;
}

/** Default block height: at most 16 blocks, so the CSC scan runs over ≤ 16·F counts. */
export function defaultRowsPerBlock(B: number): number {
  return Math.max(16, Math.ceil(B / 16));
}

/** GPU buffers of one set of sparse lists (all u32 except the value arrays). */
export interface SparseListBuffers {
  B: number;
  F: number;
  capacity: number;
  rowsPerBlock: number;
  nBlocks: number;
  /** [B] active entries per row (before clamping). */
  count: GPUBuffer;
  /** [B, compactWorkgroupSize(F)] per-thread offsets within a row, from rowCount to rowScatter. */
  chunkOffset: GPUBuffer;
  rowPtr: GPUBuffer;
  col: GPUBuffer;
  valA: GPUBuffer;
  valB: GPUBuffer;
  /** [4] CSR status (see above). */
  status: GPUBuffer;
  /** [F·nb] atomic counters; zero between builds (the scan clears them). */
  colCounts: GPUBuffer;
  /** [F·nb] scatter cursors. */
  colCursor: GPUBuffer;
  colPtr: GPUBuffer;
  cscRow: GPUBuffer;
  cscEntry: GPUBuffer;
  /** [4] CSC status: the same total as the CSR's stored count. */
  cscStatus: GPUBuffer;
  destroy(): void;
}

export function createSparseListBuffers(
  device: GPUDevice,
  shape: SparseShape & { twoValues?: boolean },
  label = 'Sparse',
): SparseListBuffers {
  const { B, F, capacity } = shape;
  const rowsPerBlock = shape.rowsPerBlock ?? defaultRowsPerBlock(B);
  const nBlocks = Math.ceil(B / rowsPerBlock);
  const all: GPUBuffer[] = [];
  const mk = (name: string, n: number) => {
    const b = createBuffer(device, `${label}.${name}`, Math.max(n, 4) * 4);
    all.push(b);
    return b;
  };
  return {
    B,
    F,
    capacity,
    rowsPerBlock,
    nBlocks,
    count: mk('count', B),
    chunkOffset: mk('chunkOffset', B * compactWorkgroupSize(F)),
    rowPtr: mk('rowPtr', B + 1),
    col: mk('col', capacity),
    valA: mk('valA', capacity),
    valB: mk('valB', shape.twoValues ? capacity : 4),
    status: mk('status', 4),
    colCounts: mk('colCounts', F * nBlocks),
    colCursor: mk('colCursor', F * nBlocks),
    colPtr: mk('colPtr', F + 1),
    cscRow: mk('cscRow', capacity),
    cscEntry: mk('cscEntry', capacity),
    cscStatus: mk('cscStatus', 4),
    destroy: () => all.forEach((b) => b.destroy()),
  };
}

/** Dense [B, F] → CSR (three dispatches: rowCount, scan, rowScatter). */
export class SparseCompact extends RowKernelBase {
  /**
   * Bound as valB with a single matrix: ctx.empty is already bound read-only as b, and one
   * buffer may not be both read-only and writable in the same dispatch.
   */
  private readonly unusedValB: GPUBuffer;

  private constructor(
    ctx: KernelContext,
    private readonly count: EntryPoint,
    private readonly scatter: EntryPoint,
    private readonly scan: ExclusiveScan,
    readonly shape: SparseShape,
    readonly twoValues: boolean,
    label: string,
  ) {
    super(ctx, COMPACT, label, shape.B);
    this.uniform.write({ B: shape.B, F: shape.F, gridX: this.rowGrid[0] });
    this.unusedValB = createBuffer(ctx.device, `${label}.unusedValB`, 16);
  }

  /** @param twoValues active where a ≠ 0 or b ≠ 0, gathering both (valA, valB). */
  static async create(
    ctx: KernelContext,
    o: SparseShape & { twoValues?: boolean; label?: string },
  ): Promise<SparseCompact> {
    const label = o.label ?? 'SparseCompact';
    const constants = { WG: compactWorkgroupSize(o.F), HAS_B: o.twoValues ? 1 : 0 };
    const entry = (name: string) =>
      RowKernelBase.entry(ctx, 'SparseCompact', compactCode, name, constants, label);
    const [count, scatter, scan] = await Promise.all([
      entry('rowCount'),
      entry('rowScatter'),
      ExclusiveScan.create(ctx, {
        n: o.B,
        stride: 1,
        capacity: o.capacity,
        writeOffsets: false,
        clear: false,
        label: `${label}.scan`,
      }),
    ]);
    return new SparseCompact(ctx, count, scatter, scan, o, !!o.twoValues, label);
  }

  /** a (and b) [B, F] → lists.count, rowPtr, col, valA (valB), status. */
  encode(pass: GPUComputePassEncoder, a: Buf, lists: SparseListBuffers, b?: Buf): void {
    if (this.twoValues !== !!b) throw new Error(`${this.label}: second matrix mismatch`);
    const second = b ?? this.ctx.empty;
    const chunkOffset = lists.chunkOffset;
    this.run(pass, this.count, { 1: a, 2: second, 3: lists.count, 8: chunkOffset }, this.rowGrid);
    this.scan.encode(pass, { counts: lists.count, ptr: lists.rowPtr, status: lists.status });
    const valB = this.twoValues ? lists.valB : this.unusedValB;
    this.run(
      pass,
      this.scatter,
      { 1: a, 2: second, 4: lists.rowPtr, 5: lists.col, 6: lists.valA, 7: valB, 8: chunkOffset },
      this.rowGrid,
    );
  }

  destroy(): void {
    super.destroy();
    this.scan.destroy();
    this.unusedValB.destroy();
  }
}

/** CSR → CSC by a stable counting sort (three dispatches: colCount, scan, colScatter). */
export class SparseTranspose extends RowKernelBase {
  readonly nBlocks: number;

  private constructor(
    ctx: KernelContext,
    private readonly count: EntryPoint,
    private readonly scatter: EntryPoint,
    private readonly scan: ExclusiveScan,
    readonly shape: SparseShape,
    label: string,
  ) {
    super(ctx, TRANSPOSE, label, 1);
    const rowsPerBlock = shape.rowsPerBlock ?? defaultRowsPerBlock(shape.B);
    this.nBlocks = Math.ceil(shape.B / rowsPerBlock);
    this.uniform.write({ B: shape.B, rowsPerBlock, nBlocks: this.nBlocks });
  }

  static async create(
    ctx: KernelContext,
    o: SparseShape & { label?: string },
  ): Promise<SparseTranspose> {
    const label = o.label ?? 'SparseTranspose';
    const nBlocks = Math.ceil(o.B / (o.rowsPerBlock ?? defaultRowsPerBlock(o.B)));
    const entry = (name: string) =>
      RowKernelBase.entry(ctx, 'SparseTranspose', transposeCode, name, { WG }, label);
    const [count, scatter, scan] = await Promise.all([
      entry('colCount'),
      entry('colScatter'),
      ExclusiveScan.create(ctx, {
        n: o.F * nBlocks,
        stride: nBlocks,
        capacity: o.capacity,
        writeOffsets: true,
        clear: true,
        label: `${label}.scan`,
      }),
    ]);
    return new SparseTranspose(ctx, count, scatter, scan, o, label);
  }

  /** lists.rowPtr, col → lists.colPtr, cscRow, cscEntry, cscStatus. */
  encode(pass: GPUComputePassEncoder, lists: SparseListBuffers): void {
    if (lists.nBlocks !== this.nBlocks) throw new Error(`${this.label}: block count mismatch`);
    const grid = [this.nBlocks, 1] as const;
    this.run(pass, this.count, { 1: lists.rowPtr, 2: lists.col, 3: lists.colCounts }, grid);
    this.scan.encode(pass, {
      counts: lists.colCounts,
      offsets: lists.colCursor,
      ptr: lists.colPtr,
      status: lists.cscStatus,
    });
    this.run(
      pass,
      this.scatter,
      {
        1: lists.rowPtr,
        2: lists.col,
        4: lists.colCursor,
        5: lists.cscRow,
        6: lists.cscEntry,
      },
      grid,
    );
  }

  destroy(): void {
    super.destroy();
    this.scan.destroy();
  }
}
