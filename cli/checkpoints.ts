// A command-line run's checkpoints on disk. The engine worker writes them to the Origin Private
// File System (`checkpoints/<runId>/`: generation files and two pointer records, see
// src/checkpoint/store.ts), exactly as in the app; after each commit this copies the generations
// the pointer records name, then the records, to `--out/checkpoints/` (each file written whole,
// then renamed, by the Node side), so the copy on disk is always a committed state. The store keeps only its
// last generations; once a pointer on disk no longer names a pruned one, it is deleted there too,
// so a long run's folder stays at two generations. `--resume` copies them back.

import { entriesOf } from '../src/checkpoint/opfs';
import { decodePointer } from '../src/checkpoint/store';

/** The run's folder in the Origin Private File System. */
async function runDir(runId: string): Promise<FileSystemDirectoryHandle> {
  const root = await (
    await navigator.storage.getDirectory()
  ).getDirectoryHandle('checkpoints', {
    create: true,
  });
  return root.getDirectoryHandle(runId, { create: true });
}

const isPointer = (name: string) => name.startsWith('pointer');

/**
 * A file's bytes, read at once; null when the store removed or replaced it meanwhile (a File
 * object goes stale once its file changes: reading it later fails, so a copy never posts one).
 */
async function readNow(dir: FileSystemDirectoryHandle, name: string) {
  try {
    const file = await (await dir.getFileHandle(name)).getFile();
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    if (e instanceof DOMException && (e.name === 'NotFoundError' || e.name === 'NotReadableError'))
      return null;
    throw e;
  }
}

/** The pointer slots' bytes as they are now (empty while one is being replaced). */
async function readPointers(
  dir: FileSystemDirectoryHandle,
): Promise<Map<string, Uint8Array<ArrayBuffer>>> {
  const out = new Map<string, Uint8Array<ArrayBuffer>>();
  for await (const [name, h] of entriesOf(dir))
    if (h.kind === 'file' && isPointer(name))
      out.set(name, (await readNow(dir, name)) ?? new Uint8Array());
  return out;
}

const sameBytes = (a: Map<string, Uint8Array>, b: Map<string, Uint8Array>) =>
  a.size === b.size &&
  [...a].every(([k, v]) => {
    const w = b.get(k);
    return w !== undefined && w.length === v.length && w.every((x, i) => x === v[i]);
  });

/**
 * Mirrors the run's checkpoint folder to the Node side, one commit after another. Training goes
 * on while a copy runs, so the store may commit (and prune) meanwhile: a copy takes the pointer
 * records first, copies only the generations they name (committed and verified, so never
 * half-written), and starts again if the records changed before it wrote them.
 */
export class CheckpointMirror {
  /** Generation files on disk: copied there (they never change once committed) or restored. */
  private readonly onDisk = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  /**
   * @param prefix where the copies go: `<prefix>checkpoints/` (a sweep's run folder).
   * @param restored files already on disk there (`--resume` restored the run from them).
   */
  constructor(
    private readonly runId: string,
    private readonly prefix = '',
    restored: readonly string[] = [],
  ) {
    for (const name of restored) if (!isPointer(name)) this.onDisk.add(name);
  }

  /** Copies what changed since the last call (queued behind any copy in progress). */
  sync(): Promise<void> {
    this.chain = this.chain.then(() => this.copy());
    return this.chain;
  }

  private async copy(): Promise<void> {
    const dir = await runDir(this.runId);
    for (let attempt = 1; ; attempt++) {
      const pointers = await readPointers(dir);
      const named = [...pointers.values()].flatMap((b) => decodePointer(b)?.file ?? []);
      // A torn record (a commit writing it now) or a named generation pruned since (a later
      // commit): the store has moved on; read it again (a stuck torn slot is copied as it is,
      // and loading skips it there as here).
      let moved = named.length < pointers.size;
      for (const name of named) {
        if (moved || this.onDisk.has(name)) continue;
        const bytes = await readNow(dir, name);
        if (!bytes) moved = true;
        else {
          await this.post(name, new Blob([bytes]));
          this.onDisk.add(name);
        }
      }
      if (!moved) moved = !sameBytes(pointers, await readPointers(dir));
      if (moved && attempt < 20) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      // Generations first, then the records that name them: a pointer on disk never names a
      // file that is not there. Then generations no record names any more are deleted.
      for (const [name, bytes] of pointers) await this.post(name, new Blob([bytes]));
      for (const name of [...this.onDisk]) {
        if (named.includes(name)) continue;
        const res = await fetch(this.url(name), { method: 'DELETE' });
        if (!res.ok)
          throw new Error(`cannot delete the old checkpoint ${name}: ${await res.text()}`);
        this.onDisk.delete(name);
      }
      return;
    }
  }

  private async post(name: string, body: Blob): Promise<void> {
    const res = await fetch(this.url(name), { method: 'POST', body });
    if (!res.ok) throw new Error(`cannot write the checkpoint file ${name}: ${await res.text()}`);
  }

  private url(name: string): string {
    return `/__cli/out/${this.prefix}checkpoints/${encodeURIComponent(name)}`;
  }
}

/** Copies checkpoint files served by the Node side (from `--resume DIR`) into the run's folder. */
export async function restoreCheckpointFiles(runId: string, names: string[]): Promise<void> {
  const dir = await runDir(runId);
  for (const name of names) {
    const res = await fetch(`/__cli/in/checkpoints/${encodeURIComponent(name)}`);
    if (!res.ok) throw new Error(`checkpoints/${name}: cannot be read (HTTP ${res.status})`);
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await w.write(await res.blob());
    await w.close();
  }
}
