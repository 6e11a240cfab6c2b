/**
 * Training batches from rows held in memory: each epoch visits every row once in a seeded
 * shuffled order (Fisher–Yates), and a batch is a copy of `batchSize` consecutive rows of that
 * order. Deterministic for a seed, so a run can be replayed; {@link BatchSampler.save} captures
 * the order, cursor and generator so a checkpoint continues the very same sequence of batches.
 */
import { createRng, type Rng, type RngState } from '../model/rng';

/**
 * Everything a sampler needs to continue where it was (a checkpoint's data cursor). Rows in
 * memory: `order` is the epoch's shuffled row order and `cursor` the next batch's first row in
 * it. Rows streamed from disk (`window` set): `order` is the epoch's block order, `cursor` the
 * position in the window's shuffled rows, and `rng` the generator before that shuffle (the
 * io layer's `StreamCursor`).
 */
export interface SamplerState {
  order: Uint32Array;
  cursor: number;
  epoch: number;
  rng: RngState;
  window?: { first: number; blockRows: number };
}

export class BatchSampler {
  private order: Uint32Array;
  private cursor = 0;
  private readonly rng: Rng;
  epoch = 0;

  constructor(
    private readonly x: Float32Array,
    readonly rows: number,
    readonly D: number,
    readonly batchSize: number,
    seed: number,
    from?: SamplerState,
  ) {
    if (batchSize > rows) throw new Error(`batch size ${batchSize} exceeds the ${rows} rows`);
    if (from) {
      if (from.order.length !== rows)
        throw new Error(`saved row order has ${from.order.length} rows, the data ${rows}`);
      if (!(from.cursor >= 0 && from.cursor <= rows))
        throw new Error(`saved data cursor ${from.cursor} is outside [0, ${rows}]`);
      this.rng = createRng(seed, from.rng);
      this.order = Uint32Array.from(from.order);
      this.cursor = from.cursor;
      this.epoch = from.epoch;
      return;
    }
    this.rng = createRng(seed);
    this.order = new Uint32Array(rows).map((_, i) => i);
    this.shuffle();
  }

  private shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.uniform() * (i + 1));
      const t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
  }

  /** The next batch [batchSize, D]; starts a new shuffled epoch when too few rows remain. */
  next(): Float32Array {
    if (this.cursor + this.batchSize > this.rows) {
      this.shuffle();
      this.cursor = 0;
      this.epoch++;
    }
    const { D } = this;
    const out = new Float32Array(this.batchSize * D);
    for (let i = 0; i < this.batchSize; i++) {
      const r = this.order[this.cursor + i];
      out.set(this.x.subarray(r * D, (r + 1) * D), i * D);
    }
    this.cursor += this.batchSize;
    return out;
  }

  /** A copy of the state (the next {@link next} of a sampler built from it returns the same batch). */
  save(): SamplerState {
    const { cursor, epoch } = this;
    return { order: Uint32Array.from(this.order), cursor, epoch, rng: this.rng.snapshot() };
  }
}

/** norm_factor = sqrt(mean ‖x‖²) over the given rows (spec §2: uncentred). */
export function normFactorOf(x: Float32Array, rows: number, D: number): number {
  let s = 0;
  for (let i = 0; i < rows * D; i++) s += x[i] * x[i];
  return Math.sqrt(s / rows) || 1;
}
