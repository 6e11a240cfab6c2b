/**
 * The common frame of every chart: an `<svg>` with a viewBox (so it scales with its container),
 * an accessible title, and an inner group translated by the margins. Chart functions are pure —
 * `(data, opts) => SVGSVGElement` — and build their content inside `frame.plot`; they never touch
 * the document, so they run the same in the page, in jsdom (snapshot tests) and for export.
 */
import { axisBottom, axisLeft, create, type AxisScale, type Selection } from 'd3';

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface FrameOptions {
  width: number;
  height: number;
  /** Read by screen readers (`<title>` + aria-label) and used as the export file's title. */
  title: string;
  margin?: Partial<Margins>;
}

export interface Frame {
  svg: Selection<SVGSVGElement, undefined, null, undefined>;
  /** Plot area, already translated by the margins; its size is `innerWidth × innerHeight`. */
  plot: Selection<SVGGElement, undefined, null, undefined>;
  innerWidth: number;
  innerHeight: number;
  margin: Margins;
}

export const DEFAULT_MARGIN: Readonly<Margins> = { top: 12, right: 12, bottom: 36, left: 48 };

export function createFrame(opts: FrameOptions): Frame {
  const margin = { ...DEFAULT_MARGIN, ...opts.margin };
  const svg = create('svg')
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('viewBox', `0 0 ${opts.width} ${opts.height}`)
    .attr('width', opts.width)
    .attr('height', opts.height)
    .attr('role', 'img')
    .attr('aria-label', opts.title)
    .attr('font-family', 'system-ui, sans-serif')
    .attr('font-size', 11);
  svg.append('title').text(opts.title);
  const plot = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  return {
    svg,
    plot,
    margin,
    innerWidth: Math.max(1, opts.width - margin.left - margin.right),
    innerHeight: Math.max(1, opts.height - margin.top - margin.bottom),
  };
}

/** Axis label centred under the plot (x) or rotated along its left side (y). */
export function axisLabel(frame: Frame, axis: 'x' | 'y', text: string): void {
  const { plot, innerWidth, innerHeight, margin } = frame;
  if (axis === 'x') {
    plot
      .append('text')
      .attr('x', innerWidth / 2)
      .attr('y', innerHeight + margin.bottom - 6)
      .attr('text-anchor', 'middle')
      .attr('fill', 'currentColor')
      .text(text);
  } else {
    plot
      .append('text')
      .attr('transform', `translate(${-margin.left + 12},${innerHeight / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('fill', 'currentColor')
      .text(text);
  }
}

/**
 * Bottom and left axes with their labels: about one x tick per 60 px (at least 2), 5 y ticks.
 */
export function axes(
  frame: Frame,
  x: AxisScale<number>,
  y: AxisScale<number>,
  labels: { x: string; y: string },
): void {
  const { plot, innerWidth, innerHeight } = frame;
  plot
    .append('g')
    .attr('class', 'x-axis')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.floor(innerWidth / 60))));
  plot.append('g').attr('class', 'y-axis').call(axisLeft(y).ticks(5));
  axisLabel(frame, 'x', labels.x);
  axisLabel(frame, 'y', labels.y);
}
