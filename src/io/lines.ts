import { fail } from './errors.ts';
import type { ByteSource } from './source.ts';

/**
 * Longest line accepted in a line-based token file (1 MiB). A token line is a few bytes; a longer
 * line means a wrong file (e.g. a one-line JSON dump), and refusing it keeps memory bounded
 * no matter how large the file is.
 */
export const MAX_LINE_BYTES = 1 << 20;

/** Bytes read per request while scanning lines. */
const CHUNK = 1 << 20;

/** A decoded line and its 1-based number in the file. */
export interface Line {
  line: number;
  text: string;
}

/**
 * Streams the lines of a UTF-8 text file: a leading BOM is dropped, `\r\n` and `\n` both end a
 * line, and a final line without newline is kept. Invalid UTF-8 and lines longer than
 * `maxLineBytes` are errors that name the line; memory stays within one chunk plus one line.
 */
export async function* readLines(
  src: ByteSource,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNo = 1;
  const finish = (bytes: Uint8Array): Line => {
    let b = bytes;
    if (lineNo === 1 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    if (b.length > 0 && b[b.length - 1] === 0x0d) b = b.subarray(0, -1);
    try {
      return { line: lineNo, text: decoder.decode(b) };
    } catch {
      return fail(src.name, 'tokens/bad-utf8', `line ${lineNo} is not valid UTF-8`);
    }
  };
  const join = (tail: Uint8Array): Uint8Array => {
    if (pending.length === 0) return tail;
    const out = new Uint8Array(pendingBytes + tail.length);
    let at = 0;
    for (const p of pending) {
      out.set(p, at);
      at += p.length;
    }
    out.set(tail, at);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  const tooLong = (): never =>
    fail(
      src.name,
      'tokens/line-too-long',
      `line ${lineNo} is longer than ${maxLineBytes} bytes; is this the right file?`,
    );
  for (let off = 0; off < src.size; off += CHUNK) {
    const chunk = await src.read(off, Math.min(CHUNK, src.size - off));
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      if (pendingBytes + nl - start > maxLineBytes + 1) tooLong();
      yield finish(join(chunk.subarray(start, nl)));
      lineNo++;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes + 1) tooLong(); // +1 allows the '\r' of CRLF
      pending.push(chunk.slice(start));
    }
  }
  if (pendingBytes > 0) yield finish(join(new Uint8Array(0)));
}
