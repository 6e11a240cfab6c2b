// The HTTP server behind `softsae train` / `softsae eval`, on 127.0.0.1 for the length of one
// command. It serves the prebuilt page (dist-cli/) and the user's files:
//   HEAD /__cli/in/<name>            the file's size (Content-Length), Accept-Ranges: bytes
//   GET  /__cli/in/<name>            Range: bytes=a-b → 206 with exactly bytes a..b, read from disk
//   POST /__cli/out/<name>           the request body streamed to the output file
//   DELETE /__cli/out/<name>         removes that output file (a pruned checkpoint generation)
// Inputs are never read whole: each request opens the file, checks its size now, and streams the
// asked range with fs streams (start/end), so a file of any size is served in bounded memory.
// Outputs go to `<path>.partial` first and are renamed when the body is complete.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/**
 * Parses one `Range: bytes=…` header against a file of `size` bytes: `{ start, end }` (inclusive),
 * `null` when there is no usable header (serve the whole file), or `'unsatisfiable'`.
 * Only a single range is supported; several ranges are answered as unsatisfiable.
 * @param {string | undefined} header
 * @param {number} size
 */
export function parseRange(header, size) {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'unsatisfiable';
  if (m[1] === '') {
    // A suffix: the last n bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * The path of `name` in `files`: an exact entry, or a folder entry `prefix/*` → folder, for a
 * name `prefix/<file>` whose file part is a plain file name (no separators, no `..`).
 * @param {Map<string, string>} files
 * @param {string | null} name
 */
function lookup(files, name) {
  if (name === null) return undefined;
  const exact = files.get(name);
  if (exact !== undefined) return exact;
  const slash = name.lastIndexOf('/');
  const folder = slash > 0 ? files.get(`${name.slice(0, slash)}/*`) : undefined;
  const file = name.slice(slash + 1);
  return folder !== undefined && /^[\w][\w.-]*$/.test(file) ? join(folder, file) : undefined;
}

const nameOf = (pathname, prefix) => {
  try {
    return decodeURIComponent(pathname.slice(prefix.length));
  } catch {
    return null;
  }
};

function plain(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/** Why a file cannot be served, in words for the page's error message. */
function reason(e) {
  if (e?.code === 'ENOENT') return 'no such file (it was moved or deleted)';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a directory';
  return e?.message ?? String(e);
}

/** HEAD and ranged GET of one input file. */
async function serveInput(req, res, path) {
  let fh;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (!st.isFile()) return plain(res, 403, 'not a regular file');
    const size = st.size;
    const range = parseRange(req.headers.range, size);
    const base = { 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    if (range === 'unsatisfiable') {
      return plain(res, 416, `range not inside the file of ${size} bytes`, {
        'Content-Range': `bytes */${size}`,
      });
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const length = size === 0 ? 0 : end - start + 1;
    res.writeHead(range ? 206 : 200, {
      ...base,
      'Content-Length': String(length),
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD' || length === 0) return res.end();
    // The stream owns the handle from here (autoClose) and reads exactly [start, end].
    const stream = fh.createReadStream({ start, end });
    fh = undefined;
    await pipeline(stream, res);
  } catch (e) {
    // After the headers a failure can only cut the body short; the page sees a short read.
    if (!res.headersSent) plain(res, e?.code === 'ENOENT' ? 404 : 500, reason(e));
    else res.destroy();
  } finally {
    await fh?.close();
  }
}

/** The request body streamed to `path` (through `path.partial`, renamed when complete). */
async function receiveOutput(req, res, path, onWrote) {
  const partial = `${path}.partial`;
  try {
    await pipeline(req, createWriteStream(partial));
    await rename(partial, path);
    onWrote?.(path);
    res.writeHead(204).end();
  } catch (e) {
    await rm(partial, { force: true });
    if (!res.headersSent) plain(res, 500, `cannot write ${path}: ${reason(e)}`);
  }
}

/** A file of the prebuilt page, never outside `root`. */
function serveStatic(req, res, root, pathname) {
  const path = normalize(join(root, pathname === '/' ? 'cli/index.html' : pathname));
  if (!path.startsWith(root + sep)) return plain(res, 404, 'not found');
  const stream = createReadStream(path);
  stream.on('open', () => {
    res.writeHead(200, {
      'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    stream.pipe(res);
  });
  stream.on('error', () => plain(res, 404, 'not found'));
}

/**
 * The request handler: `inputs` and `outputs` map the names the page uses to paths on disk; only
 * those names are served or written (a `prefix/*` entry maps the files of one folder). `root` (optional) is the folder of the prebuilt page.
 * @param {{ inputs: Map<string, string>, outputs: Map<string, string>, root?: string,
 *   onWrote?: (path: string) => void }} options
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
export function cliHandler({ inputs, outputs, root, onWrote }) {
  const top = root === undefined ? undefined : resolve(root);
  return (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname.startsWith('/__cli/in/')) {
      const path = lookup(inputs, nameOf(pathname, '/__cli/in/'));
      if (!path) return plain(res, 404, 'not an input of this command');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return plain(res, 405, 'inputs are read-only', { Allow: 'GET, HEAD' });
      void serveInput(req, res, path);
    } else if (pathname.startsWith('/__cli/out/')) {
      const path = lookup(outputs, nameOf(pathname, '/__cli/out/'));
      if (!path) return plain(res, 404, 'not an output of this command');
      // DELETE: a checkpoint generation the run has pruned (cli/checkpoints.ts).
      if (req.method === 'DELETE')
        void rm(path, { force: true }).then(
          () => plain(res, 200, 'deleted'),
          (e) => plain(res, 500, String(e)),
        );
      else if (req.method !== 'POST' && req.method !== 'PUT')
        plain(res, 405, 'outputs are written with POST', { Allow: 'POST, PUT, DELETE' });
      else void receiveOutput(req, res, path, onWrote);
    } else if (top !== undefined && (req.method === 'GET' || req.method === 'HEAD')) {
      serveStatic(req, res, top, pathname);
    } else plain(res, 404, 'not found');
  };
}

/**
 * Starts {@link cliHandler} on 127.0.0.1 at a free port.
 * @param {Parameters<typeof cliHandler>[0]} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startCliServer(options) {
  const server = createServer(cliHandler(options));
  await new Promise((ok, bad) => {
    server.once('error', bad);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
