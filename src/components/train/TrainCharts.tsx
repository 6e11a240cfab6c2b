import { useEffect, useRef } from 'react';
import { lineChart, type LineSeries } from '../../charts/lineChart';
import type { StepMetrics } from '../../sae/trainer';
import { useAppStore } from '../../store';
import { selectBatchSize } from '../../store/selectors';

/** Most points drawn per series: enough for the eye, bounded work per redraw. */
const MAX_DRAWN = 120;
/** Redraws at most this often while training: each is a few ms of main-thread SVG work. */
const REDRAW_MS = 1000;

/** A metric of a step; `B` is the run's batch size. */
type Pick = (m: StepMetrics, B: number) => number;
interface ChartSpec {
  id: string;
  title: string;
  yLabel: string;
  yScale?: 'log';
  series: { name: string; get: Pick; dashed?: boolean }[];
}

const CHARTS: ChartSpec[] = [
  {
    id: 'loss',
    title: 'Loss terms',
    yLabel: 'loss',
    series: [
      { name: 'total', get: (m) => m.loss },
      { name: 'L2 (reconstruction)', get: (m) => m.l2 },
      { name: 'k-loss', get: (m) => m.kLoss, dashed: true },
    ],
  },
  {
    // The step metrics have no FVU; on normalised inputs (mean ‖x_n‖² = 1) the L2 term is the
    // fraction of (uncentred) energy left unexplained, which FVU refines by centring.
    id: 'l2',
    title: 'Reconstruction error, normalised (≈ FVU without centring)',
    yLabel: 'mean ‖x_n − x̂‖²',
    yScale: 'log',
    series: [{ name: 'L2 / E‖x_n‖²', get: (m) => m.l2 }],
  },
  {
    // The soft top-k weighs every feature by a Laplace CDF, p = ½·e^{−(t−h)/α} below the
    // threshold t: never exactly 0 in exact arithmetic, 0 in float32 only once (t − h) ≫ α. So
    // in the soft phase the count of nonzero codes is not the number of features the model uses
    // (with α = 0.01 it is most of F); the effective count there is k̂, whose floor the hard
    // path keeps. The chart draws the two counts as separate series so neither passes for L0.
    id: 'khat',
    title: 'k̂ per batch (mean, min, max) and L0',
    yLabel: 'features per row',
    series: [
      { name: 'mean k̂ (effective count)', get: (m) => m.kMean },
      { name: 'min k̂', get: (m) => m.kMin, dashed: true },
      { name: 'max k̂', get: (m) => m.kMax, dashed: true },
      // Counted only on the sparse route; a dense step leaves a gap rather than a wrong value.
      {
        name: 'mean L0 (hard phase, TopK)',
        get: (m, B) => (m.sparse && m.mode !== 'soft' ? m.activeCodes / B : NaN),
      },
      {
        name: 'soft codes ≠ 0 per row (not L0: soft weights are rarely exactly 0)',
        get: (m, B) => (m.sparse && m.mode === 'soft' ? m.activeCodes / B : NaN),
        dashed: true,
      },
    ],
  },
  {
    id: 'dead',
    title: 'Dead features',
    yLabel: 'features',
    series: [{ name: 'dead', get: (m) => m.deadCount }],
  },
  {
    id: 'lr',
    title: 'Learning rate',
    yLabel: 'lr',
    series: [{ name: 'lr', get: (m) => m.lr }],
  },
];

function draw(el: HTMLElement, spec: ChartSpec, history: readonly StepMetrics[], B: number): void {
  const stride = Math.max(1, Math.ceil(history.length / MAX_DRAWN));
  const shown = history.filter((_, i) => i % stride === 0 || i === history.length - 1);
  const x = shown.map((m) => m.step);
  const series: LineSeries[] = spec.series.map((s) => ({
    name: s.name,
    x,
    y: shown.map((m) => s.get(m, B)),
    dashed: s.dashed,
  }));
  const svg = lineChart(series, {
    width: 520,
    height: 200,
    title: spec.title,
    xLabel: 'step',
    yLabel: spec.yLabel,
    yScale: spec.yScale,
  });
  el.replaceChildren(svg);
}

/**
 * Live charts of the step metrics. They redraw from a transient store subscription, throttled,
 * rather than on every React render, and each chart in its own task: a redraw costs the main
 * thread a few short tasks per {@link REDRAW_MS} instead of one long one.
 */
export function TrainCharts() {
  const refs = useRef<(HTMLDivElement | null)[]>([]);
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** The history each chart last drew. */
    const drawn: (readonly StepMetrics[] | null)[] = CHARTS.map(() => null);
    // Whether the charts are on screen, from the resize observer (a hidden tab has size 0):
    // asking the layout (offsetParent) here would force a style and layout pass per chart.
    let visible = false;
    const drawFrom = (i: number, history: readonly StepMetrics[]) => {
      const el = refs.current[i];
      if (visible && el && drawn[i] !== history) {
        draw(el, CHARTS[i], history, selectBatchSize(useAppStore.getState()));
        drawn[i] = history;
      }
      timer = i + 1 < CHARTS.length ? setTimeout(() => drawFrom(i + 1, history), 0) : undefined;
    };
    const redraw = () => {
      last = performance.now();
      drawFrom(0, useAppStore.getState().training.history);
    };
    const schedule = () => {
      if (timer === undefined)
        timer = setTimeout(redraw, Math.max(0, REDRAW_MS - (performance.now() - last)));
    };
    redraw();
    const unsubscribe = useAppStore.subscribe((s, prev) => {
      if (s.training.history !== prev.training.history) schedule();
    });
    const shown = new ResizeObserver((entries) => {
      visible = entries[entries.length - 1].contentRect.width > 0;
      if (visible) schedule();
    });
    if (box.current) shown.observe(box.current);
    return () => {
      unsubscribe();
      shown.disconnect();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
  return (
    <div className="charts" ref={box}>
      {CHARTS.map((c, i) => (
        <figure key={c.id} data-testid={`train.chart.${c.id}`}>
          <div ref={(el) => void (refs.current[i] = el)} />
        </figure>
      ))}
      <p className="muted chart-note">
        L0 (nonzero codes per row) is counted on steps that take the sparse route; steps that ran
        dense leave a gap. The evaluation after training gives the mean L0 over all rows.
      </p>
    </div>
  );
}
