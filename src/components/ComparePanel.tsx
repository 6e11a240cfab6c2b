import { max } from 'd3';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { integerBins } from '../charts/bins';
import { compareChart } from '../charts/compare';
import { histogramChart } from '../charts/histogram';
import { useAppStore } from '../store';
import type { RunSummary } from '../store/runsSlice';
import { equalL0Pairs } from './compare/equalL0';
import { MatchRuns } from './compare/MatchRuns';
import { ChartBox } from './inspect/ChartBox';
import { runLabel } from './runLabel';

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '—');

/** Runs on the same dataset side by side: FVU against mean L0, and their L0 histograms. */
/** `active`: the tab is shown; hidden, the panel draws nothing (see InspectPanel). */
const NO_RUNS: readonly never[] = [];

export function ComparePanel({
  active = true,
  onOpenFeature,
}: {
  active?: boolean;
  /** Opens a run's feature page (in Inspect). */
  onOpenFeature?: (runId: string, feature: number) => void;
}) {
  // Deferred: a new run re-renders this panel in a later task than the Inspect panel's.
  const runs = useDeferredValue(useAppStore((s) => (active ? s.runs : NO_RUNS)));
  const datasets = useMemo(() => [...new Set(runs.map((r) => r.datasetId))], [runs]);
  const [chosen, setChosen] = useState<string | null>(null);
  const datasetId = chosen && datasets.includes(chosen) ? chosen : (runs.at(-1)?.datasetId ?? null);
  // The current sweep's runs are joined per architecture: its FVU–L0 curves.
  const sweep = useAppStore((s) => (active ? s.sweep : null));
  const seriesOf = useMemo(
    () => new Map(sweep?.runs.map((r) => [r.runId, `${sweep.plan.id}/${r.arch}`]) ?? []),
    [sweep],
  );
  const shown = useMemo(
    () =>
      runs.map((r, i) => ({ r, label: runLabel(r, i) })).filter((x) => x.r.datasetId === datasetId),
    [runs, datasetId],
  );
  const chart = useCallback(
    () =>
      compareChart(
        shown.map(({ r, label }) => ({
          id: r.runId,
          label,
          arch: r.arch,
          fvu: r.fvu,
          meanL0: r.meanL0,
          series: seriesOf.get(r.runId),
        })),
        {
          width: 480,
          height: 280,
          title: `FVU vs mean L0 on ${datasetId ?? '—'}`,
          margin: { right: 140 },
        },
      ),
    [shown, datasetId, seriesOf],
  );
  const hasTruth = shown.some((x) => x.r.truth);
  const labels = useMemo(() => new Map(runs.map((r, i) => [r.runId, runLabel(r, i)])), [runs]);
  // Shared axes, so the histograms compare at a glance.
  const maxL0 = max(shown, (x) => x.r.l0Hist.length) ?? 1;
  const maxCount = max(shown, (x) => max(x.r.l0Hist) ?? 0) ?? 1;

  return (
    <section className="panel wide" aria-labelledby="compare-title" data-testid="compare.panel">
      <h2 id="compare-title">Compare runs</h2>
      {runs.length === 0 ? (
        <p className="muted">
          Finished runs appear here; train two on the same data to compare them.
        </p>
      ) : (
        <>
          {datasets.length > 1 && (
            <label>
              Dataset{' '}
              <select
                value={datasetId ?? ''}
                onChange={(e) => setChosen(e.target.value)}
                data-testid="compare.dataset"
              >
                {datasets.map((d) => (
                  <option key={d}>{d}</option>
                ))}
              </select>
            </label>
          )}
          <ChartBox
            name={`compare-${datasetId}`}
            label="the FVU vs mean L0 chart"
            build={chart}
            testId="compare.chart"
          />
          <table data-testid="compare.runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">FVU</th>
                <th scope="col">mean L0</th>
                <th scope="col">dead features</th>
                {hasTruth && <th scope="col">Spearman(k̂, true count)</th>}
                {hasTruth && <th scope="col">feature recovery</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map(({ r, label }) => (
                <tr key={r.runId} data-run={r.runId}>
                  <th scope="row">{label}</th>
                  <td>{fmt(r.fvu)}</td>
                  <td>{fmt(r.meanL0)}</td>
                  <td>{fmt(100 * r.deadFraction)} %</td>
                  {hasTruth && <td>{fmt(r.truth?.spearmanKHat ?? NaN)}</td>}
                  {hasTruth && <td>{fmt(r.truth?.recovery ?? NaN)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
          <EqualL0 runs={runs} datasetId={datasetId} labels={labels} />
          <h3>Match features across runs</h3>
          <MatchRuns runs={runs} labels={labels} onOpenFeature={onOpenFeature} />
          <div className="chart-row" data-testid="compare.l0Hists">
            {shown.map(({ r, label }) => (
              <RunL0 key={r.runId} run={r} label={label} maxL0={maxL0} maxCount={maxCount} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function RunL0({
  run,
  label,
  maxL0,
  maxCount,
}: {
  run: RunSummary;
  label: string;
  maxL0: number;
  maxCount: number;
}) {
  const build = useCallback(
    () =>
      histogramChart(integerBins(run.l0Hist), {
        width: 260,
        height: 170,
        title: `L0 per input: ${label}`,
        xLabel: 'L0',
        yLabel: 'inputs',
        xDomain: [-0.5, maxL0 - 0.5],
        yMax: maxCount,
      }),
    [run, label, maxL0, maxCount],
  );
  return (
    <ChartBox
      name={`${run.runId}-l0`}
      label={`the L0 histogram of ${label}`}
      build={build}
      testId="compare.l0Hist"
    />
  );
}

/**
 * SoftSAE against TopK at equal mean L0 on the same data (spec §7): each SoftSAE run beside the
 * TopK run nearest in mean L0, and the TopK k that would match it when none does yet.
 */
function EqualL0({
  runs,
  datasetId,
  labels,
}: {
  runs: readonly RunSummary[];
  datasetId: string | null;
  labels: Map<string, string>;
}) {
  const pairs = useMemo(() => equalL0Pairs(runs, datasetId), [runs, datasetId]);
  if (pairs.length === 0) return null;
  return (
    <>
      <h3>SoftSAE against TopK at equal mean L0</h3>
      <table data-testid="compare.equalL0">
        <thead>
          <tr>
            <th scope="col">SoftSAE run</th>
            <th scope="col">mean L0</th>
            <th scope="col">FVU</th>
            <th scope="col">nearest TopK run</th>
            <th scope="col">mean L0</th>
            <th scope="col">FVU</th>
            <th scope="col">at equal L0</th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((p) => (
            <tr key={p.soft.runId} data-run={p.soft.runId}>
              <th scope="row">{labels.get(p.soft.runId)}</th>
              <td>{fmt(p.soft.meanL0)}</td>
              <td>{fmt(p.soft.fvu)}</td>
              <td>{p.topk ? labels.get(p.topk.runId) : '—'}</td>
              <td>{p.topk ? fmt(p.topk.meanL0) : '—'}</td>
              <td>{p.topk ? fmt(p.topk.fvu) : '—'}</td>
              <td data-testid="compare.verdict">
                {p.matched
                  ? p.softWins
                    ? 'SoftSAE reconstructs at least as well'
                    : 'TopK reconstructs better'
                  : `no TopK run at this L0: train TopK with k = ${p.matchingK} on this data`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
