/**
 * Line chart of one or more series against a shared x (e.g. training step): axes, a legend and
 * one path per series. Pure: `(series, opts) => SVGSVGElement`, built on {@link createFrame}.
 * Non-finite points (and, on a log axis, points ≤ 0) leave a gap rather than a spike to ±∞,
 * so a skipped step or a NaN loss is visible as a break in the line.
 */
import { axisBottom, axisLeft, extent, line, scaleLinear, scaleLog, schemeTableau10 } from 'd3';
import { axisLabel, createFrame, type FrameOptions } from './frame';

export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** CSS colour; defaults to Tableau 10 by series index. */
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions extends FrameOptions {
  xLabel?: string;
  yLabel?: string;
  yScale?: 'linear' | 'log';
  /** Approximate tick counts (d3 picks round values near them). */
  xTicks?: number;
  yTicks?: number;
}

const LEGEND_ROW = 14;

export function lineChart(series: readonly LineSeries[], opts: LineChartOptions): SVGSVGElement {
  const log = opts.yScale === 'log';
  const ok = (y: number) => Number.isFinite(y) && (!log || y > 0);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      if (Number.isFinite(s.x[i]) && ok(s.y[i])) {
        xs.push(s.x[i]);
        ys.push(s.y[i]);
      }
    }
  }
  const frame = createFrame({ ...opts, margin: { top: 12 + LEGEND_ROW, ...opts.margin } });
  const { plot, innerWidth: w, innerHeight: h } = frame;

  const [x0, x1] = xs.length ? (extent(xs) as [number, number]) : [0, 1];
  const [y0, y1] = ys.length ? (extent(ys) as [number, number]) : log ? [1, 10] : [0, 1];
  const x = scaleLinear()
    .domain(x0 === x1 ? [x0 - 1, x1 + 1] : [x0, x1])
    .range([0, w]);
  const pad = (y1 - y0) * 0.05 || Math.abs(y0) * 0.05 || 1;
  const y = log
    ? scaleLog()
        .domain(y0 === y1 ? [y0 / 2, y1 * 2] : [y0, y1])
        .range([h, 0])
        .nice()
    : scaleLinear()
        .domain([y0 - pad, y1 + pad])
        .range([h, 0])
        .nice();

  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${h})`)
    .call(axisBottom(x).ticks(opts.xTicks ?? 5));
  plot
    .append('g')
    .attr('class', 'axis axis-y')
    .call(axisLeft(y).ticks(opts.yTicks ?? 4, '~g'));
  if (opts.xLabel) axisLabel(frame, 'x', opts.xLabel);
  if (opts.yLabel) axisLabel(frame, 'y', opts.yLabel);

  if (!xs.length) {
    plot
      .append('text')
      .attr('class', 'empty')
      .attr('x', w / 2)
      .attr('y', h / 2)
      .attr('text-anchor', 'middle')
      .attr('fill', 'currentColor')
      .text('no data yet');
  }

  series.forEach((s, i) => {
    const color = s.color ?? schemeTableau10[i % schemeTableau10.length];
    const idx = Array.from({ length: Math.min(s.x.length, s.y.length) }, (_, j) => j);
    const path = line<number>()
      .defined((j) => Number.isFinite(s.x[j]) && ok(s.y[j]))
      .x((j) => x(s.x[j]))
      .y((j) => y(s.y[j]));
    plot
      .append('path')
      .attr('class', 'series')
      .attr('data-series', s.name)
      .attr('fill', 'none')
      .attr('stroke', color)
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', s.dashed ? '4 3' : null)
      .attr('d', path(idx) ?? '');
    // Legend: one swatch and name per series, left to right above the plot.
    const item = plot
      .append('g')
      .attr('class', 'legend-item')
      .attr('transform', `translate(${(i * w) / Math.max(series.length, 1)},${-LEGEND_ROW})`);
    item
      .append('line')
      .attr('x1', 0)
      .attr('x2', 14)
      .attr('y1', -4)
      .attr('y2', -4)
      .attr('stroke', color)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', s.dashed ? '4 3' : null);
    item.append('text').attr('x', 18).attr('y', 0).attr('fill', 'currentColor').text(s.name);
  });
  return frame.svg.node()!;
}
