import { MAX_LABEL, MAX_NOTE } from '../../io/labels';
import { useAppStore } from '../../store';

const EMPTY = { label: '', note: '' };

/** Where the run's labels stand against storage, in words. */
export function LabelsSaveStatus({ runId }: { runId: string }) {
  const s = useAppStore((st) => st.labelsSave[runId]);
  if (!s) return null;
  const text =
    s.state === 'saving'
      ? 'Saving…'
      : s.state === 'saved'
        ? 'Saved with the run'
        : s.state === 'memory'
          ? `Not saved: ${s.reason}`
          : s.message;
  return (
    <span
      role="status"
      className={s.state === 'error' ? 'error' : 'muted'}
      data-testid="inspect.labelSaved"
      data-state={s.state}
    >
      {text}
    </span>
  );
}

/**
 * Feature j's label and note, edited in place and kept with the run (src/session/labels.ts
 * writes them to the browser's storage a moment after each edit).
 */
export function FeatureLabelEditor({ runId, feature }: { runId: string; feature: number }) {
  const current = useAppStore((s) => s.labels[runId]?.[feature]) ?? EMPTY;
  const set = useAppStore((s) => s.setFeatureLabel);
  return (
    <div className="label-editor">
      <label>
        Label{' '}
        <input
          type="text"
          maxLength={MAX_LABEL}
          value={current.label}
          placeholder="what this feature means"
          onChange={(e) => set(runId, feature, { ...current, label: e.target.value })}
          data-testid="inspect.featureLabel"
        />
      </label>
      <label>
        Note{' '}
        <textarea
          rows={2}
          maxLength={MAX_NOTE}
          value={current.note}
          onChange={(e) => set(runId, feature, { ...current, note: e.target.value })}
          data-testid="inspect.featureNote"
        />
      </label>
      <LabelsSaveStatus runId={runId} />
    </div>
  );
}
