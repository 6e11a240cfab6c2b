import { useCallback } from 'react';
import { boxByCountChart } from '../../charts/boxByCount';
import type { GroundTruthSummary } from '../../data/groundTruth';
import { ChartBox } from './ChartBox';

const fmt = (v: number | null) =>
  v !== null && Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : '—';

/**
 * The paper's claim on data whose generator is known (the built-in corpora): does k̂ follow each
 * input's true number of active features, and did the decoder find the true features?
 */
export function GroundTruth({ runId, truth }: { runId: string; truth: GroundTruthSummary }) {
  const measure = truth.measure === 'kHat' ? 'k̂' : 'L0';
  const build = useCallback(
    () =>
      boxByCountChart(truth.byCount, {
        width: 480,
        height: 240,
        title: `${measure} by true active count`,
        xLabel: 'true active features of the input',
        yLabel: measure,
      }),
    [truth, measure],
  );
  return (
    <div className="chart-row">
      <ChartBox
        name={`${runId}-by-count`}
        label={`the ${measure} by true count chart`}
        build={build}
        testId="inspect.byCount"
      />
      <table data-testid="inspect.truth">
        <tbody>
          {truth.spearmanKHat !== null && (
            <tr>
              <th scope="row">Spearman(k̂, true count)</th>
              <td data-testid="inspect.spearmanKHat">{fmt(truth.spearmanKHat)}</td>
            </tr>
          )}
          <tr>
            <th scope="row">Spearman(L0, true count)</th>
            <td data-testid="inspect.spearmanL0">{fmt(truth.spearmanL0)}</td>
          </tr>
          <tr>
            <th
              scope="row"
              title="mean over the true atoms of the best |cosine| with a decoder atom"
            >
              Feature recovery (mean max cosine, {truth.G} true atoms)
            </th>
            <td data-testid="inspect.recovery">{fmt(truth.recovery)}</td>
          </tr>
          <tr>
            <th scope="row">True atoms recovered at cosine ≥ 0.9</th>
            <td data-testid="inspect.recovered">{fmt(100 * truth.recoveredFraction)} %</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
