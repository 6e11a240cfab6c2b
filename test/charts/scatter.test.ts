// @vitest-environment jsdom
import { scaleLinear } from 'd3';
import { describe, expect, it } from 'vitest';
import { pixelsToRange, scatterChart } from '../../src/charts/scatter';

// 200 × 120 with the default margins: plot 140 × 72.
const opts = { width: 200, height: 120, title: 'k̂ vs error', xLabel: 'k̂', yLabel: 'error' };

describe('scatterChart', () => {
  const x = [0, 10, 5, 2.5];
  const y = [1, 3, 2, 1];
  const svg = scatterChart({ x, y }, opts);
  /** The drawn points: (x, y) of each "M x,y h0" segment of the points path. */
  const pointsOf = (el: SVGSVGElement) =>
    [
      ...el
        .querySelector('path.points')!
        .getAttribute('d')!
        .matchAll(/M([^,]+),([^h]+)h0/g),
    ].map((m) => [Number(m[1]), Number(m[2])]);
  const points = pointsOf(svg);

  it('matches the stored SVG', async () => {
    await expect(svg.outerHTML).toMatchFileSnapshot('./__snapshots__/scatter.svg');
  });

  it('positions every point by the padded linear scales', () => {
    // Domains padded by 5 % of the range: x [−0.5, 10.5] → [0, 140], y [0.9, 3.1] → [72, 0].
    const px = (v: number) => ((v + 0.5) / 11) * 140;
    const py = (v: number) => 72 - ((v - 0.9) / 2.2) * 72;
    expect(points).toHaveLength(4);
    // Coordinates are written to 0.01 px.
    points.forEach(([cx, cy], i) => {
      expect(Math.abs(cx - px(x[i]))).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(cy - py(y[i]))).toBeLessThanOrEqual(0.005 + 1e-9);
    });
  });

  it('draws a regular subsample beyond maxPoints, skipping non-finite rows', () => {
    const n = 10;
    const xs = Array.from({ length: n }, (_, i) => (i === 6 ? NaN : i));
    const s = scatterChart({ x: xs, y: xs }, { ...opts, maxPoints: 4 });
    // stride ⌈10/4⌉ = 3 → rows 0, 3, 6, 9; row 6 is NaN. Domain [−0.45, 9.45] (padded extent
    // of the finite values 0…9): x of row r = 140·(r + 0.45)/9.9.
    const xsDrawn = pointsOf(s).map(([cx]) => Math.round((cx / 140) * 9.9 - 0.45) + 0);
    expect(xsDrawn).toEqual([0, 3, 9]);
    expect(s.querySelector('path.points')!.getAttribute('data-rows')).toBe('3');
  });

  it('has a brush overlay covering the plot', () => {
    const overlay = svg.querySelector('.brush rect.overlay')!;
    expect(overlay).not.toBeNull();
  });

  it('shows a restored selection without reporting it', () => {
    let calls = 0;
    const s = scatterChart(
      { x, y },
      { ...opts, selection: { x: [0, 5], y: [1, 2] }, onBrush: () => calls++ },
    );
    const sel = s.querySelector('.brush rect.selection')!;
    // x: 0 → 140·0.5/11, 5 → 140·5.5/11 = 70; y: 2 → 72 − 72·1.1/2.2 = 36, 1 → 72 − 72·0.1/2.2.
    expect(Number(sel.getAttribute('x'))).toBeCloseTo((140 * 0.5) / 11, 9);
    expect(Number(sel.getAttribute('width'))).toBeCloseTo(70 - (140 * 0.5) / 11, 9);
    expect(Number(sel.getAttribute('y'))).toBeCloseTo(36, 9);
    expect(calls).toBe(0);
  });

  it('pixelsToRange inverts both scales (y grows upwards)', () => {
    const sx = scaleLinear().domain([0, 10]).range([0, 100]);
    const sy = scaleLinear().domain([0, 1]).range([50, 0]);
    expect(
      pixelsToRange(
        [
          [20, 10],
          [40, 30],
        ],
        sx,
        sy,
      ),
    ).toEqual({ x: [2, 4], y: [0.4, 0.8] });
  });
});
