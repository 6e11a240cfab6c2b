import type { DatasetSource, RawBlock } from './dataset.ts';
import { releaseBuffer } from './release.ts';

/** Rows `[start, start + count)` of a pass, undecoded. */
export interface RowChunk {
  start: number;
  count: number;
  blocks: RawBlock[];
}

/** Options of {@link readRanges} and {@link readAhead}. */
export interface ReadAheadOptions {
  /**
   * Free each chunk's buffers as soon as the next chunk is asked for (see `release.ts`), so a
   * pass over gigabytes holds two chunks, not whatever the collector has not reached yet. The
   * caller must then keep nothing that views a chunk's bytes after moving on.
   */
  release?: boolean;
}

/**
 * The row ranges `[start, count]` of `src`, in the order given, with the read of range i + 1
 * already started when range i is handed out. A `Blob` read is served by the browser's I/O
 * threads while this thread works on the previous chunk, so a pass costs about max(read, work)
 * instead of their sum. At most two chunks are held: the one handed out and the one in flight.
 */
export async function* readRanges(
  src: DatasetSource,
  ranges: Iterable<readonly [number, number]>,
  opts: ReadAheadOptions = {},
): AsyncGenerator<RowChunk, void, undefined> {
  const read = ([start, count]: readonly [number, number]): Promise<RowChunk> =>
    src.readBlocks(start, count).then((blocks) => ({ start, count, blocks }));
  const it = ranges[Symbol.iterator]();
  const take = () => {
    const r = it.next();
    return r.done ? undefined : read(r.value);
  };
  let next = take();
  let handedOut: RowChunk | undefined;
  try {
    while (next) {
      const chunk = await next;
      next = take();
      if (opts.release && handedOut) release(handedOut);
      handedOut = chunk;
      yield chunk;
    }
  } finally {
    // Stopped early (break, error, abort): the read in flight is not wanted; its failure must
    // not surface as an unhandled rejection.
    next?.catch(() => {});
    if (opts.release && handedOut) release(handedOut);
  }
}

/** All rows of `src` in order, `chunkRows` at a time, read one chunk ahead ({@link readRanges}). */
export function readAhead(
  src: DatasetSource,
  chunkRows: number,
  opts: ReadAheadOptions = {},
): AsyncGenerator<RowChunk, void, undefined> {
  const step = Math.max(1, Math.floor(chunkRows));
  function* ranges(): Generator<[number, number]> {
    for (let s = 0; s < src.rows; s += step) yield [s, Math.min(step, src.rows - s)];
  }
  return readRanges(src, ranges(), opts);
}

/** Frees the buffers of a chunk that fill them exactly (a read's own buffer, nobody else's). */
function release(chunk: RowChunk): void {
  for (const b of chunk.blocks) {
    const { raw } = b;
    if (raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength) releaseBuffer(raw.buffer);
  }
}
