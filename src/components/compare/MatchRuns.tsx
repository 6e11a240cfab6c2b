import { memo, startTransition, useCallback, useMemo, useState, type ReactNode } from 'react';
import { equalBins } from '../../charts/bins';
import { matchHistogramChart } from '../../charts/matchHistogram';
import { getAnalysis } from '../../session/analyses';
import { queryMatch } from '../../session/queries';
import type { RunSummary } from '../../store/runsSlice';
import { ChartBox } from '../inspect/ChartBox';

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '—');
/** Table rows shown at most (sorted first, so the worst or best matches are always there). */
const SHOWN = 200;
const BIN = 0.05;

type Match = Awaited<ReturnType<typeof queryMatch>>;
type Direction = 'aToB' | 'bToA';

const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / v.length;

/** Cosine bins of width 0.05 from the lowest cosine (at most −1) up to 1. */
function bins(m: Match) {
  const all = [...m.aCosine, ...m.bCosine].filter(Number.isFinite);
  const lo = Math.max(-1, Math.floor(Math.min(0, ...all) / BIN) * BIN);
  const n = Math.round((1 - lo) / BIN);
  // Float32 cosines of parallel atoms may exceed 1 by an ulp: count them in the top bin.
  const of = (v: Float32Array) =>
    equalBins(
      v.map((x) => Math.min(x, 1)),
      n,
      [lo, 1],
    );
  return { a: of(m.aCosine), b: of(m.bCosine) };
}

/**
 * Two runs (or loaded SAEs) of the same D matched feature by feature: each decoder atom's best
 * partner in the other run by cosine (computed on the GPU by the engine), the mean of those best
 * cosines both ways, their histogram and a table linking to both feature pages.
 */
export function MatchRuns({
  runs,
  labels,
  onOpenFeature,
}: {
  runs: readonly RunSummary[];
  labels: Map<string, string>;
  onOpenFeature?: (runId: string, feature: number) => void;
}) {
  const [a, setA] = useState<string>('');
  const [b, setB] = useState<string>('');
  const [match, setMatch] = useState<Match | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dir, setDir] = useState<Direction>('aToB');
  const [sort, setSort] = useState<'feature' | 'cosine'>('feature');
  const runA = runs.some((r) => r.runId === a) ? a : (runs[0]?.runId ?? '');
  const D = getAnalysis(runA)?.D;
  const partners = runs.filter((r) => getAnalysis(r.runId)?.D === D);
  const runB = partners.some((r) => r.runId === b) ? b : (partners.at(-1)?.runId ?? '');

  const run = () => {
    setBusy(true);
    setError(null);
    queryMatch(runA, runB).then(
      // A transition: the table's hundreds of rows render in short slices, not one long task.
      (m) =>
        startTransition(() => {
          setMatch(m);
          setBusy(false);
        }),
      (e: Error) => {
        setError(e.message);
        setBusy(false);
      },
    );
  };
  const chart = useCallback(() => {
    const h = bins(match!);
    return matchHistogramChart(
      {
        edges: h.a.edges,
        series: [
          { key: 'a', label: 'A → B', colour: '#2a6fb0', counts: h.a.counts },
          { key: 'b', label: 'B → A', colour: '#d97706', counts: h.b.counts },
        ],
      },
      {
        width: 480,
        height: 220,
        title: 'Best-match decoder cosines',
        xLabel: 'cosine with the best partner',
        yLabel: 'features',
      },
    );
  }, [match]);
  const table = useMemo(() => {
    if (!match) return [];
    const [partner, cosine, back] =
      dir === 'aToB'
        ? [match.aPartner, match.aCosine, match.bPartner]
        : [match.bPartner, match.bCosine, match.aPartner];
    const rows: TableRow[] = Array.from(partner, (p, j) => ({
      j,
      p,
      cos: cosine[j],
      mutual: back[p] === j,
    }));
    if (sort === 'cosine') rows.sort((x, y) => x.cos - y.cos || x.j - y.j);
    return rows;
  }, [match, dir, sort]);
  const [from, to] = match
    ? dir === 'aToB'
      ? [match.runA, match.runB]
      : [match.runB, match.runA]
    : ['', ''];
  const link = useCallback(
    (runId: string, j: number) => (
      <button type="button" className="link" onClick={() => onOpenFeature?.(runId, j)}>
        feature {j}
      </button>
    ),
    [onOpenFeature],
  );

  return (
    <div data-testid="compare.match">
      <div className="controls">
        <label>
          Run A{' '}
          <select value={runA} onChange={(e) => setA(e.target.value)} data-testid="compare.matchA">
            {runs.map((r) => (
              <option key={r.runId} value={r.runId}>
                {labels.get(r.runId)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Run B{' '}
          <select value={runB} onChange={(e) => setB(e.target.value)} data-testid="compare.matchB">
            {partners.map((r) => (
              <option key={r.runId} value={r.runId}>
                {labels.get(r.runId)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={run}
          disabled={busy || !runA || !runB}
          data-testid="compare.matchRun"
        >
          {busy ? 'Matching…' : 'Match features'}
        </button>
        {D !== undefined && <span className="muted">runs of D = {D}</span>}
      </div>
      {error && <p role="alert">{error}</p>}
      {match && (
        <>
          <p data-testid="compare.matchSummary">
            mean max cosine A → B{' '}
            <strong data-testid="compare.meanAB">{fmt(mean(match.aCosine))}</strong> · B → A{' '}
            <strong data-testid="compare.meanBA">{fmt(mean(match.bCosine))}</strong> · matched{' '}
            {match.aCosine.length} × {match.bCosine.length} features on the GPU in{' '}
            {fmt(match.seconds)} s
          </p>
          <ChartBox
            name={`match-${match.runA}-${match.runB}`}
            label="the best-match cosine histogram"
            build={chart}
            testId="compare.matchHist"
          />
          <div className="controls">
            <select
              value={dir}
              onChange={(e) => setDir(e.target.value as Direction)}
              aria-label="direction"
              data-testid="compare.matchDir"
            >
              <option value="aToB">features of A, best partner in B</option>
              <option value="bToA">features of B, best partner in A</option>
            </select>
            <select
              value={sort}
              onChange={(e) => setSort(e.target.value as 'feature' | 'cosine')}
              aria-label="order"
            >
              <option value="feature">by feature</option>
              <option value="cosine">lowest cosine first</option>
            </select>
            {table.length > SHOWN && (
              <span className="muted">
                the first {SHOWN} of {table.length}
              </span>
            )}
          </div>
          <table data-testid="compare.matchTable">
            <thead>
              <tr>
                <th scope="col">
                  {dir === 'aToB' ? 'A' : 'B'}: {labels.get(from)}
                </th>
                <th scope="col">
                  best in {dir === 'aToB' ? 'B' : 'A'}: {labels.get(to)}
                </th>
                <th scope="col">cosine</th>
                <th scope="col">mutual best</th>
              </tr>
            </thead>
            <tbody>
              {table.slice(0, SHOWN).map((r) => (
                <MatchRow key={r.j} row={r} from={from} to={to} link={link} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

interface TableRow {
  j: number;
  p: number;
  cos: number;
  mutual: boolean;
}

/**
 * One table row, its own component so that React renders the table's hundreds of rows in short
 * slices (the result arrives as a transition) rather than inside one long render of the view.
 */
const MatchRow = memo(function MatchRow({
  row: r,
  from,
  to,
  link,
}: {
  row: TableRow;
  from: string;
  to: string;
  link: (runId: string, j: number) => ReactNode;
}) {
  return (
    <tr data-feature={r.j} data-partner={r.p} data-cosine={r.cos}>
      <th scope="row">{link(from, r.j)}</th>
      <td>{r.p >= 0 ? link(to, r.p) : '—'}</td>
      <td>{fmt(r.cos)}</td>
      <td>{r.mutual ? 'yes' : ''}</td>
    </tr>
  );
});
