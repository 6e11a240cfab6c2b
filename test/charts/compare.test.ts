// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { compareChart } from '../../src/charts/compare';

describe('compareChart', () => {
  const runs = [
    { id: 'a', label: 'SoftSAE F=96', arch: 'softsae', fvu: 0.2, meanL0: 4 },
    { id: 'b', label: 'TopK k=4', arch: 'topk', fvu: 0.3, meanL0: 5 },
  ];
  // 300 × 200 with the default margins: plot 240 × 152.
  const svg = compareChart(runs, { width: 300, height: 200, title: 'FVU vs mean L0' });
  const marks = [...svg.querySelectorAll('g.run-mark')];

  it('matches the stored SVG', async () => {
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/compare.svg');
  });

  it('puts one labelled mark per run at (mean L0, FVU) on zero-based scales', () => {
    expect(marks.map((m) => m.getAttribute('data-run'))).toEqual(['a', 'b']);
    // x domain [0, 1.1·5] → [0, 240]; y domain [0, 1.1·0.3] → [152, 0].
    const at = (l0: number, fvu: number) => [(l0 / 5.5) * 240, 152 - (fvu / 0.33) * 152];
    marks.forEach((m, i) => {
      const [tx, ty] = m
        .getAttribute('transform')!
        .match(/translate\(([^,]+),([^)]+)\)/)!
        .slice(1)
        .map(Number);
      const [ex, ey] = at(runs[i].meanL0, runs[i].fvu);
      expect(tx).toBeCloseTo(ex, 9);
      expect(ty).toBeCloseTo(ey, 9);
    });
    expect(marks.map((m) => m.querySelector('text.run-label')!.textContent)).toEqual([
      'SoftSAE F=96',
      'TopK k=4',
    ]);
  });

  it('leaves out runs without finite numbers', () => {
    const s = compareChart([...runs, { id: 'c', label: 'x', arch: 'topk', fvu: NaN, meanL0: 1 }], {
      width: 300,
      height: 200,
      title: 't',
    });
    expect(s.querySelectorAll('g.run-mark')).toHaveLength(2);
  });

  it('joins the runs of each series in L0 order, one curve per series of two or more', () => {
    const sweep = [
      { id: 's2', label: 'a', arch: 'softsae', fvu: 0.1, meanL0: 5, series: 'softsae' },
      { id: 's1', label: 'b', arch: 'softsae', fvu: 0.3, meanL0: 1, series: 'softsae' },
      { id: 't1', label: 'c', arch: 'topk', fvu: 0.33, meanL0: 2.75, series: 'topk' },
      { id: 'lone', label: 'd', arch: 'batchtopk', fvu: 0.2, meanL0: 3, series: 'batchtopk' },
    ];
    const s = compareChart(sweep, { width: 300, height: 200, title: 't' });
    const paths = [...s.querySelectorAll('path.series-curve')];
    expect(paths.map((p) => p.getAttribute('data-series'))).toEqual(['softsae']);
    // x: [0, 5.5] → [0, 240]; y: [0, 0.363] → [152, 0]. In L0 order: s1 (1, 0.3) then s2 (5, 0.1).
    const pts = paths[0]
      .getAttribute('d')!
      .match(/-?[\d.]+(e-?\d+)?/g)!
      .map(Number);
    const want = [
      (1 / 5.5) * 240,
      152 - (0.3 / 0.363) * 152,
      (5 / 5.5) * 240,
      152 - (0.1 / 0.363) * 152,
    ];
    pts.forEach((v, i) => expect(v).toBeCloseTo(want[i], 2)); // d3-path keeps 3 decimals
    expect(paths[0].getAttribute('stroke')).toBe('#2a6fb0');
  });

  it('renders labels as text, never markup', () => {
    const s = compareChart([{ ...runs[0], label: '<img src=x onerror=alert(1)>' }], {
      width: 300,
      height: 200,
      title: 't',
    });
    expect(s.querySelector('img')).toBeNull();
    expect(s.querySelector('text.run-label')!.textContent).toBe('<img src=x onerror=alert(1)>');
  });
});
