// @vitest-environment jsdom
// The feature-density histogram (src/charts/densityHistogram.ts): log₁₀ density bins closed on
// the right, dead features in their own band, dense (> 10 %) features counted and shaded.
import { describe, expect, it } from 'vitest';
import { densityBins, densityHistogramChart } from '../../src/charts/densityHistogram';

// 1000 rows: densities 0 (×3, dead), 1/1000, 10/1000 (= 1 %), 100/1000 (= 10 %, not dense),
// 101/1000 and 1000/1000 (dense).
const fireCount = [0, 0, 0, 1, 10, 100, 101, 1000];
const rows = 1000;

describe('densityBins', () => {
  const b = densityBins(fireCount, rows);
  it('spans 1/rows … 1 in tenths of a decade', () => {
    expect(b.edges.length).toBe(31);
    expect(b.edges[0]).toBe(-3);
    expect(b.edges[30]).toBe(0);
  });
  it('counts dead and dense (strictly above 10 %) features', () => {
    expect(b.dead).toBe(3);
    expect(b.dense).toBe(2);
    expect(b.counts.reduce((a, c) => a + c, 0)).toBe(5);
  });
  it('closes bins on the right: an exact decade falls in the bin that ends there', () => {
    expect(b.counts[0]).toBe(1); // 1/1000: log −3, the first bin (−3 is the domain's edge)
    expect(b.counts[9]).toBe(1); // 1 %: log −2 ends bin 9 = (−2.1, −2]
    expect(b.counts[19]).toBe(1); // 10 %: (−1.1, −1]
    expect(b.counts[20]).toBe(1); // 10.1 %: (−1, −0.9]
    expect(b.counts[29]).toBe(1); // every row: (−0.1, 0]
  });
});

describe('densityHistogramChart', () => {
  const svg = densityHistogramChart(fireCount, rows, {
    width: 360,
    height: 200,
    title: 'Feature density',
  });
  it('matches the stored SVG', async () => {
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/densityHistogram.svg');
  });
  it('draws the bins, the dead band and the dense band with their counts', () => {
    const bars = [...svg.querySelectorAll('rect.bar')];
    expect(bars.length).toBe(30);
    expect(bars.map((r) => Number(r.getAttribute('data-count'))).reduce((a, c) => a + c)).toBe(5);
    expect(svg.querySelector('.band-dead')!.getAttribute('data-count')).toBe('3');
    expect(svg.querySelector('rect.bar-dead title')!.textContent).toBe(
      'dead (never fired): 3 features',
    );
    expect(svg.querySelector('rect.band-dense')!.getAttribute('data-count')).toBe('2');
  });
  it('starts the dense band at log₁₀ 0.1 = −1, two thirds along the log axis', () => {
    const band = svg.querySelector('rect.band-dense')!;
    const x = Number(band.getAttribute('x'));
    const w = Number(band.getAttribute('width'));
    // The log axis spans [36, 300] of the 300-px plot (360 − margins 48 + 12; dead band 28 + 8).
    expect(x + w).toBe(300);
    expect((x - 36) / (300 - 36)).toBeCloseTo(2 / 3, 9);
  });
});
