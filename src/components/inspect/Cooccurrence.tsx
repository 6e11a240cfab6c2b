import type { RunAnalysis } from '../../session/analyses';
import { queryCooccurrence } from '../../session/queries';
import { useAppStore } from '../../store';
import { fmt } from './ContextLine';
import { useQuery } from './useQuery';

export const COOCCUR_N = 10;

/**
 * The features that fire together with this one most often, by Jaccard of the rows where each
 * fires, with the rows in common, lift and P(other | this) (src/sae/cooccurMath.ts); counted on
 * the GPU over the kept codes (src/sae/cooccurrence.ts).
 */
export function Cooccurrence({
  a,
  feature,
  onSelect,
}: {
  a: RunAnalysis;
  feature: number;
  onSelect: (j: number) => void;
}) {
  const labels = useAppStore((s) => s.labels[a.runId]);
  const key = `${a.runId}:${a.step}:${feature}`;
  const { value, error } = useQuery(key, () => queryCooccurrence(a.runId, feature, COOCCUR_N));
  return (
    <>
      <h4>Fires together with (Jaccard of the rows where each fires)</h4>
      {error && <p className="error">{error}</p>}
      {!value && !error && <p>Counting…</p>}
      {value && value.list.length === 0 && (
        <p data-testid="inspect.cooccurEmpty">
          No other feature fires on this feature&apos;s rows.
        </p>
      )}
      {value && value.list.length > 0 && (
        <table className="cooccur" data-testid="inspect.cooccur" data-fires={value.fires}>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Both fire</th>
              <th scope="col">Jaccard</th>
              <th scope="col">Lift</th>
              <th scope="col">P(it | this)</th>
            </tr>
          </thead>
          <tbody>
            {value.list.map((c) => (
              <tr
                key={c.feature}
                data-testid="inspect.cooccurRow"
                data-feature={c.feature}
                data-both={c.both}
                data-fires={c.fires}
                data-jaccard={c.jaccard}
              >
                <td>
                  <button type="button" className="link" onClick={() => onSelect(c.feature)}>
                    feature {c.feature}
                  </button>
                  {labels?.[c.feature]?.label && (
                    <span className="muted"> {labels[c.feature].label}</span>
                  )}
                </td>
                <td>
                  {c.both} of {c.fires}
                </td>
                <td>{fmt(c.jaccard)}</td>
                <td>{fmt(c.lift)}</td>
                <td>{fmt(c.conditional)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
