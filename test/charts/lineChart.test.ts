// @vitest-environment jsdom
// The line chart as pure SVG: a stored snapshot for the whole drawing, plus numbers a person could
// check on the picture (how many points each line has, where its ends are, which ticks show).
import { describe, expect, it } from 'vitest';
import { lineChart, type LineSeries } from '../../src/charts/lineChart';

const steps = Array.from({ length: 11 }, (_, i) => i * 10); // 0, 10, …, 100
const loss: LineSeries = { name: 'loss', x: steps, y: steps.map((s) => 1 / (1 + s / 10)) };
const l2: LineSeries = {
  name: 'L2',
  x: steps,
  // One non-finite value (a skipped step) must break the line, not spike it.
  y: steps.map((s, i) => (i === 5 ? NaN : 0.8 / (1 + s / 10))),
  dashed: true,
};
const opts = { width: 400, height: 200, title: 'Loss terms', xLabel: 'step', yLabel: 'loss' };

/** The points of a path's `d` (M/L commands only: the chart draws straight segments). */
function pathPoints(d: string): { cmd: string; x: number; y: number }[] {
  return [...d.matchAll(/([ML])([-\d.e]+),([-\d.e]+)/g)].map((m) => ({
    cmd: m[1],
    x: Number(m[2]),
    y: Number(m[3]),
  }));
}

describe('lineChart', () => {
  it('matches the stored SVG for fixed data', async () => {
    const svg = lineChart([loss, l2], opts);
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/lineChart.svg');
  });

  it('draws one point per finite value and breaks the line at NaN', () => {
    const svg = lineChart([loss, l2], opts);
    const paths = [...svg.querySelectorAll('path.series')];
    expect(paths.map((p) => p.getAttribute('data-series'))).toEqual(['loss', 'L2']);
    const a = pathPoints(paths[0].getAttribute('d')!);
    const b = pathPoints(paths[1].getAttribute('d')!);
    expect(a).toHaveLength(11);
    expect(a.filter((p) => p.cmd === 'M')).toHaveLength(1);
    expect(b).toHaveLength(10);
    // Two runs (steps 0–40 and 60–100): the NaN at step 50 starts a new subpath.
    expect(b.filter((p) => p.cmd === 'M')).toHaveLength(2);
    // Inner width = 400 − left 48 − right 12: x = 0 at the left edge, x = 100 at the right.
    expect(a[0].x).toBeCloseTo(0, 6);
    expect(a[10].x).toBeCloseTo(340, 6);
    // The loss falls: its last point is lower on screen (larger y in SVG) than its first.
    expect(a[10].y).toBeGreaterThan(a[0].y);
  });

  it('labels round x ticks over the data range and names each series in the legend', () => {
    const svg = lineChart([loss, l2], opts);
    const xTicks = [...svg.querySelectorAll('.axis-x .tick text')].map((t) => t.textContent);
    expect(xTicks).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(svg.querySelectorAll('.axis-y .tick').length).toBeGreaterThanOrEqual(3);
    const legend = [...svg.querySelectorAll('.legend-item text')].map((t) => t.textContent);
    expect(legend).toEqual(['loss', 'L2']);
    expect(svg.querySelector('title')?.textContent).toBe('Loss terms');
  });

  it('on a log axis skips values ≤ 0 and spans decades', () => {
    const y = [1, 0.1, 0, 0.01, -1, 0.001];
    const svg = lineChart([{ name: 'lr', x: [0, 1, 2, 3, 4, 5], y }], {
      ...opts,
      yScale: 'log',
    });
    const pts = pathPoints(svg.querySelector('path.series')!.getAttribute('d')!);
    expect(pts).toHaveLength(4);
    const ticks = [...svg.querySelectorAll('.axis-y .tick text')].map((t) => t.textContent);
    expect(ticks).toContain('0.001');
    expect(ticks).toContain('1');
  });

  it('renders series names as text, never as markup', () => {
    const name = '<img src=x onerror="alert(1)">';
    const svg = lineChart([{ name, x: [0, 1], y: [1, 2] }], opts);
    expect(svg.querySelector('img')).toBeNull();
    expect(svg.querySelector('.legend-item text')!.textContent).toBe(name);
  });

  it('says so when there is nothing to draw', () => {
    const svg = lineChart([{ name: 'loss', x: [], y: [] }], opts);
    expect(svg.querySelector('.empty')?.textContent).toBe('no data yet');
    expect(svg.querySelector('path.series')!.getAttribute('d')).toBe('');
  });
});
