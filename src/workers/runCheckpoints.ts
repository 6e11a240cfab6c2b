/**
 * A training run's checkpoints as the engine worker sees them: the run's OPFS directory behind
 * the atomic {@link CheckpointStore}, the saved-runs listing for the resume offer, and the
 * storage estimate taken before training.
 */
import {
  decodeTrainingCheckpoint,
  encodeTrainingCheckpoint,
  type TrainingCheckpoint,
} from '../checkpoint/content';
import { listRunDirs, OpfsDir, removeRunDir, type StorageFaults } from '../checkpoint/opfs';
import { CheckpointStore, type PointerRecord } from '../checkpoint/store';
import { formatBytes } from '../io/errors';
import type { SavedRun } from './protocol';

/** Test faults for every run's directory (set only by the dev-only engine request). */
export const storageFaults: StorageFaults = {};

export class RunCheckpoints {
  private constructor(
    readonly runId: string,
    private readonly store: CheckpointStore,
  ) {}

  static async open(runId: string): Promise<RunCheckpoints> {
    const dir = await OpfsDir.open(runId);
    dir.faults = storageFaults;
    return new RunCheckpoints(runId, new CheckpointStore(dir));
  }

  /** Encodes, writes, verifies and commits; throws (the previous generation kept) on failure. */
  async save(c: TrainingCheckpoint): Promise<PointerRecord> {
    return this.store.commit(encodeTrainingCheckpoint(c), c.meta.step);
  }

  /** The newest committed checkpoint that verifies, and the files passed over. */
  async latest(): Promise<{
    checkpoint: TrainingCheckpoint;
    bytes: number;
    ignored: string[];
  } | null> {
    const loaded = await this.store.load(decodeTrainingCheckpoint);
    if (!loaded) return null;
    return { checkpoint: loaded.value, bytes: loaded.pointer.bytes, ignored: loaded.ignored };
  }
}

/** Every saved run with its newest verified checkpoint (for the page's resume offer). */
export async function listSavedRuns(): Promise<SavedRun[]> {
  const out: SavedRun[] = [];
  for (const runId of await listRunDirs()) {
    try {
      const latest = await (await RunCheckpoints.open(runId)).latest();
      if (!latest) continue;
      const m = latest.checkpoint.meta;
      out.push({
        runId,
        step: m.step,
        steps: m.config.steps,
        arch: m.config.arch,
        F: m.config.dict_size,
        datasetId: m.datasetId,
        dataset: m.dataset,
        savedAt: m.savedAt,
        bytes: latest.bytes,
        ignored: latest.ignored,
      });
    } catch {
      // A directory that cannot be read now (another tab writing it) is listed next time.
    }
  }
  return out;
}

export async function discardRun(runId: string): Promise<void> {
  await removeRunDir(runId);
}

/**
 * Checks that checkpoints of `bytes` fit the origin's storage: throws with the numbers when even
 * one does not fit; returns a warning when fewer than three do (the previous generation is kept
 * while the next one is written and verified).
 */
export async function checkStorage(bytes: number): Promise<string | null> {
  const estimate = await navigator.storage?.estimate?.();
  if (!estimate?.quota) return null;
  const free = estimate.quota - (estimate.usage ?? 0);
  const numbers =
    `a checkpoint takes about ${formatBytes(bytes)}; ${formatBytes(Math.max(0, free))} of ` +
    `${formatBytes(estimate.quota)} is free for this site`;
  if (free < bytes) throw new Error(`not enough storage for checkpoints: ${numbers}`);
  return free < 3 * bytes ? `storage is tight: ${numbers}` : null;
}
