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
}

/** The part of `Blob` that {@link blobSource} uses; `File` and Node's `Blob` both satisfy it. */
export interface BlobLike {
  readonly size: number;
  readonly name?: string;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Refuses a read outside `[0, size)` (`io/short-read`), before any bytes are asked for. */
export function checkRange(name: string, size: number, offset: number, length: number): void {
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
 * A source over a `Blob`/`File`. Reads use `blob.slice(a, b).arrayBuffer()` — never the whole
 * file's `arrayBuffer()`, which would need the entire file in memory at once.
 */
export function blobSource(blob: BlobLike, name = blob.name ?? 'file'): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      checkRange(name, blob.size, offset, length);
      if (length === 0) return new Uint8Array(0);
      let buf: ArrayBuffer;
      try {
        buf = await blob.slice(offset, offset + length).arrayBuffer();
      } catch (e) {
        // Chromium's NotReadableError / NotFoundError when the file on disk changed or went away
        // after it was picked: the raw text ("The requested file could not be read…") is not
        // something a user can act on, so say what happened and what to do.
        const why = e instanceof Error ? e.name : String(e);
        fail(
          name,
          'io/unreadable',
          `the file can no longer be read at byte ${offset} (${why}): it was changed, moved or ` +
            'deleted after it was picked, or the disk is gone. Pick the file again to continue.',
          e,
        );
      }
      if (buf.byteLength !== length) {
        fail(name, 'io/short-read', `file changed or truncated while reading at byte ${offset}`);
      }
      return new Uint8Array(buf);
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
  };
}
