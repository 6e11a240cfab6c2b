import type { DatasetSource, RawBlock, RowPass } from './dataset.ts';

/** Rows `[start, start + count)` of a pass, undecoded. */
export interface RowChunk {
  start: number;
  count: number;
  blocks: RawBlock[];
}

/** Options of {@link readRanges} and {@link readAhead}. */
export interface ReadAheadOptions {
  /**
   * Read into two buffers allocated once and used in turn, instead of a new buffer per chunk:
   * then a chunk's bytes are valid only until the next chunk is asked for. Needs `maxRows`.
   */
  reuse?: boolean;
  /** The largest `count` among the ranges (sizes the reused buffers). */
  maxRows?: number;
  /**
   * Buffers to reuse across passes (with `reuse`): empty or too small ones are replaced, and
   * the array is updated in place when a read hands a buffer's memory back as a new object.
   */
  pool?: Uint8Array[];
}

/**
 * The row ranges `[start, count]` of `src`, in the order given (consecutive ones when read
 * through `pass`, which then is closed at the end), with the read of range i + 1
 * already started when range i is handed out. A `Blob` read is served by the browser's I/O
 * threads while this thread works on the previous chunk, so a pass costs about max(read, work)
 * instead of their sum. At most two chunks are held: the one handed out and the one in flight.
 */
export async function* readRanges(
  src: DatasetSource,
  ranges: Iterable<readonly [number, number]>,
  opts: ReadAheadOptions = {},
  pass?: RowPass,
): AsyncGenerator<RowChunk, void, undefined> {
  const size = opts.reuse ? (opts.maxRows ?? 0) * src.bytesPerRow : 0;
  // The reused buffers; a read that used one may hand back its memory as a new ArrayBuffer.
  const buffers: Uint8Array[] = opts.pool ?? [];
  for (let k = 0; k < 2 && size > 0; k++)
    if (!(buffers[k]?.length >= size)) buffers[k] = new Uint8Array(size);
  let turn = 0;
  const read = ([start, count]: readonly [number, number]): Promise<RowChunk> => {
    const k = turn++ % 2;
    const into = buffers[k];
    const reading = pass ? pass.next(count, into) : src.readBlocks(start, count, into);
    return reading.then((blocks) => {
      if (into && into.byteLength === 0) buffers[k] = new Uint8Array(blocks[0].raw.buffer);
      return { start, count, blocks };
    });
  };
  const it = ranges[Symbol.iterator]();
  const take = () => {
    const r = it.next();
    return r.done ? undefined : read(r.value);
  };
  let next = take();
  try {
    while (next) {
      const chunk = await next;
      next = take();
      yield chunk;
    }
  } finally {
    // Stopped early (break, error, abort): the read in flight is not wanted; its failure must
    // not surface as an unhandled rejection.
    next?.catch(() => {});
    pass?.close();
  }
}

/**
 * All rows of `src` in order, `chunkRows` at a time, read one chunk ahead ({@link readRanges}),
 * through one stream for the whole pass where the source can (`openPass`).
 */
export async function* readAhead(
  src: DatasetSource,
  chunkRows: number,
  opts: { reuse?: boolean } = {},
): AsyncGenerator<RowChunk, void, undefined> {
  const step = Math.max(1, Math.floor(chunkRows));
  if (src.rows === 0) return;
  function* ranges(): Generator<[number, number]> {
    for (let s = 0; s < src.rows; s += step) yield [s, Math.min(step, src.rows - s)];
  }
  const pass = src.openPass?.(0, src.rows);
  yield* readRanges(src, ranges(), { reuse: opts.reuse, maxRows: step }, pass);
}
