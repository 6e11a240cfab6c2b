// A command-line run's checkpoints on disk. The engine worker writes them to the Origin Private
// File System (`checkpoints/<runId>/`: generation files and two pointer records, see
// src/checkpoint/store.ts), exactly as in the app; after each commit this copies the run's folder
// to `--out/checkpoints/` (each file written whole, then renamed, by the Node side), generations
// before pointers, so the copy on disk is always a committed state. The store keeps only its
// last generations; once a pointer on disk no longer names a pruned one, it is deleted there too,
// so a long run's folder stays at two generations. `--resume` copies them back.

import { entriesOf } from '../src/checkpoint/opfs';

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

/** Mirrors the run's checkpoint folder to the Node side, one commit after another. */
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
    const names: string[] = [];
    for await (const [name, h] of entriesOf(dir)) if (h.kind === 'file') names.push(name);
    // Generations first: a pointer on disk never names a file that is not there yet.
    const order = [...names.filter((n) => !isPointer(n)), ...names.filter(isPointer)];
    for (const name of order) {
      if (!isPointer(name) && this.onDisk.has(name)) continue;
      const file = await (await dir.getFileHandle(name)).getFile();
      const res = await fetch(this.url(name), { method: 'POST', body: file });
      if (!res.ok) throw new Error(`cannot write the checkpoint file ${name}: ${await res.text()}`);
      if (!isPointer(name)) this.onDisk.add(name);
    }
    // After the pointers: neither pointer on disk names a generation the store has pruned.
    for (const name of [...this.onDisk]) {
      if (names.includes(name)) continue;
      const res = await fetch(this.url(name), { method: 'DELETE' });
      if (!res.ok) throw new Error(`cannot delete the old checkpoint ${name}: ${await res.text()}`);
      this.onDisk.delete(name);
    }
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
