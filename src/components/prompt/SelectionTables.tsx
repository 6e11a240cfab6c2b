import { useState } from 'react';
import { useAppStore } from '../../store';
import {
  contrast,
  rankSelection,
  type ContrastKey,
  type ContrastRow,
  type SelectionKey,
  type SelectionSumsLike,
} from './selectionStats';

const fmt = (v: number) => Number(v.toPrecision(4)).toString();
/** Rows of each ranked table. */
const TOP = 20;

function FeatureButton({ j }: { j: number }) {
  const selectFeature = useAppStore((s) => s.selectFeature);
  return (
    <button type="button" className="link" onClick={() => selectFeature(j)}>
      feature {j}
    </button>
  );
}

/** The features of one selection, ranked by their total or mean activation over it. */
export function SelectionFeatures({ sums }: { sums: SelectionSumsLike }) {
  const [by, setBy] = useState<SelectionKey>('total');
  const ranked = rankSelection(sums, by, TOP);
  return (
    <div>
      <label>
        Rank by{' '}
        <select
          value={by}
          onChange={(e) => setBy(e.target.value as SelectionKey)}
          data-testid="prompt.rankBy"
        >
          <option value="total">total activation</option>
          <option value="mean">mean activation per selected token</option>
        </select>
      </label>
      <table data-testid="prompt.features">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">tokens active</th>
            <th scope="col">total</th>
            <th scope="col">mean</th>
          </tr>
        </thead>
        <tbody>
          {ranked.map((r) => (
            <tr key={r.feature} data-feature={r.feature} data-count={r.count}>
              <th scope="row">
                <FeatureButton j={r.feature} />
              </th>
              <td>
                {r.count} / {sums.rows}
              </td>
              <td data-value={r.total}>{fmt(r.total)}</td>
              <td data-value={r.mean}>{fmt(r.mean)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ContrastTable({
  rows,
  testId,
  caption,
  nA,
  nB,
}: {
  rows: ContrastRow[];
  testId: string;
  caption: string;
  nA: number;
  nB: number;
}) {
  return (
    <table data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Feature</th>
          <th scope="col">count A (of {nA})</th>
          <th scope="col">count B (of {nB})</th>
          <th scope="col">Δ frequency</th>
          <th scope="col">Δ mean</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.feature}
            data-feature={r.feature}
            data-count-a={r.countA}
            data-count-b={r.countB}
          >
            <th scope="row">
              <FeatureButton j={r.feature} />
            </th>
            <td>{r.countA}</td>
            <td>{r.countB}</td>
            <td>{fmt(r.dFreq)}</td>
            <td title={`mean A ${fmt(r.meanA)}, mean B ${fmt(r.meanB)}`}>{fmt(r.dMean)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Two selections contrasted: the features most typical of A, and of B. */
export function ContrastTables({ a, b }: { a: SelectionSumsLike; b: SelectionSumsLike }) {
  const [by, setBy] = useState<ContrastKey>('dFreq');
  const { moreInA, moreInB } = contrast(a, b, by, TOP);
  return (
    <div>
      <label>
        Rank by{' '}
        <select
          value={by}
          onChange={(e) => setBy(e.target.value as ContrastKey)}
          data-testid="prompt.contrastBy"
        >
          <option value="dFreq">difference in firing frequency</option>
          <option value="dMean">difference in mean activation</option>
        </select>
      </label>
      <div className="contrast">
        <ContrastTable
          rows={moreInA}
          testId="prompt.moreInA"
          caption="More in A"
          nA={a.rows}
          nB={b.rows}
        />
        <ContrastTable
          rows={moreInB}
          testId="prompt.moreInB"
          caption="More in B"
          nA={a.rows}
          nB={b.rows}
        />
      </div>
    </div>
  );
}
