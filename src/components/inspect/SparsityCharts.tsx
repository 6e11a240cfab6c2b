import { useCallback } from 'react';
import { equalBins, integerBins, integerCounts } from '../../charts/bins';
import { histogramChart } from '../../charts/histogram';
import type { RunAnalysis } from '../../session/analyses';
import { ChartBox } from './ChartBox';

const SIZE = { width: 360, height: 200 };

/** Active-feature counts: the per-input L0 histogram and, for SoftSAE, the k̂ histogram. */
export function SparsityCharts({ a }: { a: RunAnalysis }) {
  const l0 = useCallback(
    () =>
      histogramChart(integerBins(integerCounts(a.l0)), {
        ...SIZE,
        title: 'Active features per input (L0)',
        xLabel: 'L0 (nonzero features)',
        yLabel: 'inputs',
      }),
    [a],
  );
  const kHat = useCallback(
    () =>
      histogramChart(equalBins(a.kHat!, 24), {
        ...SIZE,
        title: 'Predicted k̂ per input',
        xLabel: 'k̂',
        yLabel: 'inputs',
        colour: '#5b8c3a',
      }),
    [a],
  );
  return (
    <div className="chart-row">
      <ChartBox
        name={`${a.runId}-l0`}
        label="the L0 histogram"
        build={l0}
        testId="inspect.l0Hist"
      />
      {a.kHat ? (
        <ChartBox
          name={`${a.runId}-khat`}
          label="the k̂ histogram"
          build={kHat}
          testId="inspect.kHatHist"
        />
      ) : (
        <p className="muted">TopK keeps the same k for every input: no k̂ to show.</p>
      )}
    </div>
  );
}
