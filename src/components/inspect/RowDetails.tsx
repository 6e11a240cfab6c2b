import { useEffect, useState } from 'react';
import type { RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { queryRowFeatures } from '../../session/queries';
import { useAppStore } from '../../store';
import { tokenLabel } from './TokenView';

const fmt = (v: number) => Number(v.toPrecision(5)).toString();

type Loaded =
  { key: string; features: Uint32Array; values: Float32Array } | { key: string; error: string };

/** The selected row's active features (hard path, from the engine), largest activation first. */
export function RowDetails({ a, ds }: { a: RunAnalysis; ds: LoadedDataset | undefined }) {
  const row = useAppStore((s) => s.inspect.row);
  const selectFeature = useAppStore((s) => s.selectFeature);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const key = `${a.runId}:${a.step}:${row}`;

  useEffect(() => {
    if (row === null) return;
    let live = true;
    queryRowFeatures(a.runId, row).then(
      (r) => live && setLoaded({ key, ...r }),
      (e: Error) => live && setLoaded({ key, error: e.message }),
    );
    return () => void (live = false);
  }, [a.runId, row, key]);

  if (row === null || row >= a.rows)
    return (
      <p className="muted">Click a token (or focus it and press Enter) to list its features.</p>
    );
  const current = loaded?.key === key ? loaded : null;
  return (
    <div data-testid="inspect.row" aria-live="polite">
      <h4>
        Row {row}: <span className="token-text">{tokenLabel(ds, row)}</span>
      </h4>
      <p data-testid="inspect.rowStats">
        {a.kHat && `k̂ ${fmt(a.kHat[row])} · `}L0 {a.l0[row]} · error {fmt(a.sqErr[row])}
      </p>
      {!current && <p>Loading its features…</p>}
      {current && 'error' in current && <p role="alert">{current.error}</p>}
      {current && 'features' in current && (
        <ol className="row-features" data-testid="inspect.rowFeatures">
          {Array.from(current.features, (j, i) => (
            <li key={j} data-feature={j} data-value={current.values[i]}>
              <button
                type="button"
                onClick={() => selectFeature(j)}
                aria-label={`feature ${j}, activation ${fmt(current.values[i])}: open its page`}
              >
                feature {j}
              </button>{' '}
              <span className="value">{fmt(current.values[i])}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
