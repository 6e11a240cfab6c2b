// Atomic generations (src/checkpoint/store.ts) over an in-memory directory that can fail writes
// the way a dying tab or a full disk does.
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { CheckpointStore, decodePointer, type CheckpointDir } from '../../src/checkpoint/store';

class MemoryDir implements CheckpointDir {
  files = new Map<string, Uint8Array>();
  /** Writes of a generation file keep only this many bytes and then throw (a crash). */
  tearAt: number | null = null;
  quotaError = false;
  async write(name: string, bytes: Uint8Array) {
    if (this.quotaError) {
      this.files.set(name, bytes.slice(0, 10));
      throw new DOMException('full', 'QuotaExceededError');
    }
    if (this.tearAt !== null && name.endsWith('.ckpt')) {
      this.files.set(name, bytes.slice(0, this.tearAt));
      throw new Error('the tab died');
    }
    this.files.set(name, bytes.slice());
  }
  async read(name: string) {
    return this.files.get(name)?.slice() ?? null;
  }
  async remove(name: string) {
    this.files.delete(name);
  }
  async list() {
    return [...this.files.keys()].sort();
  }
}

const ckpt = (step: number) =>
  encodeCheckpoint({ step }, [{ name: 'w', data: Float32Array.from([step, step + 0.5]) }]);
const decode = (bytes: Uint8Array, file: string) =>
  (decodeCheckpoint(bytes, file).meta as { step: number }).step;

describe('CheckpointStore', () => {
  it('commits generations, keeps only the current and the previous one', async () => {
    const dir = new MemoryDir();
    const store = new CheckpointStore(dir);
    expect(await store.load(decode)).toBeNull();
    for (const step of [10, 20, 30]) await store.commit(ckpt(step), step);
    expect(await dir.list()).toEqual(['gen-2.ckpt', 'gen-3.ckpt', 'pointer-0', 'pointer-1']);
    const loaded = await new CheckpointStore(dir).load(decode);
    expect(loaded?.value).toBe(30);
    expect(loaded?.ignored).toEqual([]);
  });

  it('a generation cut short by a crash is never used; the previous one loads', async () => {
    const dir = new MemoryDir();
    const store = new CheckpointStore(dir);
    await store.commit(ckpt(10), 10);
    await store.commit(ckpt(20), 20);
    dir.tearAt = 17;
    await expect(store.commit(ckpt(30), 30)).rejects.toThrow('the tab died');
    // The store removes its partial file when it can; a real crash leaves it: put it back.
    dir.files.set('gen-3.ckpt', ckpt(30).slice(0, 17));
    const loaded = await new CheckpointStore(dir).load(decode);
    expect(loaded?.value).toBe(20);
    expect(loaded?.ignored).toEqual(['gen-3.ckpt (never committed)']);
  });

  it('a torn pointer record falls back to the other slot', async () => {
    const dir = new MemoryDir();
    const store = new CheckpointStore(dir);
    await store.commit(ckpt(10), 10);
    await store.commit(ckpt(20), 20); // seq 2 → pointer-0
    const p0 = dir.files.get('pointer-0')!;
    expect(decodePointer(p0)?.step).toBe(20);
    dir.files.set('pointer-0', p0.slice(0, p0.length - 3));
    const loaded = await new CheckpointStore(dir).load(decode);
    expect(loaded?.value).toBe(10);
    expect(loaded?.ignored).toContain('pointer-0 (torn pointer record)');
  });

  it('a committed file damaged later is refused by its checksum and the older one loads', async () => {
    const dir = new MemoryDir();
    const store = new CheckpointStore(dir);
    await store.commit(ckpt(10), 10);
    await store.commit(ckpt(20), 20);
    dir.files.get('gen-2.ckpt')![40] ^= 1;
    const loaded = await new CheckpointStore(dir).load(decode);
    expect(loaded?.value).toBe(10);
    expect(loaded?.ignored[0]).toMatch(/^gen-2\.ckpt \(/);
  });

  it('a quota error keeps the previous checkpoint committed and removes the partial file', async () => {
    const dir = new MemoryDir();
    const store = new CheckpointStore(dir);
    await store.commit(ckpt(10), 10);
    dir.quotaError = true;
    await expect(store.commit(ckpt(20), 20)).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(await dir.list()).toEqual(['gen-1.ckpt', 'pointer-1']);
    expect((await new CheckpointStore(dir).load(decode))?.value).toBe(10);
    dir.quotaError = false;
    await store.commit(ckpt(30), 30);
    expect((await new CheckpointStore(dir).load(decode))?.value).toBe(30);
  });
});
