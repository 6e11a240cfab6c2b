// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { logHistogramChart } from '../../src/charts/logHistogram';

// 200 × 120 with the default margins (top 12, right 12, bottom 36, left 48): plot 140 × 72.
const INNER_H = 72;
const bars = (svg: SVGSVGElement) => [...svg.querySelectorAll<SVGRectElement>('rect.bar')];
const num = (el: Element, name: string) => Number(el.getAttribute(name));

describe('logHistogramChart', () => {
  const counts = [1000, 100, 0, 10, 1];
  const svg = logHistogramChart(
    { edges: [0, 0.2, 0.4, 0.6, 0.8, 1], counts },
    { width: 200, height: 120, title: 'density', xLabel: 'activation', yLabel: 'inputs (log)' },
  );

  it('matches the stored SVG', async () => {
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/logHistogram.svg');
  });

  it('draws bar heights proportional to log(count / 0.5), an empty bin with no bar', () => {
    // Axis from 0.5 to 1000 over 72 px: height(c) = 72·ln(c/0.5)/ln(1000/0.5).
    const want = counts.map((c) => (c > 0 ? (INNER_H * Math.log(c / 0.5)) / Math.log(2000) : 0));
    const got = bars(svg).map((b) => num(b, 'height'));
    got.forEach((h, i) => expect(h).toBeCloseTo(want[i], 9));
    for (const b of bars(svg)) expect(num(b, 'y') + num(b, 'height')).toBeCloseTo(INNER_H, 9);
    // Each decade is the same height: 1000 → 100 → 10 → 1 step down equally.
    expect(got[0] - got[1]).toBeCloseTo(got[3] - got[4], 9);
  });

  it('carries every count, for tests and screen readers', () => {
    expect(bars(svg).map((b) => Number(b.dataset.count))).toEqual(counts);
    expect(svg.querySelector('rect.bar title')?.textContent).toBe('0 – 0.2: 1000');
  });
});
