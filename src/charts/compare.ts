/**
 * Runs compared on one dataset: FVU (lower is better) against mean L0 (lower is sparser), one
 * labelled mark per run, coloured and shaped by architecture. Both axes start at 0 so that
 * distances between marks read as ratios. Runs of one series (an L0 sweep's architecture) are
 * joined in L0 order: the FVU–L0 curve of that architecture.
 */
import {
  axisBottom,
  axisLeft,
  line,
  max,
  scaleLinear,
  symbol,
  symbolCircle,
  symbolDiamond,
  symbolSquare,
} from 'd3';
import { axisLabel, createFrame, type FrameOptions } from './frame';

export interface CompareRun {
  id: string;
  label: string;
  arch: string;
  fvu: number;
  meanL0: number;
  /** Runs with the same series are joined by a line (e.g. one architecture of a sweep). */
  series?: string;
}

export const ARCH_COLOURS: Record<string, string> = {
  softsae: '#2a6fb0',
  topk: '#c2571a',
  batchtopk: '#3d8b3d',
};
const ARCH_SYMBOLS = { topk: symbolSquare, batchtopk: symbolDiamond } as const;

/** Each series' runs in increasing mean L0 (series of one run are left out: no curve). */
export function seriesCurves(runs: readonly CompareRun[]): Map<string, CompareRun[]> {
  const out = new Map<string, CompareRun[]>();
  for (const r of runs)
    if (r.series !== undefined) out.set(r.series, [...(out.get(r.series) ?? []), r]);
  for (const [k, v] of out)
    if (v.length < 2) out.delete(k);
    else v.sort((a, b) => a.meanL0 - b.meanL0);
  return out;
}

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

  const curves = seriesCurves(shown);
  if (curves.size > 0)
    plot
      .append('g')
      .attr('class', 'curves')
      .selectAll('path')
      .data([...curves])
      .join('path')
      .attr('class', 'series-curve')
      .attr('data-series', ([name]) => name)
      .attr('fill', 'none')
      .attr('stroke', ([, rs]) => ARCH_COLOURS[rs[0].arch] ?? '#666')
      .attr('stroke-width', 1.5)
      .attr('d', ([, rs]) =>
        line<CompareRun>()
          .x((r) => x(r.meanL0))
          .y((r) => y(r.fvu))(rs),
      );

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
    .attr('d', (r) =>
      symbol(ARCH_SYMBOLS[r.arch as keyof typeof ARCH_SYMBOLS] ?? symbolCircle, 64)(),
    )
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
