/**
 * Feature-density histogram: how often each feature fires, on a log scale. A feature's density
 * is p_j = (rows where f_j ≠ 0) / rows; the x axis is log₁₀ p_j from the rarest possible
 * nonzero density, 1/rows (rounded down to a decade), to 0 (fires on every row), in bins of a
 * tenth of a decade closed on the right, (a, b], so p = 10 % exactly falls left of the dense
 * line. Two bands are marked:
 *  - dead: features that never fired (p = 0, log₁₀ p = −∞) get one bar in a band of their own
 *    at the left of the plot, before the log axis starts;
 *  - dense: p > 10 % (log₁₀ p > −1), shaded.
 * Bars carry `data-count` and a `<title>`; the bands carry their feature counts too.
 */
import { max, scaleLinear } from 'd3';
import { axes, createFrame, type FrameOptions } from './frame';

/** Width of the dead band, px. */
const DEAD_W = 28;

export interface DensityHistogramOptions extends FrameOptions {
  /** Density above which a feature counts as dense (default 0.1). */
  dense?: number;
}

export interface DensityBins {
  /** log₁₀ density edges (b + 1 of them) and the features per bin (a, b]. */
  edges: number[];
  counts: number[];
  dead: number;
  dense: number;
}

/** Bins the features' firing counts by log₁₀ density (see the file comment). */
export function densityBins(fireCount: ArrayLike<number>, rows: number, dense = 0.1): DensityBins {
  const lo = Math.min(-1, Math.floor(Math.log10(1 / Math.max(1, rows))));
  const n = -lo * 10;
  const edges = Array.from({ length: n + 1 }, (_, i) => lo + i / 10);
  const counts = new Array<number>(n).fill(0);
  let dead = 0;
  let nDense = 0;
  for (let j = 0; j < fireCount.length; j++) {
    const c = fireCount[j];
    if (c === 0) {
      dead++;
      continue;
    }
    if (c > dense * rows) nDense++;
    const v = Math.log10(c / rows);
    const bin = Math.min(n - 1, Math.max(0, Math.ceil((v - lo) * 10 - 1e-9) - 1));
    counts[bin]++;
  }
  return { edges, counts, dead, dense: nDense };
}

export function densityHistogramChart(
  fireCount: ArrayLike<number>,
  rows: number,
  opts: DensityHistogramOptions,
): SVGSVGElement {
  const denseAt = opts.dense ?? 0.1;
  const b = densityBins(fireCount, rows, denseAt);
  const frame = createFrame(opts);
  const { plot, innerWidth, innerHeight } = frame;
  const lo = b.edges[0];
  // The dead band takes the first DEAD_W px of the plot; the log axis the rest.
  const x = scaleLinear()
    .domain([lo, 0])
    .range([DEAD_W + 8, innerWidth]);
  const y = scaleLinear()
    .domain([0, Math.max(1, max([...b.counts, b.dead]) ?? 1)])
    .range([innerHeight, 0]);
  axes(frame, x, y, { x: 'log₁₀ feature density (fraction of rows it fires on)', y: 'features' });

  // Dense band: log₁₀ p > log₁₀ 0.1, to the right edge.
  const denseX = x(Math.log10(denseAt));
  plot
    .append('rect')
    .attr('class', 'band-dense')
    .attr('data-count', b.dense)
    .attr('x', denseX)
    .attr('width', innerWidth - denseX)
    .attr('y', 0)
    .attr('height', innerHeight)
    .attr('fill', '#d98c1f')
    .attr('fill-opacity', 0.15)
    .append('title')
    .text(`dense (> ${100 * denseAt} % of rows): ${b.dense} features`);
  plot
    .append('text')
    .attr('x', innerWidth - 2)
    .attr('y', 10)
    .attr('text-anchor', 'end')
    .attr('fill', '#a35f00')
    .text(`dense: ${b.dense}`);

  // Dead band: one bar, left of the log axis.
  const w = DEAD_W;
  const dead = plot.append('g').attr('class', 'band-dead').attr('data-count', b.dead);
  dead
    .append('rect')
    .attr('x', 0)
    .attr('width', w)
    .attr('y', 0)
    .attr('height', innerHeight)
    .attr('fill', '#b03a2e')
    .attr('fill-opacity', 0.1);
  dead
    .append('rect')
    .attr('class', 'bar-dead')
    .attr('x', 3)
    .attr('width', w - 6)
    .attr('y', y(b.dead))
    .attr('height', innerHeight - y(b.dead))
    .attr('fill', '#b03a2e')
    .append('title')
    .text(`dead (never fired): ${b.dead} features`);
  dead
    .append('text')
    .attr('x', w / 2)
    .attr('y', innerHeight + 14)
    .attr('text-anchor', 'middle')
    .attr('fill', '#b03a2e')
    .text('dead');

  const bars = plot
    .append('g')
    .attr('class', 'bars')
    .attr('fill', '#2a6fb0')
    .selectAll('rect')
    .data(b.counts.map((count, i) => ({ count, x0: b.edges[i], x1: b.edges[i + 1] })))
    .join('rect')
    .attr('class', 'bar')
    .attr('data-count', (d) => d.count)
    .attr('x', (d) => x(d.x0))
    .attr('width', (d) => Math.max(0, x(d.x1) - x(d.x0) - 0.5))
    .attr('y', (d) => y(d.count))
    .attr('height', (d) => innerHeight - y(d.count));
  bars.append('title').text((d) => `${d.x0.toFixed(1)} – ${d.x1.toFixed(1)}: ${d.count}`);
  return frame.svg.node()!;
}
