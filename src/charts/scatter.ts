/**
 * Scatter of two per-row values (k̂ or L0 against the reconstruction error) with a rectangular
 * d3 brush. The brush reports its rectangle in data units through `onBrush` (null when cleared);
 * the caller filters its rows by it, so the filter covers every row even when the chart draws
 * only a regular subsample of them (`maxPoints`). Points are drawn as one path (see below).
 */
import { brush as d3brush, scaleLinear, type ScaleLinear } from 'd3';
import { extent } from './bins';
import { axes, createFrame, type FrameOptions } from './frame';

/** A rectangle in data units: x ∈ [x0, x1], y ∈ [y0, y1]. */
export interface DataRange {
  x: [number, number];
  y: [number, number];
}

export interface ScatterOptions extends FrameOptions {
  xLabel: string;
  yLabel: string;
  /** Most points drawn (every ⌈n / maxPoints⌉-th row); default 4000. */
  maxPoints?: number;
  /** Called when the user finishes a brush gesture. */
  onBrush?: (range: DataRange | null) => void;
  /** A selection to show (e.g. restored from the store); does not call onBrush. */
  selection?: DataRange | null;
  colour?: string;
}

/** Domain of a scale over the values, padded by 5 % so no point sits on the frame. */
function paddedDomain(values: ArrayLike<number>): [number, number] {
  const [lo, hi] = extent(values);
  if (!Number.isFinite(lo)) return [0, 1];
  const pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
  return [lo - pad, hi + pad];
}

/** A brush rectangle in pixels [[left, top], [right, bottom]] → data ranges (y is inverted). */
export function pixelsToRange(
  sel: [[number, number], [number, number]],
  x: ScaleLinear<number, number>,
  y: ScaleLinear<number, number>,
): DataRange {
  const [[px0, py0], [px1, py1]] = sel;
  return { x: [x.invert(px0), x.invert(px1)], y: [y.invert(py1), y.invert(py0)] };
}

export function scatterChart(
  data: { x: ArrayLike<number>; y: ArrayLike<number> },
  opts: ScatterOptions,
): SVGSVGElement {
  const frame = createFrame(opts);
  const { plot, innerWidth, innerHeight } = frame;
  const x = scaleLinear().domain(paddedDomain(data.x)).range([0, innerWidth]);
  const y = scaleLinear().domain(paddedDomain(data.y)).range([innerHeight, 0]);
  axes(frame, x, y, { x: opts.xLabel, y: opts.yLabel });

  const n = Math.min(data.x.length, data.y.length);
  const stride = Math.max(1, Math.ceil(n / (opts.maxPoints ?? 4000)));
  const rows: number[] = [];
  for (let i = 0; i < n; i += stride)
    if (Number.isFinite(data.x[i]) && Number.isFinite(data.y[i])) rows.push(i);
  // All points as one path of zero-length round-capped segments ("M x,y h0"): one DOM node
  // instead of one per point, which keeps building and laying out the chart cheap.
  const fmt = (v: number) => String(Math.round(v * 100) / 100);
  plot
    .append('path')
    .attr('class', 'points')
    .attr('data-rows', rows.length)
    .attr('fill', 'none')
    .attr('stroke', opts.colour ?? '#2a6fb0')
    .attr('stroke-opacity', 0.5)
    .attr('stroke-width', 4)
    .attr('stroke-linecap', 'round')
    .attr('d', rows.map((i) => `M${fmt(x(data.x[i]))},${fmt(y(data.y[i]))}h0`).join(''));

  const b = d3brush<undefined>().extent([
    [0, 0],
    [innerWidth, innerHeight],
  ]);
  const g = plot.append('g').attr('class', 'brush');
  g.call(b);
  if (opts.selection) {
    // Clamped to the plot: a typed range may be open (±∞) or reach past the data.
    const s = opts.selection;
    const cx = (v: number) => Math.min(innerWidth, Math.max(0, x(v)));
    const cy = (v: number) => Math.min(innerHeight, Math.max(0, y(v)));
    b.move(g, [
      [cx(s.x[0]), cy(s.y[1])],
      [cx(s.x[1]), cy(s.y[0])],
    ]);
  }
  // Registered after the initial move, and only user gestures (with a sourceEvent) report.
  b.on(
    'end',
    (event: { sourceEvent?: unknown; selection: [[number, number], [number, number]] | null }) => {
      if (!event.sourceEvent || !opts.onBrush) return;
      opts.onBrush(event.selection ? pixelsToRange(event.selection, x, y) : null);
    },
  );
  return frame.svg.node()!;
}
