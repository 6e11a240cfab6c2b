/// <reference lib="webworker" />
/**
 * {@link CheckpointDir} on the Origin Private File System, for the engine worker: files are
 * written through `createSyncAccessHandle` where the browser has it (dedicated workers in
 * Chromium, Firefox, Safari), else a writable stream. Layout: `checkpoints/<runId>/…`.
 *
 * Test faults (set only through the dev-only engine request): `quotaBytes` caps the bytes the
 * run's directory may hold — a write past it stops at the cap and throws a DOMException named
 * QuotaExceededError, exactly what the browser throws when the origin's quota runs out;
 * `haltAfterBytes` writes that many bytes of the next generation file, flushes them, and never
 * returns (the tab is then closed by the test: a write cut short by the page dying).
 */
import type { CheckpointDir } from './store.ts';
import { LABELS_DIR, labelsFileName } from '../io/labels.ts';

export interface StorageFaults {
  quotaBytes?: number;
  haltAfterBytes?: number;
}

const ROOT = 'checkpoints';
const CHUNK = 1 << 20;

/** The directory's entries (TypeScript's DOM lib lacks the async iterator; browsers have it). */
export function entriesOf(
  dir: FileSystemDirectoryHandle,
): AsyncIterable<[string, FileSystemHandle]> {
  return (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
}

async function rootDir(): Promise<FileSystemDirectoryHandle> {
  const opfs = await navigator.storage.getDirectory();
  return opfs.getDirectoryHandle(ROOT, { create: true });
}

/** Run ids that have a checkpoint directory. */
export async function listRunDirs(): Promise<string[]> {
  const ids: string[] = [];
  const root = await rootDir();
  for await (const [name, handle] of entriesOf(root))
    if (handle.kind === 'directory') ids.push(name);
  return ids.sort();
}

/** Deletes a run's directory and everything in it, and its feature labels (src/io/labels.ts). */
export async function removeRunDir(runId: string): Promise<void> {
  await (await rootDir()).removeEntry(runId, { recursive: true });
  try {
    const opfs = await navigator.storage.getDirectory();
    await (await opfs.getDirectoryHandle(LABELS_DIR)).removeEntry(labelsFileName(runId));
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'NotFoundError')) throw e;
  }
}

export class OpfsDir implements CheckpointDir {
  faults: StorageFaults = {};

  private constructor(private readonly dir: FileSystemDirectoryHandle) {}

  static async open(runId: string): Promise<OpfsDir> {
    if (!/^[\w.-]+$/.test(runId)) throw new Error(`bad run id '${runId}'`);
    return new OpfsDir(await (await rootDir()).getDirectoryHandle(runId, { create: true }));
  }

  private async usedBytesExcept(name: string): Promise<number> {
    let used = 0;
    for await (const [n, h] of entriesOf(this.dir))
      if (n !== name && h.kind === 'file')
        used += (await (h as FileSystemFileHandle).getFile()).size;
    return used;
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    const { quotaBytes, haltAfterBytes } = this.faults;
    const room =
      quotaBytes === undefined ? Infinity : quotaBytes - (await this.usedBytesExcept(name));
    const halt = name.endsWith('.ckpt') ? haltAfterBytes : undefined;
    const limit = Math.max(0, Math.min(bytes.length, room, halt ?? Infinity));
    const fh = await this.dir.getFileHandle(name, { create: true });
    if ('createSyncAccessHandle' in fh) {
      const h = await fh.createSyncAccessHandle();
      try {
        h.truncate(0);
        for (let at = 0; at < limit;)
          at += h.write(bytes.subarray(at, Math.min(limit, at + CHUNK)), { at });
        h.flush();
        if (halt !== undefined) await new Promise<never>(() => {}); // the page dies here
      } finally {
        h.close();
      }
    } else {
      const w = await (fh as FileSystemFileHandle).createWritable();
      await w.write(bytes.slice(0, limit));
      await w.close();
      if (halt !== undefined) await new Promise<never>(() => {});
    }
    if (limit < bytes.length)
      throw new DOMException(
        `checkpoint storage is full: ${name} needs ${bytes.length} bytes, ${Math.max(0, room)} ` +
          `are left of the ${quotaBytes} allowed (test cap)`,
        'QuotaExceededError',
      );
  }

  async read(name: string): Promise<Uint8Array | null> {
    try {
      const fh = await this.dir.getFileHandle(name);
      return new Uint8Array(await (await fh.getFile()).arrayBuffer());
    } catch (e) {
      if (e instanceof DOMException && e.name === 'NotFoundError') return null;
      throw e;
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.dir.removeEntry(name);
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'NotFoundError')) throw e;
    }
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    for await (const [n, h] of entriesOf(this.dir)) if (h.kind === 'file') names.push(n);
    return names.sort();
  }
}

/**
 * Holds the Web Lock `softsae-run:<runId>` until `release` is called (or the tab closes): only
 * the holder writes the run's checkpoints (reliability case 33). Null when another tab holds it.
 */
export async function acquireRunLock(runId: string): Promise<{ release(): void } | null> {
  const locks = navigator.locks;
  if (!locks) return { release() {} }; // no Web Locks: single-tab behaviour
  return new Promise((resolve) => {
    void locks.request(`softsae-run:${runId}`, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return;
      }
      return new Promise<void>((release) => resolve({ release }));
    });
  });
}
