/// <reference lib="webworker" />
/**
 * {@link Spill} into the Origin Private File System, for the ingestion worker: a compressed
 * `.npz` member larger than the memory budget is inflated once into a file there (through a
 * sync access handle, dedicated workers only), then read back in slices like the user's own
 * files. Nothing leaves the machine: OPFS is the browser's private storage for this origin.
 *
 * Layout: `decoded/<session>/<n>-<member>`. Each worker holds a Web Lock named after its session
 * folder while it lives; folders whose lock nobody holds belong to closed tabs and are removed
 * when the next session starts, so decoded copies never pile up.
 */
import { entriesOf } from '../checkpoint/opfs.ts';
import { IoError, formatBytes } from '../io/errors.ts';
import { blobSource } from '../io/source.ts';
import type { Spill } from '../io/spill.ts';

const ROOT = 'decoded';
const LOCK = 'softsae-decoded-';

/** This worker's folder, locked for its lifetime; stale folders of closed tabs removed. */
async function sessionDir(): Promise<FileSystemDirectoryHandle> {
  const root = await (
    await navigator.storage.getDirectory()
  ).getDirectoryHandle(ROOT, {
    create: true,
  });
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  // The folder exists only once its lock is held, so no other tab can take it for stale.
  await new Promise<void>((held) => {
    void navigator.locks.request(LOCK + id, () => {
      held();
      return new Promise<never>(() => {}); // released when the worker ends
    });
  });
  const locks = new Set((await navigator.locks.query()).held?.map((l) => l.name));
  for await (const [name] of entriesOf(root))
    if (!locks.has(LOCK + name)) await root.removeEntry(name, { recursive: true }).catch(() => {});
  return root.getDirectoryHandle(id, { create: true });
}

let session: Promise<FileSystemDirectoryHandle> | null = null;
let count = 0;

export const opfsSpill: Spill = async (file, member, bytes) => {
  const { quota = Infinity, usage = 0 } = await navigator.storage.estimate();
  if (quota - usage < bytes)
    throw new IoError(
      file,
      'io/storage-full',
      `compressed member ${member} is ${formatBytes(bytes)} inflated, more than the browser ` +
        `storage left (${formatBytes(quota - usage)}) — free disk space, or save the file with ` +
        'np.savez (uncompressed) so it is read in place',
    );
  const dir = await (session ??= sessionDir());
  const name = `${++count}-${member.replace(/[^\w.-]/g, '_')}`;
  const handle = await dir.getFileHandle(name, { create: true });
  const access = await handle.createSyncAccessHandle();
  let at = 0;
  const close = () => {
    try {
      access.close();
    } catch {
      // already closed
    }
  };
  return {
    async write(chunk) {
      try {
        at += access.write(chunk, { at });
      } catch (e) {
        close();
        await dir.removeEntry(name).catch(() => {});
        throw new IoError(
          file,
          'io/storage-full',
          `cannot decode ${member} to browser storage (${e instanceof Error ? e.name : String(e)}` +
            ` after ${formatBytes(at)} of ${formatBytes(bytes)}) — free disk space, or save the ` +
            'file with np.savez (uncompressed) so it is read in place',
          { cause: e },
        );
      }
    },
    async finish(label) {
      access.flush();
      close();
      return blobSource(await handle.getFile(), label);
    },
    async discard() {
      close();
      await dir.removeEntry(name).catch(() => {});
    },
  };
};
