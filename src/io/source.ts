import { fail } from './errors.ts';

/**
 * Random-access bytes of one file. Everything in `src/io` reads through this, in slices, so a file
 * far larger than memory can be opened: only the header and the rows asked for are ever read.
 */
export interface ByteSource {
  /** The file name shown in messages. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /**
   * Reads exactly `length` bytes at `offset`. Throws `IoError` (`io/short-read`) when the range is
   * not inside the file, so callers never silently decode a short buffer.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads `into.length` bytes at `offset` into `into`'s own memory, allocating nothing.
   * A pass over a file of gigabytes through `read` leaves a fresh buffer of garbage per chunk,
   * and the collector can lag far behind (hundreds of MiB in Chromium on a busy machine,
   * measured); reading into the same two buffers keeps the heap flat. `into`'s buffer may be
   * transferred by the read (it then reads as detached): use the returned view, which covers
   * the same bytes of the same memory. Same errors as `read`.
   */
  readInto?(offset: number, into: Uint8Array): Promise<Uint8Array>;
}

/** The part of `Blob` that {@link blobSource} uses; `File` and Node's `Blob` both satisfy it. */
export interface BlobLike {
  readonly size: number;
  readonly name?: string;
  slice(
    start: number,
    end: number,
  ): {
    arrayBuffer(): Promise<ArrayBuffer>;
    stream?(): ReadableStream<Uint8Array>;
  };
}

function checkRange(name: string, size: number, offset: number, length: number): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > size
  ) {
    fail(
      name,
      'io/short-read',
      `file truncated: needed bytes ${offset}..${offset + length} of ${size}`,
    );
  }
}

/**
 * A source over a `Blob`/`File`. Reads use `blob.slice(a, b)` — never the whole file's
 * `arrayBuffer()`, which would need the entire file in memory at once. `readInto` reads the slice
 * as a byte stream with a BYOB reader, straight into the caller's buffer (Chromium, Firefox,
 * Node); where a Blob's stream has no BYOB reader it falls back to `arrayBuffer()` and a copy.
 */
export function blobSource(blob: BlobLike, name = blob.name ?? 'file'): ByteSource {
  const truncated = (offset: number): never =>
    fail(name, 'io/short-read', `file changed or truncated while reading at byte ${offset}`);
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      checkRange(name, blob.size, offset, length);
      if (length === 0) return new Uint8Array(0);
      const buf = await blob.slice(offset, offset + length).arrayBuffer();
      if (buf.byteLength !== length) truncated(offset);
      return new Uint8Array(buf);
    },
    async readInto(offset, into) {
      const length = into.length;
      checkRange(name, blob.size, offset, length);
      if (length === 0) return into;
      const part = blob.slice(offset, offset + length);
      const reader = byobReader(part.stream?.());
      if (!reader) {
        const buf = await part.arrayBuffer();
        if (buf.byteLength !== length) truncated(offset);
        into.set(new Uint8Array(buf));
        return into;
      }
      // Each read transfers the buffer to the stream and back; keep following it.
      let buffer = into.buffer;
      const at = into.byteOffset;
      let filled = 0;
      try {
        while (filled < length) {
          const { value, done } = await reader.read(
            new Uint8Array(buffer, at + filled, length - filled),
          );
          if (value) buffer = value.buffer;
          if (done || !value) break;
          filled += value.length;
        }
      } finally {
        reader.releaseLock();
      }
      if (filled !== length) truncated(offset + filled);
      return new Uint8Array(buffer, at, length);
    },
  };
}

/** A BYOB reader of `stream`, or undefined when it is not a byte stream. */
function byobReader(
  stream: ReadableStream<Uint8Array> | undefined,
): ReadableStreamBYOBReader | undefined {
  if (!stream) return undefined;
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    void stream.cancel();
    return undefined;
  }
}

/** A source over bytes already in memory (tests, inflated archive members). */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.length,
    read(offset, length) {
      try {
        checkRange(name, bytes.length, offset, length);
      } catch (e) {
        return Promise.reject(e);
      }
      // A copy, so callers may keep or modify it without aliasing the file.
      return Promise.resolve(bytes.slice(offset, offset + length));
    },
    readInto(offset, into) {
      try {
        checkRange(name, bytes.length, offset, into.length);
      } catch (e) {
        return Promise.reject(e);
      }
      into.set(bytes.subarray(offset, offset + into.length));
      return Promise.resolve(into);
    },
  };
}

/** A window `[offset, offset + size)` of another source, e.g. a stored member of a zip archive. */
export function subSource(src: ByteSource, offset: number, size: number, name: string): ByteSource {
  checkRange(src.name, src.size, offset, size);
  return {
    name,
    size,
    async read(o, length) {
      checkRange(name, size, o, length);
      return src.read(offset + o, length);
    },
    readInto: src.readInto
      ? async (o, into) => {
          checkRange(name, size, o, into.length);
          return src.readInto!(offset + o, into);
        }
      : undefined,
  };
}
