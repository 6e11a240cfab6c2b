/**
 * k̂ by true active count: one Tukey box per count (quartiles, median line, whiskers to the most
 * extreme values within 1.5·IQR) plus the mean as a dot, on linear scales. x is the true count
 * (band per count, so a missing count leaves no box), y the model's k̂ (or L0) from 0. The
 * diagonal y = x is drawn dashed: a model whose k̂ equals the true count sits on it. Each box
 * carries `data-count`, `data-median` and a `<title>` with its numbers.
 */
import { max, scaleBand, scaleLinear } from 'd3';
import { axes, createFrame, type FrameOptions } from './frame';

/** One box: the statistics of the values at one true count (src/data/groundTruth.ts makes them). */
export interface CountBox {
  count: number;
  n: number;
  q1: number;
  median: number;
  q3: number;
  lo: number;
  hi: number;
  mean: number;
}

export interface BoxByCountOptions extends FrameOptions {
  xLabel: string;
  yLabel: string;
}

const f = (v: number) => String(Number(v.toPrecision(3)));

export function boxByCountChart(
  boxes: readonly CountBox[],
  opts: BoxByCountOptions,
): SVGSVGElement {
  const frame = createFrame(opts);
  const { plot, innerWidth, innerHeight } = frame;
  const counts = boxes.map((b) => b.count);
  const x = scaleBand<number>().domain(counts).range([0, innerWidth]).padding(0.3);
  const top = Math.max(max(boxes, (b) => Math.max(b.hi, b.mean)) ?? 1, max(counts) ?? 1);
  const y = scaleLinear()
    .domain([0, top * 1.05])
    .range([innerHeight, 0])
    .nice();
  axes(frame, x, y, { x: opts.xLabel, y: opts.yLabel });

  // y = x, through the band centres: where k̂ equals the true count.
  const mid = (c: number) => x(c)! + x.bandwidth() / 2;
  if (boxes.length > 1)
    plot
      .append('path')
      .attr('class', 'diagonal')
      .attr('fill', 'none')
      .attr('stroke', '#888')
      .attr('stroke-dasharray', '3,3')
      .attr('d', `M${mid(counts[0])},${y(counts[0])}L${mid(counts.at(-1)!)},${y(counts.at(-1)!)}`);

  const g = plot
    .append('g')
    .attr('class', 'boxes')
    .selectAll('g')
    .data(boxes)
    .join('g')
    .attr('class', 'box')
    .attr('data-count', (b) => b.count)
    .attr('data-median', (b) => b.median);
  g.append('line')
    .attr('class', 'whisker')
    .attr('stroke', 'currentColor')
    .attr('x1', (b) => mid(b.count))
    .attr('x2', (b) => mid(b.count))
    .attr('y1', (b) => y(b.lo))
    .attr('y2', (b) => y(b.hi));
  g.append('rect')
    .attr('fill', '#9cc0e4')
    .attr('stroke', 'currentColor')
    .attr('x', (b) => x(b.count)!)
    .attr('width', x.bandwidth())
    .attr('y', (b) => y(b.q3))
    .attr('height', (b) => Math.max(0, y(b.q1) - y(b.q3)));
  g.append('line')
    .attr('class', 'median')
    .attr('stroke', 'currentColor')
    .attr('stroke-width', 2)
    .attr('x1', (b) => x(b.count)!)
    .attr('x2', (b) => x(b.count)! + x.bandwidth())
    .attr('y1', (b) => y(b.median))
    .attr('y2', (b) => y(b.median));
  g.append('circle')
    .attr('class', 'mean')
    .attr('fill', '#c2571a')
    .attr('r', 2.5)
    .attr('cx', (b) => mid(b.count))
    .attr('cy', (b) => y(b.mean));
  g.append('title').text(
    (b) =>
      `true count ${b.count} (${b.n} inputs): median ${f(b.median)}, quartiles ${f(b.q1)}–${f(b.q3)}, ` +
      `whiskers ${f(b.lo)}–${f(b.hi)}, mean ${f(b.mean)}`,
  );
  return frame.svg.node()!;
}
