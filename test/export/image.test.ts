// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { histogramChart } from '../../src/charts/histogram';
import { scatterChart } from '../../src/charts/scatter';
import { svgMarkup } from '../../src/export/image';

describe('svgMarkup', () => {
  it('is a standalone SVG document with the same bars', () => {
    const svg = histogramChart(
      { edges: [0, 1, 2], counts: [4, 7] },
      { width: 200, height: 100, title: 'L0 & <k̂>', xLabel: 'L0', yLabel: 'rows' },
    );
    const text = svgMarkup(svg);
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const root = doc.documentElement;
    expect(root.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect([...root.querySelectorAll('rect.bar')].map((b) => b.getAttribute('data-count'))).toEqual(
      ['4', '7'],
    );
    // The title is escaped text in the file, not markup.
    expect(root.querySelector('title')!.textContent).toBe('L0 & <k̂>');
    expect(text).toContain('L0 &amp; &lt;k̂&gt;');
  });

  it('leaves out the brush layer but keeps the points', () => {
    const svg = scatterChart(
      { x: [1, 2], y: [3, 4] },
      { width: 200, height: 100, title: 's', xLabel: 'x', yLabel: 'y' },
    );
    const doc = new DOMParser().parseFromString(svgMarkup(svg), 'image/svg+xml');
    expect(doc.querySelector('.brush')).toBeNull();
    expect(doc.querySelector('path.points')!.getAttribute('data-rows')).toBe('2');
    // The page's chart itself is untouched.
    expect(svg.querySelector('.brush')).not.toBeNull();
  });
});
