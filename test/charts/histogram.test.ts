// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { equalBins, integerBins } from '../../src/charts/bins';
import { histogramChart } from '../../src/charts/histogram';

// 200 × 120 with the default margins (top 12, right 12, bottom 36, left 48): plot 140 × 72.
const W = 200;
const H = 120;
const INNER_W = 140;
const INNER_H = 72;

const bars = (svg: SVGSVGElement) => [...svg.querySelectorAll<SVGRectElement>('rect.bar')];
const num = (el: Element, name: string) => Number(el.getAttribute(name));

describe('histogramChart', () => {
  const data = { edges: [0, 1, 2, 3, 4], counts: [3, 0, 5, 2] };
  const svg = histogramChart(data, {
    width: W,
    height: H,
    title: 'L0 per input',
    xLabel: 'L0',
    yLabel: 'rows',
  });

  it('matches the stored SVG', async () => {
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/histogram.svg');
  });

  it('draws one bar per bin, carrying its count', () => {
    expect(bars(svg).map((b) => Number(b.dataset.count))).toEqual([3, 0, 5, 2]);
  });

  it('makes bar heights proportional to counts, the largest filling the plot', () => {
    const heights = bars(svg).map((b) => num(b, 'height'));
    // y domain [0, 5] over 72 px: height = 72·count/5.
    expect(heights.map((h) => h.toFixed(6))).toEqual(
      [3, 0, 5, 2].map((c) => ((INNER_H * c) / 5).toFixed(6)),
    );
    // Bars stand on the x axis: y + height = plot height.
    for (const b of bars(svg)) expect(num(b, 'y') + num(b, 'height')).toBeCloseTo(INNER_H, 9);
  });

  it('places bars by the x scale: bin i starts at i·140/4, width one bin less the 1-px gap', () => {
    expect(bars(svg).map((b) => num(b, 'x'))).toEqual([0, 35, 70, 105]);
    for (const b of bars(svg)) expect(num(b, 'width')).toBe(INNER_W / 4 - 1);
  });

  it('titles each bar with its bin and count (readable without the picture)', () => {
    expect(bars(svg).map((b) => b.querySelector('title')!.textContent)).toEqual([
      '0 – 1: 3',
      '1 – 2: 0',
      '2 – 3: 5',
      '3 – 4: 2',
    ]);
    expect(svg.getAttribute('aria-label')).toBe('L0 per input');
  });

  it('uses shared domains for small multiples', () => {
    const shared = histogramChart(integerBins([1, 2]), {
      width: W,
      height: H,
      title: 't',
      xLabel: 'L0',
      yLabel: 'rows',
      xDomain: [-0.5, 3.5],
      yMax: 4,
    });
    const b = bars(shared);
    // Bar 1 covers [0.5, 1.5] of a 4-wide domain: starts at 140·1/4.
    expect(num(b[1], 'x')).toBe(35);
    expect(num(b[1], 'height')).toBeCloseTo((INNER_H * 2) / 4, 9);
  });

  it('bins from values draw bars whose counts add up to the values in range', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    const svg2 = histogramChart(equalBins(values, 12), {
      width: W,
      height: H,
      title: 't',
      xLabel: 'v',
      yLabel: 'rows',
    });
    expect(bars(svg2)).toHaveLength(12);
    expect(bars(svg2).reduce((s, b) => s + Number(b.dataset.count), 0)).toBe(1000);
  });
});
