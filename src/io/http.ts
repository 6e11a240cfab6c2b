import { fail, IoError } from './errors.ts';
import { blobSource, checkRange, type ByteSource } from './source.ts';

/** The total size in a `Content-Range: bytes a-b/total` header, or NaN. */
function totalOf(contentRange: string | null): number {
  const m = /\/(\d+)\s*$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : NaN;
}

async function request(name: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    return fail(name, 'io/unreadable', `cannot be read (${(e as Error).message})`, e);
  }
}

/** The server's one-line reason for an error status, for the message. */
async function refusal(name: string, res: Response): Promise<never> {
  const text = (await res.text().catch(() => '')).split('\n')[0].slice(0, 200);
  if (res.status === 404) fail(name, 'io/missing', `not found${text ? ` (${text})` : ''}`);
  return fail(name, 'io/unreadable', `cannot be read: HTTP ${res.status}${text ? ` ${text}` : ''}`);
}

/**
 * A {@link ByteSource} over a file served by HTTP with byte ranges (`softsae`'s own server,
 * scripts/cli-server.mjs). The size comes from a HEAD request; every `read` is one
 * `Range: bytes=a-b` GET of exactly that slice, so no request ever asks for the whole file.
 *
 * Each answer is checked: status 206, the file's total size unchanged (`io/changed` otherwise),
 * and exactly `length` bytes (`io/short-read` otherwise). Errors name the file as `name`.
 */
export async function httpSource(url: string, name: string): Promise<ByteSource> {
  const head = await request(name, url, { method: 'HEAD', cache: 'no-store' });
  if (!head.ok) await refusal(name, head);
  const size = Number(head.headers.get('Content-Length'));
  if (!Number.isSafeInteger(size) || size < 0)
    fail(name, 'io/unreadable', 'the server did not say how large the file is');
  return {
    name,
    size,
    async read(offset, length) {
      checkRange(name, size, offset, length);
      if (length === 0) return new Uint8Array(0);
      const res = await request(name, url, {
        headers: { Range: `bytes=${offset}-${offset + length - 1}` },
        cache: 'no-store',
      });
      if (
        res.status === 416 ||
        (res.status === 206 && totalOf(res.headers.get('Content-Range')) !== size)
      ) {
        const now = totalOf(res.headers.get('Content-Range'));
        await res.body?.cancel();
        fail(
          name,
          'io/changed',
          `the file changed while being read: it was ${size} bytes, now ${Number.isNaN(now) ? 'a different size' : now}; ` +
            'start again with the file left unchanged',
        );
      }
      if (res.status !== 206) {
        if (res.ok) {
          // A 200 would be the whole file: refuse it unread.
          await res.body?.cancel();
          fail(name, 'io/unreadable', `the server ignored the byte range (HTTP ${res.status})`);
        }
        await refusal(name, res);
      }
      let buf: ArrayBuffer;
      try {
        buf = await res.arrayBuffer();
      } catch (e) {
        if (e instanceof IoError) throw e;
        fail(name, 'io/short-read', `file changed or truncated while reading at byte ${offset}`, e);
      }
      if (buf.byteLength !== length)
        fail(
          name,
          'io/short-read',
          `file changed or truncated while reading at byte ${offset}: got ${buf.byteLength} of ${length} bytes`,
        );
      return new Uint8Array(buf);
    },
  };
}

/**
 * A file served by the command line's HTTP server instead of picked in the browser: its URL and
 * the name messages use. Structured-cloneable, so it travels to the ingestion worker like a File.
 */
export interface RemoteFile {
  readonly url: string;
  readonly name: string;
  /** Bytes, as the server reported when the command started (progress totals). */
  readonly size: number;
}

/** A file the app reads: picked by the user (File), or served over HTTP (the command line). */
export type InputFile = File | RemoteFile;

/** The {@link ByteSource} of either kind of input. */
export async function inputSource(f: InputFile): Promise<ByteSource> {
  return 'url' in f ? httpSource(f.url, f.name) : blobSource(f);
}
