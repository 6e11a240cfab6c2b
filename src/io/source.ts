import type { SequentialReader, SliceableBlob } from './blob-reader.ts';
import { openBlobReader } from './blob-reader.ts';
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
   * Optional: reads `into.length` bytes at `offset` into `into`'s own memory, allocating nothing
   * (see `blob-reader.ts` for why). `into`'s buffer may be transferred by the read (it then reads
   * as detached): use the returned view, which covers the same bytes of the same memory. Same
   * errors as `read`.
   */
  readInto?(offset: number, into: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional: a reader of `[offset, offset + length)` from start to end, for passes over a whole
   * file: one stream for the pass, read into the caller's buffers.
   */
  openReader?(offset: number, length: number): SequentialReader;
}

/** The part of `Blob` that {@link blobSource} uses; `File` and Node's `Blob` both satisfy it. */
export interface BlobLike extends SliceableBlob {
  readonly size: number;
  readonly name?: string;
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
 * `arrayBuffer()`, which would need the entire file in memory at once. `read` allocates
 * (`slice().arrayBuffer()`); `readInto` and `openReader` read byte streams straight into the
 * caller's buffers (`blob-reader.ts`).
 */
export function blobSource(blob: BlobLike, name = blob.name ?? 'file'): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      checkRange(name, blob.size, offset, length);
      if (length === 0) return new Uint8Array(0);
      const buf = await blob.slice(offset, offset + length).arrayBuffer();
      if (buf.byteLength !== length)
        fail(name, 'io/short-read', `file changed or truncated while reading at byte ${offset}`);
      return new Uint8Array(buf);
    },
    async readInto(offset, into) {
      checkRange(name, blob.size, offset, into.length);
      if (into.length === 0) return into;
      const r = openBlobReader(blob, offset, into.length, name);
      try {
        return await r.readInto(into);
      } finally {
        r.close();
      }
    },
    openReader(offset, length) {
      checkRange(name, blob.size, offset, length);
      return openBlobReader(blob, offset, length, name);
    },
  };
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
    openReader(offset, length) {
      checkRange(name, bytes.length, offset, length);
      return positionalReader(this, offset, length);
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
    openReader: src.openReader
      ? (o, length) => {
          checkRange(name, size, o, length);
          return src.openReader!(offset + o, length);
        }
      : undefined,
  };
}

/** A sequential reader made of `readInto` calls at advancing offsets. */
export function positionalReader(
  src: ByteSource,
  offset: number,
  length: number,
): SequentialReader {
  let at = offset;
  const end = offset + length;
  return {
    async readInto(into) {
      const n = into.length; // `into` may be detached by the read
      if (at + n > end)
        fail(src.name, 'io/short-read', `read past the end of bytes ${offset}..${end}`);
      const out = src.readInto
        ? await src.readInto(at, into)
        : (into.set(await src.read(at, n)), into);
      at += n;
      return out;
    },
    close() {},
  };
}
