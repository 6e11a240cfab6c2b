import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { IoError } from '../../src/io/errors.ts';
import type { ByteSource } from '../../src/io/source.ts';
import { bytesSource } from '../../src/io/source.ts';

/** Absolute path of a file under test/fixtures/io. */
export const fixturePath = (...parts: string[]): string =>
  join(import.meta.dirname, '..', 'fixtures', 'io', ...parts);

/** A fixture as a ByteSource named like the file. */
export function fixture(...parts: string[]): ByteSource {
  return bytesSource(parts[parts.length - 1], new Uint8Array(readFileSync(fixturePath(...parts))));
}

/** Raw 32-bit patterns, for bit-exact float comparisons (NaN payloads and -0 included). */
export const bits = (a: Float32Array): Uint32Array =>
  new Uint32Array(a.buffer, a.byteOffset, a.length);

/** NumPy's expected float32 values, stored next to the fixture as `NAME.f32.bin`. */
export function expectedF32(...parts: string[]): Float32Array {
  const b = readFileSync(fixturePath(...parts));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Awaits `p` and checks it rejects with an IoError of `code` naming `file`; returns the error. */
export async function expectIoError(
  p: Promise<unknown>,
  code: string,
  file?: string,
): Promise<IoError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected IoError ${code}`).toBeInstanceOf(IoError);
  const io = err as IoError;
  expect(io.code, io.message).toBe(code);
  if (file !== undefined) {
    expect(io.file).toBe(file);
    expect(io.message.startsWith(`${file}: `)).toBe(true);
  }
  return io;
}

/** Wraps a source and records every read (`read`, `readInto`, `openReader`), to check what was read. */
export function spy(src: ByteSource): {
  src: ByteSource;
  reads: [number, number][];
  maxRead: () => number;
} {
  const reads: [number, number][] = [];
  return {
    reads,
    maxRead: () => Math.max(0, ...reads.map((r) => r[1])),
    src: {
      name: src.name,
      size: src.size,
      read(offset, length) {
        reads.push([offset, length]);
        return src.read(offset, length);
      },
      readInto: src.readInto
        ? (offset, into) => {
            reads.push([offset, into.length]);
            return src.readInto!(offset, into);
          }
        : undefined,
      openReader: src.openReader
        ? (offset, length) => {
            const r = src.openReader!(offset, length);
            let at = offset;
            return {
              readInto(into) {
                reads.push([at, into.length]);
                at += into.length;
                return r.readInto(into);
              },
              close: () => r.close(),
            };
          }
        : undefined,
    },
  };
}
