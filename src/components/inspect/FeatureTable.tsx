import { useMemo, useState } from 'react';
import { labelMatches, MAX_LABEL, type FeatureLabels } from '../../io/labels';
import { meanActivation, type RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { useAppStore } from '../../store';
import type { FeatureSortKey } from '../../store/inspectSlice';

const PAGE = 25;
const fmt = (v: number) => Number(v.toPrecision(4)).toString();

const COLUMNS: [FeatureSortKey, string][] = [
  ['feature', 'Feature'],
  ['count', 'Fires on'],
  ['frequency', 'Frequency'],
  ['mean', 'Mean act. (when firing)'],
  ['max', 'Max act.'],
];

/**
 * Features matching the search: a number matches that feature index; text matches features whose
 * label or note, or whose top-activating tokens, contain it (case-insensitive).
 */
export function searchFeatures(
  a: RunAnalysis,
  ds: LoadedDataset | undefined,
  query: string,
  labels: FeatureLabels = {},
): number[] {
  const q = query.trim().toLowerCase();
  const all = Array.from({ length: a.F }, (_, j) => j);
  if (q === '') return all;
  if (/^\d+$/.test(q)) return all.filter((j) => j === Number(q));
  const tokens = ds?.tokens;
  return all.filter((j) => {
    if (labelMatches(labels[j], q)) return true;
    if (!tokens) return false;
    for (let i = 0; i < a.topN; i++) {
      const r = a.topRows[j * a.topN + i];
      if (r >= 0 && tokens[r].toLowerCase().includes(q)) return true;
    }
    return false;
  });
}

function sortValue(a: RunAnalysis, key: FeatureSortKey, j: number): number {
  if (key === 'feature') return j;
  if (key === 'count' || key === 'frequency') return a.fireCount[j];
  return key === 'mean' ? meanActivation(a, j) : a.actMax[j];
}

const NO_LABELS: FeatureLabels = {};

/**
 * Sortable, searchable table of the features (firing frequency, mean and max activation), each
 * with its editable label (kept with the run: src/session/labels.ts).
 */
export function FeatureTable({ a, ds }: { a: RunAnalysis; ds: LoadedDataset | undefined }) {
  const sort = useAppStore((s) => s.inspect.sort);
  const search = useAppStore((s) => s.inspect.search);
  const selected = useAppStore((s) => s.inspect.feature);
  const sortBy = useAppStore((s) => s.sortFeatures);
  const setSearch = useAppStore((s) => s.searchFeatures);
  const selectFeature = useAppStore((s) => s.selectFeature);
  const labels = useAppStore((s) => s.labels[a.runId]) ?? NO_LABELS;
  const setLabel = useAppStore((s) => s.setFeatureLabel);
  const [limit, setLimit] = useState(PAGE);

  const order = useMemo(() => {
    const list = searchFeatures(a, ds, search, labels);
    const sign = sort.descending ? -1 : 1;
    // Ties keep feature order, so the table is stable.
    return list.sort(
      (i, j) => sign * (sortValue(a, sort.key, i) - sortValue(a, sort.key, j)) || i - j,
    );
  }, [a, ds, search, sort, labels]);

  return (
    <div className="feature-table">
      <label>
        Search features (index, label, note or token text){' '}
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="inspect.featureSearch"
        />
      </label>
      <p data-testid="inspect.featureCount">
        {order.length} of {a.F} features · {a.F - countAlive(a)} never fired
      </p>
      <table data-testid="inspect.features">
        <thead>
          <tr>
            {COLUMNS.map(([key, label]) => (
              <th
                key={key}
                scope="col"
                aria-sort={
                  sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'
                }
              >
                <button
                  type="button"
                  className="link"
                  onClick={() => sortBy(key)}
                  data-testid={`inspect.sort.${key}`}
                >
                  {label}
                  {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
            <th scope="col">Label</th>
          </tr>
        </thead>
        <tbody>
          {order.slice(0, limit).map((j) => (
            <tr
              key={j}
              data-testid="inspect.featureRow"
              data-feature={j}
              aria-selected={selected === j}
            >
              <td>
                <button type="button" className="link" onClick={() => selectFeature(j)}>
                  {j}
                </button>
              </td>
              <td>{a.fireCount[j]}</td>
              <td>{fmt(a.fireCount[j] / a.rows)}</td>
              <td>{fmt(meanActivation(a, j))}</td>
              <td>{fmt(a.actMax[j])}</td>
              <td>
                <input
                  type="text"
                  className="label-cell"
                  maxLength={MAX_LABEL}
                  aria-label={`label of feature ${j}`}
                  value={labels[j]?.label ?? ''}
                  title={labels[j]?.note || undefined}
                  onChange={(e) =>
                    setLabel(a.runId, j, { label: e.target.value, note: labels[j]?.note ?? '' })
                  }
                  data-testid="inspect.featureRowLabel"
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {order.length > limit && (
        <button
          type="button"
          onClick={() => setLimit(limit + PAGE)}
          data-testid="inspect.moreFeatures"
        >
          Show {Math.min(PAGE, order.length - limit)} more
        </button>
      )}
    </div>
  );
}

function countAlive(a: RunAnalysis): number {
  let n = 0;
  for (let j = 0; j < a.F; j++) if (a.fireCount[j] > 0) n++;
  return n;
}
