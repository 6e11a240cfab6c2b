// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { matchHistogramChart } from '../../src/charts/matchHistogram';

// 200 × 120 with the default margins (top 12, right 12, bottom 36, left 48): plot 140 × 72.
const INNER_W = 140;
const INNER_H = 72;
const num = (el: Element, name: string) => Number(el.getAttribute(name));

describe('matchHistogramChart', () => {
  const svg = matchHistogramChart(
    {
      edges: [0, 0.5, 1],
      series: [
        { key: 'a', label: 'A → B', colour: '#2a6fb0', counts: [2, 6] },
        { key: 'b', label: 'B → A', colour: '#d97706', counts: [3, 0] },
      ],
    },
    { width: 200, height: 120, title: 'best-match cosines', xLabel: 'cosine', yLabel: 'features' },
  );
  const bars = [...svg.querySelectorAll<SVGRectElement>('rect.bar')];

  it('matches the stored SVG', async () => {
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/matchHistogram.svg');
  });

  it('draws each series per bin, side by side, heights proportional to the counts', () => {
    expect(bars.map((b) => [b.dataset.series, Number(b.dataset.count)])).toEqual([
      ['a', 2],
      ['a', 6],
      ['b', 3],
      ['b', 0],
    ]);
    // Bin width 70 px split in two slots of 35: A at the start of each bin, B 35 px further.
    expect(bars.map((b) => num(b, 'x'))).toEqual([0, 70, 35, 105]);
    expect(bars.map((b) => num(b, 'height').toFixed(6))).toEqual(
      [2, 6, 3, 0].map((c) => ((INNER_H * c) / 6).toFixed(6)),
    );
    for (const b of bars) expect(num(b, 'width')).toBe(INNER_W / 4 - 1);
  });

  it('titles each bar with its direction, bin and count', () => {
    expect(bars.map((b) => b.querySelector('title')!.textContent)).toEqual([
      'A → B 0 – 0.5: 2',
      'A → B 0.5 – 1: 6',
      'B → A 0 – 0.5: 3',
      'B → A 0.5 – 1: 0',
    ]);
  });
});
