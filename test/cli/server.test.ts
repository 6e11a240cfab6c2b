// The command line's file server (scripts/cli-server.mjs) over real files on disk, and the io
// layer's `httpSource` reading through it: byte ranges equal slices of the file, out-of-range
// requests are refused, a file far larger than memory is served by ranges, outputs are written.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange, startCliServer } from '../../scripts/cli-server.mjs';
import { IoError } from '../../src/io/errors';
import { httpSource } from '../../src/io/http';
import { writeNpy } from '../../src/io/npy-write';
import { openActivations } from '../../src/io/open';
import { bytesSource } from '../../src/io/source';

const dir = mkdtempSync(join(tmpdir(), 'softsae-server-'));
const SIZE = 3 * 2 ** 20 + 17;
const bytes = randomBytes(SIZE);
const BIG = 8 * 2 ** 30; // sparse: no disk blocks, and far more than this process could buffer
const BIG_AT = 6 * 2 ** 30 + 5;
const paths = {
  'data.bin': join(dir, 'data.bin'),
  'big.bin': join(dir, 'big.bin'),
  'acts.npy': join(dir, 'acts.npy'),
  'moving.bin': join(dir, 'moving.bin'),
  'gone.bin': join(dir, 'gone.bin'),
};
const outputs = new Map([['out.bin', join(dir, 'out.bin')]]);
let url = '';
let close = async () => {};
const written: string[] = [];

beforeAll(async () => {
  writeFileSync(paths['data.bin'], bytes);
  writeFileSync(paths['big.bin'], '');
  truncateSync(paths['big.bin'], BIG);
  const fh = await open(paths['big.bin'], 'r+');
  await fh.write(Buffer.from('far away'), 0, 8, BIG_AT);
  await fh.close();
  writeFileSync(paths['moving.bin'], bytes.subarray(0, 1000));
  writeFileSync(paths['gone.bin'], bytes.subarray(0, 1000));
  const server = await startCliServer({
    inputs: new Map(Object.entries(paths)),
    outputs,
    onWrote: (p) => written.push(p),
  });
  url = server.url;
  close = server.close;
});
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

const inUrl = (name: string) => `${url}/__cli/in/${encodeURIComponent(name)}`;
const ranged = (name: string, range: string) => fetch(inUrl(name), { headers: { Range: range } });

describe('cli server: inputs by byte range', () => {
  it('HEAD gives the size and says ranges are accepted', async () => {
    const res = await fetch(inUrl('data.bin'), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(SIZE);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
  });

  it('a range GET answers 206 with exactly those bytes of the file', async () => {
    for (const [a, b] of [
      [0, 0],
      [0, 99],
      [12345, 2 ** 20 + 3],
      [SIZE - 10, SIZE - 1],
    ]) {
      const res = await ranged('data.bin', `bytes=${a}-${b}`);
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${a}-${b}/${SIZE}`);
      const got = Buffer.from(await res.arrayBuffer());
      expect(got.length).toBe(b - a + 1);
      expect(got.equals(bytes.subarray(a, b + 1))).toBe(true);
    }
    // Open-ended and suffix ranges, and an end past the file clamped to its last byte.
    const tail = await ranged('data.bin', `bytes=${SIZE - 5}-`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(SIZE - 5))).toBe(true);
    const suffix = await ranged('data.bin', 'bytes=-7');
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(SIZE - 7))).toBe(true);
    const past = await ranged('data.bin', `bytes=${SIZE - 3}-${SIZE + 100}`);
    expect(past.headers.get('content-range')).toBe(`bytes ${SIZE - 3}-${SIZE - 1}/${SIZE}`);
    expect((await past.arrayBuffer()).byteLength).toBe(3);
  });

  it('a range outside the file is 416 with the size; bad ranges too', async () => {
    for (const r of [`bytes=${SIZE}-${SIZE + 5}`, 'bytes=10-5', 'bytes=-0', 'bytes=0-1,5-6', 'x']) {
      const res = await ranged('data.bin', r);
      expect(res.status, r).toBe(416);
      expect(res.headers.get('content-range'), r).toBe(`bytes */${SIZE}`);
      await res.arrayBuffer();
    }
    expect(parseRange('bytes=5-', 3)).toBe('unsatisfiable');
    expect(parseRange(undefined, 3)).toBeNull();
  });

  it('serves a range at 6 GiB of an 8 GiB file without reading the rest', async () => {
    const head = await fetch(inUrl('big.bin'), { method: 'HEAD' });
    expect(Number(head.headers.get('content-length'))).toBe(BIG);
    const res = await ranged('big.bin', `bytes=${BIG_AT - 2}-${BIG_AT + 9}`);
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(
      Buffer.concat([Buffer.alloc(2), Buffer.from('far away'), Buffer.alloc(2)]),
    );
  });

  it('only the command’s own files: other names 404, inputs are read-only', async () => {
    expect((await fetch(`${url}/__cli/in/passwd`)).status).toBe(404);
    expect((await fetch(`${url}/__cli/in/..%2Fdata.bin`)).status).toBe(404);
    expect((await fetch(inUrl('data.bin'), { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(`${url}/__cli/out/data.bin`, { method: 'POST', body: 'x' })).status).toBe(
      404,
    );
  });
});

describe('cli server: outputs', () => {
  it('streams a request body to the output file', async () => {
    const body = randomBytes(5 * 2 ** 20 + 3);
    // A streamed body, sent in chunks: the server writes it as it arrives.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let o = 0; o < body.length; o += 2 ** 20) c.enqueue(body.subarray(o, o + 2 ** 20));
        c.close();
      },
    });
    const res = await fetch(`${url}/__cli/out/out.bin`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(204);
    expect(readFileSync(outputs.get('out.bin')!).equals(body)).toBe(true);
    expect(written).toEqual([outputs.get('out.bin')]);
  });

  it('DELETE removes an output file (a pruned checkpoint), and only one of the outputs', async () => {
    const ckpts = join(dir, 'ckpts');
    mkdirSync(ckpts);
    outputs.set('checkpoints/*', ckpts);
    writeFileSync(join(ckpts, 'gen-1.ckpt'), 'old');
    writeFileSync(join(ckpts, 'gen-2.ckpt'), 'new');
    const del = (name: string) => fetch(`${url}/__cli/out/${name}`, { method: 'DELETE' });
    expect((await del('checkpoints/gen-1.ckpt')).status).toBe(200);
    expect(readdirSync(ckpts)).toEqual(['gen-2.ckpt']);
    // Deleting what is already gone is not an error (a retried sync).
    expect((await del('checkpoints/gen-1.ckpt')).status).toBe(200);
    // Nothing outside the outputs: an input, a path out of the folder, an unknown name.
    expect((await del('data.bin')).status).toBe(404);
    expect((await del('checkpoints%2F..%2Fdata.bin')).status).toBe(404);
    expect(existsSync(paths['data.bin'])).toBe(true);
  });
});

describe('httpSource', () => {
  it('reads slices equal to the file, and an .npy opens through it', async () => {
    const src = await httpSource(inUrl('data.bin'), 'data.bin');
    expect(src.size).toBe(SIZE);
    expect(Buffer.from(await src.read(777, 4096)).equals(bytes.subarray(777, 777 + 4096))).toBe(
      true,
    );
    expect((await src.read(5, 0)).length).toBe(0);
    await expect(src.read(SIZE - 2, 3)).rejects.toMatchObject({ code: 'io/short-read' });

    const x = Float32Array.from({ length: 50 * 6 }, (_, i) => Math.sin(i) * 3);
    const npy = writeNpy({ dtype: 'f32', shape: [50, 6], data: new Uint8Array(x.buffer) });
    writeFileSync(paths['acts.npy'], npy);
    const viaHttp = await openActivations(await httpSource(inUrl('acts.npy'), 'acts.npy'));
    const inMemory = await openActivations(bytesSource('acts.npy', npy));
    expect([viaHttp.rows, viaHttp.width]).toEqual([50, 6]);
    expect(Array.from(await viaHttp.readRows(7, 20))).toEqual(
      Array.from(await inMemory.readRows(7, 20)),
    );
  });

  it('a file that changes size or disappears is an IoError naming it', async () => {
    const src = await httpSource(inUrl('moving.bin'), 'moving.bin');
    expect(src.size).toBe(1000);
    writeFileSync(paths['moving.bin'], bytes.subarray(0, 600));
    const shrunk = await src.read(0, 10).catch((e) => e);
    expect(shrunk).toBeInstanceOf(IoError);
    expect(shrunk).toMatchObject({ code: 'io/changed', file: 'moving.bin' });
    expect(shrunk.message).toMatch(/^moving\.bin: the file changed .*1000 bytes, now 600/);
    // A read wholly past the new end is refused by the server (416) — the same error.
    await expect(src.read(700, 10)).rejects.toMatchObject({ code: 'io/changed' });

    const gone = await httpSource(inUrl('gone.bin'), 'gone.bin');
    rmSync(paths['gone.bin']);
    await expect(gone.read(0, 10)).rejects.toMatchObject({ code: 'io/missing', file: 'gone.bin' });
    await expect(httpSource(inUrl('gone.bin'), 'gone.bin')).rejects.toMatchObject({
      code: 'io/missing',
    });
  });
});
