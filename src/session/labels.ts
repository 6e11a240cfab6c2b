/**
 * Keeps each run's feature labels (store: src/store/labelsSlice.ts) in the browser's private
 * storage, beside the run's checkpoints: `labels/<runId>.json` in the Origin Private File System
 * (document: src/io/labels.ts). A run's stored labels are read when the run appears in the store
 * (after its evaluation, also after a reload and Resume); every edit is written back a moment
 * later (edits in quick succession make one write), and at once when the page is hidden.
 * Discarding a saved run removes its labels with its checkpoints (src/checkpoint/opfs.ts).
 * Imported SAEs have no saved run (their ids restart with every page), so their labels stay in
 * the page only, and say so.
 */
import { decodeLabels, encodeLabels, LABELS_DIR, labelsFileName } from '../io/labels';
import { useAppStore } from '../store';

/** Where labels documents go (the OPFS in the app, memory in tests). */
export interface LabelsStorage {
  read(runId: string): Promise<string | null>;
  write(runId: string, text: string): Promise<void>;
}

const SAFE_ID = /^[\w.-]+$/;

async function labelsDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(LABELS_DIR, { create: true });
}

/** The OPFS, from the page's thread (writes go through a writable stream, replaced on close). */
export const opfsLabelsStorage: LabelsStorage = {
  async read(runId) {
    if (!SAFE_ID.test(runId)) return null;
    try {
      const fh = await (await labelsDir()).getFileHandle(labelsFileName(runId));
      return await (await fh.getFile()).text();
    } catch (e) {
      if (e instanceof DOMException && e.name === 'NotFoundError') return null;
      throw e;
    }
  },
  async write(runId, text) {
    if (!SAFE_ID.test(runId)) throw new Error(`bad run id '${runId}'`);
    const fh = await (await labelsDir()).getFileHandle(labelsFileName(runId), { create: true });
    const w = await fh.createWritable();
    await w.write(text);
    await w.close();
  },
};

/** Why a run's labels cannot be stored, or null when they can. */
export function notStoredReason(runId: string): string | null {
  const run = useAppStore.getState().runs.find((r) => r.runId === runId);
  return run && run.config.source !== undefined
    ? 'labels of a loaded SAE are kept until the page closes (it has no saved run)'
    : null;
}

const WRITE_DELAY_MS = 250;

export class LabelsPersistence {
  /** Each run's load (writes wait for it, so stored labels are never overwritten unread). */
  private readonly loads = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Each run's writes, one after another. */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly storage: LabelsStorage | null,
    private readonly reasonNotStored: (runId: string) => string | null = notStoredReason,
  ) {
    this.unsubscribe = useAppStore.subscribe((s, prev) => {
      for (const r of s.runs) if (!this.loads.has(r.runId)) void this.load(r.runId);
      if (s.labels === prev.labels) return;
      for (const runId of Object.keys(s.labels))
        if (s.labels[runId] !== prev.labels[runId]) this.schedule(runId);
    });
    for (const r of useAppStore.getState().runs) void this.load(r.runId);
  }

  /** Reads a run's stored labels into the store (once per run). */
  load(runId: string): Promise<void> {
    let p = this.loads.get(runId);
    if (p) return p;
    p = (async () => {
      if (!this.storage || this.reasonNotStored(runId)) return;
      try {
        const text = await this.storage.read(runId);
        if (text !== null) useAppStore.getState().labelsLoaded(runId, decodeLabels(text).labels);
      } catch (e) {
        const message = `stored labels could not be read: ${e instanceof Error ? e.message : e}`;
        useAppStore.getState().setLabelsSave(runId, { state: 'error', message });
      }
    })();
    this.loads.set(runId, p);
    return p;
  }

  private schedule(runId: string): void {
    const reason = this.storage ? this.reasonNotStored(runId) : 'this browser has no storage';
    if (reason) {
      useAppStore.getState().setLabelsSave(runId, { state: 'memory', reason });
      return;
    }
    useAppStore.getState().setLabelsSave(runId, { state: 'saving' });
    clearTimeout(this.timers.get(runId));
    this.timers.set(
      runId,
      setTimeout(() => void this.write(runId), WRITE_DELAY_MS),
    );
  }

  private write(runId: string): Promise<void> {
    this.timers.delete(runId);
    const prev = this.writes.get(runId) ?? Promise.resolve();
    const next = prev.then(async () => {
      await this.load(runId);
      const s = useAppStore.getState();
      try {
        await this.storage!.write(runId, encodeLabels(runId, s.labels[runId] ?? {}));
        // A later edit made while writing has its own write queued: it reports when done.
        if (!this.timers.has(runId)) s.setLabelsSave(runId, { state: 'saved' });
      } catch (e) {
        const message = `labels not saved: ${e instanceof Error ? e.message : String(e)}`;
        s.setLabelsSave(runId, { state: 'error', message });
      }
    });
    this.writes.set(runId, next);
    return next;
  }

  /** Writes every pending edit now (the page is being hidden or closed). */
  flush(): Promise<void> {
    const pending = [...this.timers.keys()];
    for (const runId of pending) clearTimeout(this.timers.get(runId));
    return Promise.all(pending.map((runId) => this.write(runId))).then(() => {});
  }

  dispose(): void {
    this.unsubscribe();
    for (const t of this.timers.values()) clearTimeout(t);
  }
}
