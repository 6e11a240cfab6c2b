/**
 * Runs compared on one dataset: FVU (lower is better) against mean L0 (lower is sparser), one
 * labelled mark per run, coloured and shaped by architecture. Both axes start at 0 so that
 * distances between marks read as ratios.
 */
import { axisBottom, axisLeft, max, scaleLinear, symbol, symbolCircle, symbolSquare } from 'd3';
import { axisLabel, createFrame, type FrameOptions } from './frame';

export interface CompareRun {
  id: string;
  label: string;
  arch: string;
  fvu: number;
  meanL0: number;
}

export const ARCH_COLOURS: Record<string, string> = { softsae: '#2a6fb0', topk: '#c2571a' };

export function compareChart(runs: readonly CompareRun[], opts: FrameOptions): SVGSVGElement {
  const frame = createFrame(opts);
  const { plot, innerWidth, innerHeight } = frame;
  const shown = runs.filter((r) => Number.isFinite(r.fvu) && Number.isFinite(r.meanL0));
  const x = scaleLinear()
    .domain([0, 1.1 * (max(shown, (r) => r.meanL0) || 1)])
    .range([0, innerWidth]);
  const y = scaleLinear()
    .domain([0, 1.1 * (max(shown, (r) => r.fvu) || 1)])
    .range([innerHeight, 0]);
  plot
    .append('g')
    .attr('class', 'x-axis')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(5));
  plot.append('g').attr('class', 'y-axis').call(axisLeft(y).ticks(5));
  axisLabel(frame, 'x', 'mean L0 (active features per input)');
  axisLabel(frame, 'y', 'FVU');

  const marks = plot
    .append('g')
    .attr('class', 'runs')
    .selectAll('g')
    .data(shown)
    .join('g')
    .attr('class', 'run-mark')
    .attr('data-run', (r) => r.id)
    .attr('data-arch', (r) => r.arch)
    .attr('transform', (r) => `translate(${x(r.meanL0)},${y(r.fvu)})`);
  marks
    .append('path')
    .attr('d', (r) => symbol(r.arch === 'topk' ? symbolSquare : symbolCircle, 64)())
    .attr('fill', (r) => ARCH_COLOURS[r.arch] ?? '#666');
  marks
    .append('title')
    .text((r) => `${r.label}: FVU ${r.fvu.toPrecision(4)}, mean L0 ${r.meanL0.toPrecision(4)}`);
  marks
    .append('text')
    .attr('class', 'run-label')
    .attr('x', 8)
    .attr('y', 4)
    .attr('fill', 'currentColor')
    .text((r) => r.label);
  return frame.svg.node()!;
}
