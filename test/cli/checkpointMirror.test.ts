// The command line's checkpoint mirror while training goes on: the store commits (and prunes its
// old generations) in the middle of a copy. Whatever interleaving, the copy ends without error and
// every pointer record on disk names a generation file that is on disk.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckpointMirror } from '../../cli/checkpoints';
import { crc32 } from '../../src/io/crc32';
import { decodePointer, encodePointer } from '../../src/checkpoint/store';

/** A run's folder in the Origin Private File System, in memory (the parts the mirror uses). */
class FakeDir {
  readonly files = new Map<string, Uint8Array<ArrayBuffer>>();
  private readonly dirs = new Map<string, FakeDir>();

  async getDirectoryHandle(name: string): Promise<FakeDir> {
    if (!this.dirs.has(name)) this.dirs.set(name, new FakeDir());
    return this.dirs.get(name)!;
  }

  async getFileHandle(name: string) {
    if (!this.files.has(name)) throw new DOMException(`${name} is gone`, 'NotFoundError');
    return this.handle(name);
  }

  async *entries(): AsyncIterable<[string, ReturnType<FakeDir['handle']>]> {
    for (const name of [...this.files.keys()].sort()) yield [name, this.handle(name)];
  }

  private handle(name: string) {
    return {
      kind: 'file' as const,
      // As in browsers, a File goes stale once its file is replaced or removed.
      getFile: async () => {
        const bytes = this.files.get(name);
        if (!bytes) throw new DOMException(`${name} is gone`, 'NotFoundError');
        const stale = () => this.files.get(name) !== bytes;
        return {
          arrayBuffer: async () => {
            if (stale()) throw new DOMException(`${name} changed`, 'NotReadableError');
            return bytes.slice().buffer;
          },
        };
      },
    };
  }
}

/** What CheckpointStore.commit leaves: generation n, its pointer slot, generations < n − 1 gone. */
function commit(run: FakeDir, n: number): void {
  const bytes = new Uint8Array(64 + n).fill(n);
  const file = `gen-${n}.ckpt`;
  run.files.set(file, bytes);
  const record = { seq: n, generation: n, file, bytes: bytes.length, crc: crc32(bytes), step: n };
  run.files.set(`pointer-${n % 2}`, encodePointer(record) as Uint8Array<ArrayBuffer>);
  for (const name of [...run.files.keys()]) {
    const g = /^gen-(\d+)\.ckpt$/.exec(name);
    if (g && Number(g[1]) < n - 1) run.files.delete(name);
  }
}

/** Serves the mirror's POST and DELETE as the Node side does; `during` runs inside a POST. */
function fakeDisk(during: (posts: number) => void) {
  const disk = new Map<string, Uint8Array>();
  let posts = 0;
  vi.stubGlobal('fetch', async (url: string, init: { method: string; body?: Blob }) => {
    const name = decodeURIComponent(url.split('/').at(-1)!);
    if (init.method === 'POST') {
      during(++posts); // the body is read as it is sent
      disk.set(name, new Uint8Array(await init.body!.arrayBuffer()));
    } else disk.delete(name);
    return new Response('ok');
  });
  return disk;
}

/** Each pointer record on disk decodes and names a file that is on disk, with its bytes. */
function expectConsistent(disk: Map<string, Uint8Array>): number[] {
  const named: number[] = [];
  for (const slot of ['pointer-0', 'pointer-1']) {
    const bytes = disk.get(slot);
    if (!bytes) continue;
    const p = decodePointer(bytes);
    expect(p, `${slot} decodes`).not.toBeNull();
    expect([...disk.keys()], `${slot} names ${p!.file}`).toContain(p!.file);
    expect(crc32(disk.get(p!.file)!)).toBe(p!.crc);
    named.push(p!.generation);
  }
  return named.sort();
}

async function mirrorWith(
  during: (run: FakeDir, posts: number) => void,
  before: (run: FakeDir) => void = () => {},
) {
  const root = new FakeDir();
  vi.stubGlobal('navigator', { storage: { getDirectory: async () => root } });
  const run = await (await root.getDirectoryHandle('checkpoints')).getDirectoryHandle('run-1');
  commit(run, 1);
  commit(run, 2);
  before(run);
  const disk = fakeDisk((posts) => during(run, posts));
  await new CheckpointMirror('run-1').sync();
  return { run, disk };
}

describe('CheckpointMirror while the store commits', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('with nothing in between: both generations and both records', async () => {
    const { disk } = await mirrorWith(() => {});
    expect(expectConsistent(disk)).toEqual([1, 2]);
    expect([...disk.keys()].sort()).toEqual(['gen-1.ckpt', 'gen-2.ckpt', 'pointer-0', 'pointer-1']);
  });

  it('one commit during the first copy: the records on disk never name a missing file', async () => {
    const { disk } = await mirrorWith((run, posts) => posts === 1 && commit(run, 3));
    expect(expectConsistent(disk)).toEqual([2, 3]);
    expect(disk.has('gen-1.ckpt'), 'pruned there too').toBe(false);
  });

  it('two commits during the first copy prune the generation being sent: no error', async () => {
    const { disk } = await mirrorWith((run, posts) => {
      if (posts === 1) {
        commit(run, 3);
        commit(run, 4);
      }
    });
    expect(expectConsistent(disk)).toEqual([3, 4]);
    expect([...disk.keys()].sort()).toEqual(['gen-3.ckpt', 'gen-4.ckpt', 'pointer-0', 'pointer-1']);
  });

  it('a half-written generation (no record names it yet) is not copied', async () => {
    const { disk } = await mirrorWith(
      () => {},
      (run) => run.files.set('gen-3.ckpt', new Uint8Array(7)), // being written
    );
    expect(expectConsistent(disk)).toEqual([1, 2]);
    expect(disk.has('gen-3.ckpt')).toBe(false);
  });
});
