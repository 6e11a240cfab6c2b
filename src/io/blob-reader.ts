/**
 * Sequential reads of a Blob range into the caller's memory: the range is read as a byte stream
 * with a BYOB ("bring your own buffer") reader, so no buffer is allocated per read.
 *
 * Why not `slice().arrayBuffer()` per chunk: each call allocates a new buffer, and over a pass of
 * gigabytes Chromium's collector lags far behind (a 2 GiB pass peaked at ~400 MiB of dead
 * buffers on a busy machine, measured). Why one stream per pass rather than one per chunk: a
 * long stream lets the browser read ahead (~2× the throughput of per-chunk streams, measured),
 * and each Blob stream holds browser resources until the collector frees it — thousands of
 * short-lived streams with little other allocation stalled Chromium 156 in a test loop.
 */
import { fail } from './errors.ts';

/** The next bytes of a range, in order. */
export interface SequentialReader {
  /**
   * Reads the next `into.length` bytes into `into`'s memory. `into`'s buffer may be transferred
   * to the stream and back (the old view then reads as detached): use the returned view, which
   * covers the same bytes of the same memory. Throws `io/short-read` if the data ends early.
   */
  readInto(into: Uint8Array): Promise<Uint8Array>;
  /** Releases the stream (also when stopping early). */
  close(): void;
}

/** The part of `Blob` used here; `File` and Node's `Blob` both satisfy it. */
export interface SliceableBlob {
  slice(
    start: number,
    end: number,
  ): {
    arrayBuffer(): Promise<ArrayBuffer>;
    stream?(): ReadableStream<Uint8Array>;
  };
}

/**
 * A reader of `blob` bytes `[offset, offset + length)` (already range-checked by the caller).
 * Where a Blob's stream has no BYOB reader, each read falls back to `slice().arrayBuffer()` and
 * a copy.
 */
export function openBlobReader(
  blob: SliceableBlob,
  offset: number,
  length: number,
  name: string,
): SequentialReader {
  let at = offset;
  const end = offset + length;
  const truncated = (where: number): never =>
    fail(name, 'io/short-read', `file changed or truncated while reading at byte ${where}`);
  const stream = length > 0 ? blob.slice(offset, end).stream?.() : undefined;
  const reader = byobReader(stream);
  if (!reader) {
    return {
      async readInto(into) {
        if (at + into.length > end) truncated(end);
        const buf = await blob.slice(at, at + into.length).arrayBuffer();
        if (buf.byteLength !== into.length) truncated(at + buf.byteLength);
        into.set(new Uint8Array(buf));
        at += into.length;
        return into;
      },
      close() {},
    };
  }
  return {
    async readInto(into) {
      let buffer = into.buffer;
      const base = into.byteOffset;
      const n = into.length;
      let filled = 0;
      while (filled < n) {
        const { value, done } = await reader.read(
          new Uint8Array(buffer, base + filled, n - filled),
        );
        // The buffer comes back in `value` even when the stream is done.
        if (value) buffer = value.buffer;
        if (done || !value) return truncated(at + filled);
        filled += value.length;
      }
      at += n;
      return new Uint8Array(buffer, base, n);
    },
    close() {
      reader.cancel().catch(() => {});
    },
  };
}

/** A BYOB reader of `stream`, or undefined when it is absent or not a byte stream. */
function byobReader(
  stream: ReadableStream<Uint8Array> | undefined,
): ReadableStreamBYOBReader | undefined {
  if (!stream) return undefined;
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    stream.cancel().catch(() => {});
    return undefined;
  }
}
