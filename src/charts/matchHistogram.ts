/**
 * Histogram of best-match cosines between two SAEs: for each bin of cosine, two bars side by
 * side — the features of A by the cosine of their best partner in B, and those of B by their best
 * in A. Shared bins (`edges`), so the two directions compare bar by bar; each bar carries
 * `data-series` and `data-count` and a `<title>` (direction, bin, count).
 */
import { max, scaleLinear } from 'd3';
import { axes, createFrame, type FrameOptions } from './frame';

export interface MatchHistogramData {
  /** Bin edges, ascending; bar i covers [edges[i], edges[i + 1]). */
  edges: number[];
  series: { key: string; label: string; colour: string; counts: number[] }[];
}

const fmt = (v: number) => String(Number(v.toPrecision(3)));

export function matchHistogramChart(
  data: MatchHistogramData,
  opts: FrameOptions & { xLabel: string; yLabel: string },
): SVGSVGElement {
  const frame = createFrame(opts);
  const { plot, innerWidth, innerHeight } = frame;
  const n = data.edges.length - 1;
  const x = scaleLinear()
    .domain(n > 0 ? [data.edges[0], data.edges[n]] : [0, 1])
    .range([0, innerWidth]);
  const top = max(data.series, (s) => max(s.counts)) ?? 1;
  const y = scaleLinear()
    .domain([0, Math.max(1, top)])
    .range([innerHeight, 0]);
  axes(frame, x, y, { x: opts.xLabel, y: opts.yLabel });

  const k = data.series.length;
  data.series.forEach((s, si) => {
    const g = plot.append('g').attr('class', 'bars').attr('fill', s.colour);
    g.selectAll('rect')
      .data(s.counts.map((count, i) => ({ count, x0: data.edges[i], x1: data.edges[i + 1] })))
      .join('rect')
      .attr('class', 'bar')
      .attr('data-series', s.key)
      .attr('data-count', (d) => d.count)
      // Bin i split into k slots, series si in slot si, less a 1-px gap.
      .attr('x', (d) => x(d.x0) + ((x(d.x1) - x(d.x0)) * si) / k)
      .attr('width', (d) => Math.max(0, (x(d.x1) - x(d.x0)) / k - 1))
      .attr('y', (d) => y(d.count))
      .attr('height', (d) => innerHeight - y(d.count))
      .append('title')
      .text((d) => `${s.label} ${fmt(d.x0)} – ${fmt(d.x1)}: ${d.count}`);
  });
  const legend = plot.append('g').attr('class', 'legend');
  data.series.forEach((s, si) => {
    const row = legend.append('g').attr('transform', `translate(8, ${8 + 14 * si})`);
    row.append('rect').attr('width', 10).attr('height', 10).attr('fill', s.colour);
    row.append('text').attr('x', 14).attr('y', 9).attr('font-size', 10).text(s.label);
  });
  return frame.svg.node()!;
}
