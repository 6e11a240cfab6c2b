/** Runs one fuzz target on one input and turns a crash into a thrown error, saving the input. */
import { bytesSource } from '../../src/io/source';
import { spy } from '../io/helpers';
import { saveCrash } from './budget';
import type { FuzzTarget } from './targets';

const HANG_MS = 5000; // one run takes milliseconds; this only catches hangs

/** Runs a target on bytes; throws (with the saved path) on a crash. */
export async function exercise(kind: string, t: FuzzTarget, bytes: Uint8Array): Promise<void> {
  const s = spy(bytesSource(t.file, bytes));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result after ${HANG_MS} ms`)), HANG_MS);
  });
  let crash: unknown = null;
  try {
    await Promise.race([t.run(s.src, bytes), hang]);
  } catch (e) {
    if (!t.allowed(e)) crash = e;
  } finally {
    clearTimeout(timer);
  }
  const over = s.reads.find(([off, len]) => off + len > bytes.length);
  if (over) crash = new Error(`read [${over[0]}, +${over[1]}) past the end (${bytes.length})`);
  if (crash) {
    const path = saveCrash(kind, bytes);
    throw new Error(`${kind} crashed on ${path}: ${String(crash)}`, { cause: crash });
  }
}
