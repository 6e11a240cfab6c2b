/**
 * Histogram: one bar per bin, its height proportional to the count (the y scale starts at 0), its
 * width the bin's extent on a linear x scale. Each bar carries `data-count` and a `<title>`
 * (the bin and its count), so the chart reads the same to a screen reader, a test and an export.
 */
import { max, scaleLinear } from 'd3';
import type { Binned } from './bins';
import { axes, createFrame, type Frame, type FrameOptions } from './frame';

export interface HistogramOptions extends FrameOptions {
  xLabel: string;
  yLabel: string;
  /** Bar colour (default: the accent blue). */
  colour?: string;
  /** Shared domains for small multiples (default: the bins' extent and the largest count). */
  xDomain?: [number, number];
  yMax?: number;
  /** Formats a bin edge in the bar titles (default: up to 4 significant digits). */
  formatEdge?: (v: number) => string;
}

const defaultFormat = (v: number) => String(Number(v.toPrecision(4)));

export function histogramChart(data: Binned, opts: HistogramOptions): SVGSVGElement {
  const frame = createFrame(opts);
  const { plot, innerWidth, innerHeight } = frame;
  const n = data.counts.length;
  const x = scaleLinear()
    .domain(opts.xDomain ?? (n > 0 ? [data.edges[0], data.edges[n]] : [0, 1]))
    .range([0, innerWidth]);
  const y = scaleLinear()
    .domain([0, Math.max(1, opts.yMax ?? max(data.counts) ?? 1)])
    .range([innerHeight, 0]);
  const fmt = opts.formatEdge ?? defaultFormat;

  axes(frame, x, y, { x: opts.xLabel, y: opts.yLabel });

  drawBars(plot, data, x, (count) => y(count), innerHeight, opts.colour, fmt);
  return frame.svg.node()!;
}

/**
 * The bars of a histogram, shared by the linear and the log chart: one rect per bin from its top
 * (`barTop(count)`, in plot pixels) down to the x axis, with a 1-px gap between bars where they
 * are wide enough to show it, `data-count` and a `<title>` naming the bin and its count.
 */
export function drawBars(
  plot: Frame['plot'],
  data: Binned,
  x: (v: number) => number,
  barTop: (count: number) => number,
  innerHeight: number,
  colour: string | undefined,
  fmt: (v: number) => string,
): void {
  const bars = plot
    .append('g')
    .attr('class', 'bars')
    .attr('fill', colour ?? '#2a6fb0')
    .selectAll('rect')
    .data(data.counts.map((count, i) => ({ count, x0: data.edges[i], x1: data.edges[i + 1] })))
    .join('rect')
    .attr('class', 'bar')
    .attr('data-count', (d) => d.count)
    .attr('x', (d) => x(d.x0))
    .attr('width', (d) => {
      const w = x(d.x1) - x(d.x0);
      return Math.max(0, w > 3 ? w - 1 : w);
    })
    .attr('y', (d) => barTop(d.count))
    .attr('height', (d) => innerHeight - barTop(d.count));
  bars.append('title').text((d) => `${fmt(d.x0)} – ${fmt(d.x1)}: ${d.count}`);
}
