import { useEffect, useState } from 'react';
import { useAppStore } from '../../store';
import type { EngineRequest, SavedRun } from '../../workers/protocol';
import { formatBytes } from '../../util/format';

const BUILTIN_IDS = new Set(['demo', 'quick']);

/**
 * Runs saved in this browser (their newest committed checkpoint), offered for resuming: a
 * built-in dataset is found by itself; a user file must be picked again in the Data tab (the
 * engine refuses data whose fingerprint differs, with the reason).
 */
export function SavedRuns({ send }: { send: (r: EngineRequest) => void }) {
  const runs = useAppStore((s) => s.savedRuns);
  const refused = useAppStore((s) => s.resumeRefused);
  const state = useAppStore((s) => s.training.state);
  const currentId = useAppStore((s) => s.training.runId);
  const active = state === 'running' || state === 'paused' || state === 'starting';
  const busy = active || state === 'evaluating';
  useEffect(() => {
    if (!busy) send({ type: 'checkpoint-list' });
  }, [busy, send]);
  const persisted = useStoragePersisted(busy);
  const shown = runs.filter((r) => !(active && r.runId === currentId));
  if (shown.length === 0 && !refused) return null;
  return (
    <section className="saved-runs" data-testid="ckpt.saved">
      <h3>Saved runs</h3>
      {persisted !== null && (
        <p className="muted" data-testid="ckpt.persisted">
          {persisted
            ? 'Storage is persistent: the browser keeps saved runs when disk space runs low.'
            : 'Storage is best-effort: the browser may delete saved runs when disk space runs ' +
              'low (browsers grant persistence to sites used often, bookmarked or installed). ' +
              'Export a model from Inspect to keep it.'}
        </p>
      )}
      {refused && (
        <p role="alert" className="errors" data-testid="ckpt.refused">
          {refused}
        </p>
      )}
      <ul>
        {shown.map((r) => (
          <SavedRunItem key={r.runId} run={r} send={send} disabled={busy} />
        ))}
      </ul>
    </section>
  );
}

/**
 * Whether the browser keeps this origin's storage (the checkpoints) under pressure. Start asks for
 * it (`navigator.storage.persist()`); this reads the answer (`persisted()`, which never prompts)
 * when the panel shows and again whenever a run starts or stops. null: the API is missing.
 */
function useStoragePersisted(busy: boolean): boolean | null {
  const [persisted, setPersisted] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    navigator.storage?.persisted?.().then(
      (p) => live && setPersisted(p),
      () => live && setPersisted(null),
    );
    return () => {
      live = false;
    };
  }, [busy]);
  return persisted;
}

function SavedRunItem({
  run,
  send,
  disabled,
}: {
  run: SavedRun;
  send: (r: EngineRequest) => void;
  disabled: boolean;
}) {
  const gpuReady = useAppStore((s) => s.gpuStatus === 'ready');
  const active = useAppStore((s) => s.dataset.list.find((d) => d.id === s.dataset.activeId));
  const builtin = BUILTIN_IDS.has(run.datasetId);
  const datasetId = builtin ? run.datasetId : active?.id;
  const { rows, D, name } = run.dataset;
  return (
    <li data-testid="ckpt.run" data-run-id={run.runId}>
      <span data-testid="ckpt.summary">
        {run.runId}: {run.arch}, F = {run.F}, step {run.step} / {run.steps} on {name} ({rows} × {D}
        ), saved {new Date(run.savedAt).toLocaleString()} ({formatBytes(run.bytes)})
      </span>
      {!builtin && (
        <span className="muted">
          {' '}
          — resumes on the active dataset: pick the same file ({rows} rows × D = {D}) in the Data
          tab first.
        </span>
      )}
      {run.ignored.length > 0 && (
        <span className="muted" data-testid="ckpt.ignored">
          {' '}
          (not used: {run.ignored.join('; ')})
        </span>
      )}{' '}
      <button
        type="button"
        disabled={disabled || !gpuReady || !datasetId}
        onClick={() =>
          datasetId && send({ type: 'train-restore', runId: run.runId, dataset: { id: datasetId } })
        }
        data-testid="ckpt.resume"
      >
        Resume
      </button>{' '}
      <button
        type="button"
        disabled={disabled}
        onClick={() => send({ type: 'checkpoint-discard', runId: run.runId })}
        data-testid="ckpt.discard"
      >
        Discard
      </button>
    </li>
  );
}
