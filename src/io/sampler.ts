/**
 * Training batches from a dataset of any size within a fixed memory budget.
 *
 * The rows are cut into blocks of consecutive rows. When all blocks fit in the budget they are
 * read once and kept (decoded float32), and each epoch is a shuffle of all rows. Otherwise each
 * epoch shuffles the order of the blocks and walks it a window at a time: a window is as many
 * blocks as the budget holds, read from the file (whole blocks, so reads stay large and nearly
 * sequential), and its rows are shuffled together. Every epoch still visits every row exactly
 * once; a batch mixes rows from all blocks of the window, which for real activations (files
 * ordered by document) decorrelates a batch almost as well as a full shuffle, at a fraction of
 * the memory. Memory held: the window buffer, allocated once, and two blocks as read from the
 * file (the one being decoded and the next in flight), each freed once decoded.
 */
import { createRng, type Rng, type RngState } from '../model/rng.ts';
import type { DatasetSource, RawBlock } from './dataset.ts';
import { decodeToFloat32 } from './dtype.ts';
import { fail } from './errors.ts';
import { readAhead, readRanges } from './read-ahead.ts';

/** Options of {@link RowSampler}. */
export interface SamplerOptions {
  /** Most bytes of decoded float32 rows to keep in memory (default 256 MiB). */
  memoryBytes?: number;
  /** Rows per block (default: 4 MiB of float32 rows, fewer if the budget holds < 4 blocks). */
  blockRows?: number;
  /** Seed of the shuffles; the same seed replays the same batches. */
  seed?: number;
  /** Continue where {@link RowSampler.save} was taken (same dataset, budget and block size). */
  from?: StreamCursor;
}

/**
 * Where a sampler is in its stream, small enough to travel with every batch and to sit in a
 * checkpoint: the epoch's block order, the window (index of its first block in that order), the
 * position in the window's shuffled rows, and the generator as it was just before that window's
 * rows were shuffled — so a restore re-reads the window and replays the same shuffle.
 */
export interface StreamCursor {
  blockOrder: Uint32Array;
  /** Index in `blockOrder` of the window's first block; -1 before the first window. */
  first: number;
  cursor: number;
  epoch: number;
  rng: RngState;
  /** The sampler's block size, checked on restore (a different size means other windows). */
  blockRows: number;
}

/**
 * An order-independent checksum of the rows one epoch served: the sum (mod 2^32) of a hash of
 * each row's float32 bit patterns (see {@link rowHash}). Equal to the same sum over the file's
 * rows as NumPy decodes them exactly when the epoch served every row once, unchanged.
 */
export interface EpochChecksum {
  epoch: number;
  rows: number;
  /** 8 hex digits. */
  checksum: string;
}

/**
 * A row's hash: h = Σ_i w_i·(2i + 1) over its float32 words w_i (mod 2^32), then mixed (the
 * murmur3 finaliser) so that sums of row hashes do not cancel the way sums of words would.
 * A few integer operations per value: cheap enough to run on every batch served.
 */
export function rowHash(words: Uint32Array, start: number, width: number): number {
  let h = 0;
  for (let i = 0; i < width; i++) h = (h + Math.imul(words[start + i], 2 * i + 1)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One batch: `data` is `[rows.length, width]`, row `i` being dataset row `rows[i]`. */
export interface SampledBatch {
  data: Float32Array;
  rows: Uint32Array;
  /** Epoch of the batch's first row (0-based). */
  epoch: number;
  /** Epochs completed while serving this batch, with their checksums. */
  completed: EpochChecksum[];
}

export const DEFAULT_SAMPLER_MEMORY = 256 << 20;

/** Batches without replacement within an epoch, from a window of shuffled blocks. */
export class RowSampler {
  /** Rows per block, blocks in the dataset and blocks per window. */
  readonly blockRows: number;
  readonly blocks: number;
  readonly windowBlocks: number;
  /** True when the whole dataset is held in memory (read once). */
  readonly inMemory: boolean;
  /** The epoch (0-based) that the rows being served belong to. */
  epoch = 0;
  /** Bytes read from the dataset so far (file bytes, not decoded float32). */
  bytesRead = 0;
  private rng: Rng;
  /** The generator just before the current window's rows were shuffled (see StreamCursor). */
  private windowRng: RngState;
  private blockOrder: Uint32Array;
  private restoreFrom: StreamCursor | undefined;
  /** Decoded rows of the window's blocks: window slot s holds block `blockOrder[first + s]`. */
  private window: Float32Array | undefined;
  /** Rows of the window, as window row indices, in the order they are served. */
  private order = new Uint32Array(0);
  private cursor = 0;
  /** The current epoch's rows served and checksum so far (restored streams start a new count). */
  private epochRows = 0;
  private epochSum = 0;
  private completed: EpochChecksum[] = [];
  /** Index in `blockOrder` of the window's first block; -1 before the first window. */
  private first = -1;

  constructor(
    private readonly src: DatasetSource,
    opts: SamplerOptions = {},
  ) {
    const { rows, width } = src;
    const rowBytes = width * 4;
    const budget = opts.memoryBytes ?? DEFAULT_SAMPLER_MEMORY;
    const name = src.describe().split(':')[0];
    if (rows === 0) fail(name, 'sampler/empty', 'the dataset has no rows');
    if (!(budget >= rowBytes))
      fail(name, 'sampler/budget', `a ${budget}-byte budget cannot hold one ${rowBytes}-byte row`);
    const budgetRows = Math.floor(budget / rowBytes);
    this.blockRows = Math.max(
      1,
      Math.min(
        opts.blockRows ?? Math.max(1, Math.floor((4 << 20) / rowBytes)),
        Math.ceil(budgetRows / 4), // several blocks per window, so a batch mixes blocks
        rows,
      ),
    );
    this.blocks = Math.ceil(rows / this.blockRows);
    // Held whole when the rows fit, whether or not whole blocks would (the last may be short).
    this.inMemory = rows <= budgetRows;
    this.windowBlocks = this.inMemory ? this.blocks : Math.floor(budgetRows / this.blockRows);
    this.rng = createRng(opts.seed ?? 0);
    this.windowRng = this.rng.snapshot();
    this.blockOrder = new Uint32Array(this.blocks).map((_, i) => i);
    const from = opts.from;
    if (from) {
      if (from.blockRows !== this.blockRows || from.blockOrder.length !== this.blocks)
        fail(
          name,
          'sampler/cursor',
          `the saved data cursor has ${from.blockOrder.length} blocks of ${from.blockRows} rows, ` +
            `this dataset and budget give ${this.blocks} of ${this.blockRows}`,
        );
      if (from.first >= this.blocks || from.first < -1)
        fail(name, 'sampler/cursor', `the saved window ${from.first} is outside the data`);
      this.restoreFrom = from;
    }
  }

  /** Where the stream is now: the next {@link next} of a sampler built with it serves the same rows. */
  save(): StreamCursor {
    const { first, cursor, epoch, blockRows } = this;
    return {
      blockOrder: Uint32Array.from(this.blockOrder),
      first,
      cursor,
      epoch,
      rng: this.first < 0 ? this.rng.snapshot() : this.windowRng,
      blockRows,
    };
  }

  /** Bytes of the window buffer (≤ the memory budget); 0 until the first batch. */
  get residentBytes(): number {
    return this.window?.byteLength ?? 0;
  }

  /** Reads the first window now (otherwise the first batch does), so batches start at once. */
  async prepare(): Promise<void> {
    if (this.restoreFrom) await this.restore(this.restoreFrom);
    if (this.first < 0) await this.advance();
  }

  /** Re-reads the saved window and replays its shuffle from the saved generator state. */
  private async restore(from: StreamCursor): Promise<void> {
    this.restoreFrom = undefined;
    this.blockOrder = Uint32Array.from(from.blockOrder);
    this.epoch = from.epoch;
    this.rng = createRng(0, from.rng);
    if (from.first < 0) return;
    await this.load(from.first);
    this.first = from.first;
    this.shuffleWindow(from.first);
    this.cursor = Math.min(from.cursor, this.order.length);
  }

  /**
   * The next `count` rows of the shuffled stream; crosses windows and epochs as needed. With
   * `into` (at least `count × width` values) the rows are written there and `data` views it, so
   * a trainer can reuse one staging buffer instead of allocating one per batch.
   */
  async next(count: number, into?: Float32Array): Promise<SampledBatch> {
    if (!Number.isSafeInteger(count) || count < 1)
      fail(this.src.describe().split(':')[0], 'sampler/batch', `invalid batch size ${count}`);
    const w = this.src.width;
    if (into && into.length < count * w)
      throw new RangeError(`a batch of ${count} rows needs ${count * w} values`);
    const data = into ? into.subarray(0, count * w) : new Float32Array(count * w);
    const rows = new Uint32Array(count);
    let epoch = -1;
    if (this.restoreFrom) await this.prepare();
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < count; i++) {
      if (this.cursor === this.order.length) await this.advance();
      if (epoch < 0) epoch = this.epoch;
      const k = this.order[this.cursor++];
      const slot = Math.floor(k / this.blockRows);
      rows[i] = this.blockOrder[this.first + slot] * this.blockRows + (k % this.blockRows);
      data.set(this.window!.subarray(k * w, (k + 1) * w), i * w);
      this.epochSum = (this.epochSum + rowHash(words, i * w, w)) >>> 0;
      this.epochRows++;
    }
    const completed = this.completed;
    this.completed = [];
    return { data, rows, epoch, completed };
  }

  /**
   * All rows in order, `chunkRows` at a time (an evaluation pass). In memory: views of the held
   * rows. Otherwise read from the file one chunk ahead and decoded into one reused buffer, so a
   * chunk's `data` is valid only until the next chunk is asked for.
   */
  async *inOrder(chunkRows: number): AsyncGenerator<{ start: number; data: Float32Array }> {
    const { rows, width } = this.src;
    const step = Math.max(1, Math.floor(chunkRows));
    if (this.inMemory) {
      if (!this.window) await this.advance();
      for (let s = 0; s < rows; s += step)
        yield {
          start: s,
          data: this.window!.subarray(s * width, Math.min(rows, s + step) * width),
        };
      return;
    }
    const out = new Float32Array(Math.min(step, rows) * width);
    for await (const c of readAhead(this.src, step, { release: true })) {
      this.decode(c.blocks, out);
      yield { start: c.start, data: out.subarray(0, c.count * width) };
    }
  }

  /** Decodes blocks of consecutive rows into `out`, counting the bytes read. */
  private decode(blocks: RawBlock[], out: Float32Array): void {
    let at = 0;
    for (const b of blocks) {
      this.bytesRead += b.raw.length;
      at += decodeToFloat32(b.raw, b.dtype, b.littleEndian, out.subarray(at)).length;
    }
  }

  /** Moves to the next window (a new epoch after the last), reading its blocks if needed. */
  private async advance(): Promise<void> {
    const started = this.first >= 0;
    let first = this.first + this.windowBlocks;
    if (!started) first = 0;
    else if (first >= this.blocks) {
      first = 0;
      const checksum = this.epochSum.toString(16).padStart(8, '0');
      this.completed.push({ epoch: this.epoch, rows: this.epochRows, checksum });
      this.epochSum = 0;
      this.epochRows = 0;
      this.epoch++;
    }
    // In memory, the blocks stay in file order (read once); otherwise each epoch reorders them.
    if (!this.inMemory && first === 0) this.shuffle(this.blockOrder);
    if (!this.inMemory || !started) await this.load(first);
    this.first = first;
    this.shuffleWindow(first);
  }

  /** This window's rows in a new shuffled order (the generator saved first: StreamCursor.rng). */
  private shuffleWindow(first: number): void {
    const n = this.windowRows(first);
    this.order = new Uint32Array(n);
    for (let slot = 0, i = 0; i < n; slot++) {
      const b = this.blockOrder[first + slot];
      const len = Math.min(this.blockRows, this.src.rows - b * this.blockRows);
      for (let j = 0; j < len; j++) this.order[i++] = slot * this.blockRows + j;
    }
    this.windowRng = this.rng.snapshot();
    this.shuffle(this.order);
    this.cursor = 0;
  }

  private windowRows(first: number): number {
    let n = 0;
    for (let s = first; s < Math.min(this.blocks, first + this.windowBlocks); s++)
      n += Math.min(this.blockRows, this.src.rows - this.blockOrder[s] * this.blockRows);
    return n;
  }

  /** Reads the window's blocks into the window buffer, the next block's read in flight. */
  private async load(first: number): Promise<void> {
    const { rows, width } = this.src;
    // In memory, block b sits at row b·blockRows: exactly the dataset. Otherwise a short last
    // block may land in any slot, so every slot gets a whole block's room.
    this.window ??= new Float32Array(
      (this.inMemory ? rows : this.windowBlocks * this.blockRows) * width,
    );
    const end = Math.min(this.blocks, first + this.windowBlocks);
    const ranges: [number, number][] = [];
    for (let s = first; s < end; s++) {
      const start = this.blockOrder[s] * this.blockRows;
      ranges.push([start, Math.min(this.blockRows, rows - start)]);
    }
    let slot = 0;
    for await (const c of readRanges(this.src, ranges, { release: true }))
      this.decode(c.blocks, this.window.subarray(slot++ * this.blockRows * width));
  }

  /** Fisher–Yates with the sampler's generator. */
  private shuffle(a: Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.uniform() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
