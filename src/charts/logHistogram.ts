/**
 * Histogram with a log-scaled count axis, for a feature's activation density: the counts of a
 * feature's activations per bin span orders of magnitude (many small activations, a few large
 * ones), which a linear axis flattens into one tall bar. Bar height ∝ log(count / FLOOR) with the
 * axis starting at FLOOR = 0.5, so a bin with 1 input still shows (height log 2 / log(max/0.5) of
 * the plot) and an empty bin has no bar. The x axis is linear over the bins' edges. Bars carry
 * `data-count` and a `<title>` like the linear histogram (src/charts/histogram.ts).
 */
import { max, scaleLinear, scaleLog } from 'd3';
import type { Binned } from './bins';
import { axes, createFrame, type FrameOptions } from './frame';
import { drawBars } from './histogram';

/** Where the log axis starts: below 1, so a single count is visible. */
export const LOG_FLOOR = 0.5;

export interface LogHistogramOptions extends FrameOptions {
  xLabel: string;
  yLabel: string;
  colour?: string;
}

const fmt = (v: number) => String(Number(v.toPrecision(4)));

export function logHistogramChart(data: Binned, opts: LogHistogramOptions): SVGSVGElement {
  const frame = createFrame(opts);
  const { plot, innerWidth, innerHeight } = frame;
  const n = data.counts.length;
  const x = scaleLinear()
    .domain(n > 0 ? [data.edges[0], data.edges[n]] : [0, 1])
    .range([0, innerWidth]);
  const top = Math.max(1, max(data.counts) ?? 1);
  const y = scaleLog().domain([LOG_FLOOR, top]).range([innerHeight, 0]);
  axes(frame, x, y, { x: opts.xLabel, y: opts.yLabel });
  // Log axes label every power of ten; keep whole-number labels only (no "0.5").
  plot
    .selectAll<SVGGElement, number>('.y-axis .tick')
    .filter((d) => !Number.isInteger(d))
    .select('text')
    .text('');

  // An empty bin has no bar (log 0 is off the axis).
  const barTop = (count: number) => (count > 0 ? y(count) : innerHeight);
  drawBars(plot, data, x, barTop, innerHeight, opts.colour, fmt);
  return frame.svg.node()!;
}
