import { useCallback } from 'react';
import { equalBins } from '../../charts/bins';
import { histogramChart } from '../../charts/histogram';
import { scatterChart } from '../../charts/scatter';
import type { RunAnalysis } from '../../session/analyses';
import { useAppStore } from '../../store';
import type { BrushRange } from '../../store/inspectSlice';
import { ChartBox } from './ChartBox';

const SIZE = { width: 360, height: 220 };

/** The x of the scatter: k̂ for SoftSAE, L0 for TopK (whose k̂ does not exist). */
export function scatterX(a: RunAnalysis): { values: ArrayLike<number>; label: string } {
  return a.kHat ? { values: a.kHat, label: 'k̂' } : { values: a.l0, label: 'L0' };
}

/** Reconstruction error: its histogram, and error against k̂ (or L0) with a brush that filters. */
export function ErrorCharts({ a }: { a: RunAnalysis }) {
  const brush = useAppStore((s) => s.inspect.brush);
  const setBrush = useAppStore((s) => s.setBrush);
  const x = scatterX(a);
  const hist = useCallback(
    () =>
      histogramChart(equalBins(a.sqErr, 30), {
        ...SIZE,
        title: 'Reconstruction error per input',
        xLabel: '‖x − x̂‖² (normalised input)',
        yLabel: 'inputs',
        colour: '#b3261e',
      }),
    [a],
  );
  const scatter = useCallback(
    () =>
      scatterChart(
        { x: x.values, y: a.sqErr },
        {
          ...SIZE,
          title: `Reconstruction error vs ${x.label}`,
          xLabel: x.label,
          yLabel: '‖x − x̂‖²',
          selection: brush,
          onBrush: setBrush,
        },
      ),
    // Rebuilt when the selection changes so it shows a range typed into the inputs below.
    [a, x.values, x.label, brush, setBrush],
  );
  return (
    <>
      <div className="chart-row">
        <ChartBox
          name={`${a.runId}-error`}
          label="the error histogram"
          build={hist}
          testId="inspect.errHist"
        />
        <ChartBox
          name={`${a.runId}-error-vs-${x.label === 'k̂' ? 'khat' : 'l0'}`}
          label={`the error vs ${x.label} scatter`}
          build={scatter}
          testId="inspect.scatter"
        />
      </div>
      <BrushInputs brush={brush} xLabel={x.label} onChange={setBrush} />
    </>
  );
}

/** The brushed range as labelled number inputs: the keyboard way to filter the token view. */
function BrushInputs({
  brush,
  xLabel,
  onChange,
}: {
  brush: BrushRange | null;
  xLabel: string;
  onChange: (b: BrushRange | null) => void;
}) {
  const r = brush ?? { x: [-Infinity, Infinity], y: [-Infinity, Infinity] };
  const field = (axis: 'x' | 'y', i: 0 | 1, label: string) => (
    <label>
      {label}
      <input
        type="number"
        step="any"
        value={Number.isFinite(r[axis][i]) ? Number(r[axis][i].toPrecision(6)) : ''}
        data-testid={`inspect.brush.${axis}${i}`}
        onChange={(e) => {
          const v =
            e.target.value === '' ? (i === 0 ? -Infinity : Infinity) : Number(e.target.value);
          const next: BrushRange = { x: [...r.x], y: [...r.y] };
          next[axis][i] = v;
          onChange(next);
        }}
      />
    </label>
  );
  return (
    <fieldset className="brush-inputs" data-testid="inspect.brush">
      <legend>Filter the tokens by the scatter&apos;s range (drag on the scatter, or type)</legend>
      {field('x', 0, `${xLabel} from`)}
      {field('x', 1, `${xLabel} to`)}
      {field('y', 0, 'error from')}
      {field('y', 1, 'error to')}
      <button
        type="button"
        onClick={() => onChange(null)}
        disabled={!brush}
        data-testid="inspect.brush.clear"
      >
        Clear filter
      </button>
    </fieldset>
  );
}
