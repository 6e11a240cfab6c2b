import { useCallback, useEffect, useState } from 'react';
import { histogramChart } from '../../charts/histogram';
import { meanActivation, type RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { queryNeighbors } from '../../session/queries';
import { useAppStore } from '../../store';
import { ChartBox } from './ChartBox';
import { tokenLabel } from './TokenView';
import { contextRows } from './tokenLayout';
import { useFeatureActs } from './useFeatureActs';

const CONTEXT = 5;
const NEIGHBORS = 8;
const fmt = (v: number) => Number(v.toPrecision(4)).toString();

/** One feature: its statistics, activation histogram, top tokens in context and nearest features. */
export function FeaturePage({ a, ds }: { a: RunAnalysis; ds: LoadedDataset | undefined }) {
  const j = useAppStore((s) => s.inspect.feature);
  const selectFeature = useAppStore((s) => s.selectFeature);
  const selectRow = useAppStore((s) => s.selectRow);
  const acts = useFeatureActs(a.runId, a.step, j, j !== null);
  const hist = useCallback(() => {
    const bins = a.bins;
    const f = j ?? 0;
    const hi = a.histHi[f];
    return histogramChart(
      {
        edges: Array.from({ length: bins + 1 }, (_, i) => (hi * i) / bins),
        counts: Array.from(a.hist.subarray(f * bins, (f + 1) * bins)),
      },
      {
        width: 360,
        height: 180,
        title: `Activations of feature ${f} (inputs where it fires)`,
        xLabel: 'activation',
        yLabel: 'inputs',
        colour: '#5b8c3a',
      },
    );
  }, [a, j]);

  if (j === null || j >= a.F)
    return <p className="muted">Select a feature in the table (or in a token&apos;s list).</p>;
  const top = Array.from({ length: a.topN }, (_, i) => ({
    row: a.topRows[j * a.topN + i],
    value: a.topValues[j * a.topN + i],
  })).filter((t) => t.row >= 0);

  return (
    <section aria-labelledby="feature-title" data-testid="inspect.feature" data-feature={j}>
      <h3 id="feature-title">Feature {j}</h3>
      <dl className="facts" data-testid="inspect.featureStats">
        <dt>fires on</dt>
        <dd>
          {a.fireCount[j]} of {a.rows} inputs
        </dd>
        <dt>density</dt>
        <dd>{fmt(a.fireCount[j] / a.rows)}</dd>
        <dt>mean activation (when firing)</dt>
        <dd>{fmt(meanActivation(a, j))}</dd>
        <dt>max activation</dt>
        <dd>{fmt(a.actMax[j])}</dd>
      </dl>
      {a.fireCount[j] > 0 ? (
        <ChartBox
          name={`${a.runId}-feature-${j}`}
          label={`the activation histogram of feature ${j}`}
          build={hist}
          testId="inspect.featureHist"
        />
      ) : (
        <p>This feature never fired on this dataset.</p>
      )}
      <h4>Top-activating tokens (±{CONTEXT} tokens of context)</h4>
      <ol className="top-tokens" data-testid="inspect.topTokens">
        {top.map(({ row, value }) => (
          <li key={row} data-row={row}>
            <span className="value">{fmt(value)}</span>{' '}
            {contextRows(row, a.rows, ds?.seq ?? null, CONTEXT).map((r) =>
              r === row ? (
                <button
                  key={r}
                  type="button"
                  className="token top"
                  onClick={() => selectRow(r)}
                  aria-label={`row ${r}: ${tokenLabel(ds, r)}, activation ${fmt(value)}: inspect this row`}
                >
                  <mark>{tokenLabel(ds, r)}</mark>
                </button>
              ) : (
                <span key={r} className={acts && acts[r] > 0 ? 'ctx active' : 'ctx'}>
                  {tokenLabel(ds, r)}
                </span>
              ),
            )}
          </li>
        ))}
      </ol>
      <Neighbors runId={a.runId} feature={j} onSelect={selectFeature} />
    </section>
  );
}

function Neighbors({
  runId,
  feature,
  onSelect,
}: {
  runId: string;
  feature: number;
  onSelect: (j: number) => void;
}) {
  const key = `${runId}:${feature}`;
  const [nb, setNb] = useState<{ key: string; list: [number, number][] } | null>(null);
  useEffect(() => {
    let live = true;
    queryNeighbors(runId, feature, NEIGHBORS).then(
      (r) => live && setNb({ key, list: Array.from(r.neighbors, (n, i) => [n, r.cosines[i]]) }),
      () => {},
    );
    return () => void (live = false);
  }, [runId, feature, key]);
  const list = nb?.key === key ? nb.list : null;
  return (
    <>
      <h4>Nearest features (cosine of decoder directions)</h4>
      {!list && <p>Loading…</p>}
      {list && (
        <ol className="neighbors" data-testid="inspect.neighbors">
          {list.map(([n, c]) => (
            <li key={n} data-feature={n} data-cosine={c}>
              <button type="button" className="link" onClick={() => onSelect(n)}>
                feature {n}
              </button>{' '}
              cos {fmt(c)}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
