import type { DatasetSource, RawBlock } from './dataset.ts';
import { fail } from './errors.ts';

/** One chunk of a sequential pass: rows `[start, start + count)`, undecoded. */
export interface RowChunk {
  start: number;
  count: number;
  blocks: RawBlock[];
}

/** Options of {@link readAhead}. */
export interface ReadAheadOptions {
  /** First row (default 0) and end row (exclusive, default all rows). */
  start?: number;
  end?: number;
  /** Aborting rejects with `IoError` code `io/aborted` before the next chunk is handed out. */
  signal?: AbortSignal;
}

/**
 * The rows of `src` in order, `chunkRows` at a time, with the read of chunk i + 1 already started
 * when chunk i is handed out. A `Blob` read is served by the browser's I/O threads while this
 * thread decodes the previous chunk, so a pass costs about max(read, decode) instead of their sum.
 * At most two chunks are held (the one being processed and the one in flight).
 */
export async function* readAhead(
  src: DatasetSource,
  chunkRows: number,
  opts: ReadAheadOptions = {},
): AsyncGenerator<RowChunk, void, undefined> {
  const end = opts.end ?? src.rows;
  const step = Math.max(1, Math.floor(chunkRows));
  const read = (start: number): Promise<RowChunk> => {
    const count = Math.min(step, end - start);
    return src.readBlocks(start, count).then((blocks) => ({ start, count, blocks }));
  };
  let start = opts.start ?? 0;
  let next = start < end ? read(start) : undefined;
  try {
    while (next) {
      const chunk = await next;
      start += chunk.count;
      next = start < end ? read(start) : undefined;
      if (opts.signal?.aborted) fail(src.describe(), 'io/aborted', 'reading cancelled');
      yield chunk;
    }
  } finally {
    // Stopped early (break, error, abort): the read in flight is not wanted; its failure must
    // not surface as an unhandled rejection.
    next?.catch(() => {});
  }
}
