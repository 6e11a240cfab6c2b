// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { boxByCountChart } from '../../src/charts/boxByCount';

describe('boxByCountChart', () => {
  const boxes = [
    { count: 1, n: 10, q1: 1, median: 1.5, q3: 2, lo: 0.5, hi: 3, mean: 1.6 },
    { count: 2, n: 8, q1: 2, median: 2.5, q3: 3, lo: 1, hi: 4, mean: 2.4 },
  ];
  // 300 × 200, default margins: plot 240 × 152; y domain [0, 4·1.05] made nice → [0, 4.5].
  const svg = boxByCountChart(boxes, {
    width: 300,
    height: 200,
    title: 'k̂ by true count',
    xLabel: 'true active count',
    yLabel: 'k̂',
  });

  it('matches the stored SVG', async () => {
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/boxByCount.svg');
  });

  it('draws one box per count spanning its quartiles, with its median and title', () => {
    const g = [...svg.querySelectorAll('g.box')];
    expect(g.map((b) => b.getAttribute('data-count'))).toEqual(['1', '2']);
    const y = (v: number) => 152 - (v / 4.5) * 152;
    const rect = g[1].querySelector('rect')!;
    expect(Number(rect.getAttribute('y'))).toBeCloseTo(y(3), 9);
    expect(Number(rect.getAttribute('height'))).toBeCloseTo(y(2) - y(3), 9);
    const median = g[1].querySelector('line.median')!;
    expect(Number(median.getAttribute('y1'))).toBeCloseTo(y(2.5), 9);
    const whisker = g[0].querySelector('line.whisker')!;
    expect(Number(whisker.getAttribute('y1'))).toBeCloseTo(y(0.5), 9);
    expect(Number(whisker.getAttribute('y2'))).toBeCloseTo(y(3), 9);
    expect(g[0].querySelector('title')!.textContent).toBe(
      'true count 1 (10 inputs): median 1.5, quartiles 1–2, whiskers 0.5–3, mean 1.6',
    );
    expect(svg.querySelector('path.diagonal')).not.toBeNull();
  });
});
