import { useCallback, useDeferredValue } from 'react';
import { logHistogramChart } from '../../charts/logHistogram';
import { meanActivation, type RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { queryNeighbors } from '../../session/queries';
import { useAppStore } from '../../store';
import { ChartBox } from './ChartBox';
import { CONTEXT, ContextLine, fmt } from './ContextLine';
import { Cooccurrence } from './Cooccurrence';
import { FeatureBands } from './FeatureBands';
import { FeatureLabelEditor } from './FeatureLabelEditor';
import { useFeatureActs } from './useFeatureActs';
import { useQuery } from './useQuery';

const NEIGHBORS = 8;

/**
 * One feature, as a researcher reads it: its label and note, statistics, activation density (log
 * scale), top activations and quantile bands below them with their contexts, the features that
 * fire with it, and the nearest features by decoder direction.
 */
export function FeaturePage({ a, ds }: { a: RunAnalysis; ds: LoadedDataset | undefined }) {
  // A page holds hundreds of context tokens. Rendering it at deferred priority lets React split
  // the work into short, interruptible slices, so the click that selects a feature (and the
  // table's highlight) is never held behind one long main-thread task; the same for the
  // activations that shade the contexts when they arrive.
  const j = useDeferredValue(useAppStore((s) => s.inspect.feature));
  const selectFeature = useAppStore((s) => s.selectFeature);
  const selectRow = useAppStore((s) => s.selectRow);
  const acts = useDeferredValue(useFeatureActs(a.runId, a.step, j, j !== null));
  const hist = useCallback(() => {
    const bins = a.bins;
    const f = j ?? 0;
    const hi = a.histHi[f];
    return logHistogramChart(
      {
        edges: Array.from({ length: bins + 1 }, (_, i) => (hi * i) / bins),
        counts: Array.from(a.hist.subarray(f * bins, (f + 1) * bins)),
      },
      {
        width: 360,
        height: 180,
        title: `Activation density of feature ${f} (inputs where it fires, log scale)`,
        xLabel: 'activation',
        yLabel: 'inputs (log scale)',
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
      <FeatureLabelEditor key={`${a.runId}:${j}`} runId={a.runId} feature={j} />
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
          label={`the activation density of feature ${j}`}
          build={hist}
          testId="inspect.featureHist"
        />
      ) : (
        <p>This feature never fired on this dataset.</p>
      )}
      <h4>
        Top {a.topN} activations (±{CONTEXT} tokens of context)
      </h4>
      <ol className="top-tokens" data-testid="inspect.topTokens">
        {top.map(({ row, value }) => (
          <ContextLine
            key={row}
            row={row}
            value={value}
            rows={a.rows}
            ds={ds}
            acts={acts}
            max={a.actMax[j]}
            onSelectRow={selectRow}
          />
        ))}
      </ol>
      {a.fireCount[j] > 0 && (
        <>
          <FeatureBands a={a} ds={ds} feature={j} acts={acts} onSelectRow={selectRow} />
          <Cooccurrence a={a} feature={j} onSelect={selectFeature} />
        </>
      )}
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
  const { value } = useQuery(`${runId}:${feature}`, () =>
    queryNeighbors(runId, feature, NEIGHBORS),
  );
  const list = value && Array.from(value.neighbors, (n, i) => [n, value.cosines[i]] as const);
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
