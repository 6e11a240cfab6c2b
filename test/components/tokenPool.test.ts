// @vitest-environment jsdom
// The token view's pool renderer against what a person must see: after any sequence of scrolls,
// content changes, selections and keyboard moves, every line that intersects the box is in the
// DOM at its place with exactly its rows' text, nothing beyond the overscan is, at most one token
// is selected or active — and a scroll refills only the lines that came into view.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { lineStarts } from '../../src/components/inspect/tokenLayout';
import { TokenPool, type Colouring } from '../../src/components/inspect/tokenPool';

const geometry = { lineHeight: 20, viewHeight: 100, overscan: 2, maxHeight: 1e9 };
const ACTIVE = 'tok-active';

let host: HTMLDivElement | null = null;
afterEach(() => host?.remove());

function pool(g = geometry): TokenPool {
  host?.remove();
  host = document.createElement('div');
  document.body.append(host);
  return new TokenPool(host, g, ACTIVE);
}

/** What the DOM shows: line index (from its `top`) → [row, text] of its tokens, in order. */
function shownLines(): Map<number, [number, string][]> {
  const out = new Map<number, [number, string][]>();
  for (const line of host!.querySelectorAll<HTMLElement>('.token-line')) {
    const toks = [...line.querySelectorAll<HTMLElement>('[data-testid="inspect.token"]')];
    if (line.hidden) {
      expect(toks, 'a hidden line holds no tokens').toHaveLength(0);
      continue;
    }
    const index = parseFloat(line.style.top) / geometry.lineHeight;
    expect(out.has(index), `line ${index} shown once`).toBe(false);
    out.set(
      index,
      toks.map((t) => [Number(t.dataset.row), t.textContent!]),
    );
  }
  return out;
}

const label = (r: number) => `<b>t${r}</b>`;

describe('token pool', () => {
  it('shows exactly the lines in view, with their rows as text, after any scrolls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 399 }),
        (rows, perLine, seqLen, scrolls, selected) => {
          const g = geometry;
          const p = pool();
          const shown = Int32Array.from({ length: rows }, (_, i) => i);
          const seq = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / seqLen));
          const starts = lineStarts(shown, seq, perLine);
          const lines = starts.length - 1;
          p.setContent({ shown, starts, label, colour: null });
          p.setSelected(selected);
          const maxTop = Math.max(0, lines * g.lineHeight - g.viewHeight);
          for (const u of scrolls) {
            const top = Math.round(u * maxTop);
            p.render(top);
            const dom = shownLines();
            // Every line intersecting [top, top + view) is shown, with its rows and their text.
            for (let L = 0; L < lines; L++) {
              const y = L * g.lineHeight;
              const inView = y + g.lineHeight > top && y < top + g.viewHeight;
              const near =
                y + g.lineHeight > top - g.overscan * g.lineHeight &&
                y < top + g.viewHeight + g.overscan * g.lineHeight;
              if (inView) expect(dom.has(L), `line ${L} at scrollTop ${top}`).toBe(true);
              if (!near) expect(dom.has(L), `line ${L} far from ${top}`).toBe(false);
              if (dom.has(L)) {
                const want = [...shown.slice(starts[L], starts[L + 1])].map((r) => [r, label(r)]);
                expect(dom.get(L)).toEqual(want);
              }
            }
            // No markup from token text; only real tokens in the DOM.
            expect(host!.querySelectorAll('b')).toHaveLength(0);
            const selectedEls = host!.querySelectorAll('[aria-selected="true"]');
            const selectedShown = [...dom.values()].some((l) => l.some(([r]) => r === selected));
            expect(selectedEls.length).toBe(selectedShown ? 1 : 0);
            if (selectedShown)
              expect((selectedEls[0] as HTMLElement).dataset.row).toBe(String(selected));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refills only the lines that came into view; nothing when the top line stays', () => {
    const p = pool();
    const shown = Int32Array.from({ length: 4000 }, (_, i) => i);
    p.setContent({ shown, starts: lineStarts(shown, null, 4), label, colour: null });
    const h = geometry.lineHeight;
    // At the top: lines 0 … ⌈100/20⌉ + 2 = 7 are drawn.
    expect(p.render(0)).toBe(7);
    expect(p.render(0)).toBe(0);
    expect(p.render(h - 1), 'line 7 peeks in at the bottom').toBe(1);
    expect(p.render(h), 'the same lines').toBe(0);
    expect(p.render(10 * h), 'ten lines down: lines 8…16 come in').toBe(9);
    expect(p.render(11 * h), 'one line down').toBe(1);
    expect(p.render(14 * h), 'three lines down').toBe(3);
    expect(p.render(500 * h), 'a jump: every line in view is new').toBe(9);
    // Elements are reused, never added beyond the pool: 10 slots × 4 tokens.
    expect(host!.querySelectorAll('[data-testid="inspect.token"]').length).toBeLessThanOrEqual(40);
    // New content refills every line in view.
    p.setContent({
      shown,
      starts: lineStarts(shown, null, 4),
      label: (r) => `x${r}`,
      colour: null,
    });
    expect(p.render(500 * h)).toBe(9);
    expect(host!.querySelector('[data-row="2000"]')!.textContent).toBe('x2000');
  });

  it('moves the active id with its row and reports whether it is shown', () => {
    const p = pool();
    const shown = Int32Array.from({ length: 400 }, (_, i) => i * 3); // every third row
    p.setContent({ shown, starts: lineStarts(shown, null, 4), label, colour: null });
    p.render(0);
    p.setActive(9); // shown index 3, line 0
    expect(p.hasActive()).toBe(true);
    expect(document.getElementById(ACTIVE)!.dataset.row).toBe('9');
    expect(host!.querySelectorAll('.active')).toHaveLength(1);
    p.render(50 * geometry.lineHeight); // line 0 leaves: its element is reused for other rows
    expect(p.hasActive()).toBe(false);
    expect(document.getElementById(ACTIVE)?.isConnected ?? false).toBe(false);
    expect(host!.querySelectorAll('.active')).toHaveLength(0);
    p.setActive(3 * 4 * 50); // the first row of line 50
    expect(document.getElementById(ACTIVE)!.dataset.row).toBe('600');
    p.setActive(1); // not a shown row
    expect(p.hasActive()).toBe(false);
  });

  it('colours each token by its value, lightest at lo and darkest at hi', () => {
    const p = pool();
    const values = [0, 10, 5, 2.5];
    const grey = (v: number) => {
      const c = Math.round(255 - (v / 10) * 255);
      return `rgb(${c}, ${c}, ${c})`;
    };
    const colour: Colouring = { values, lo: 0, hi: 10, scale: grey };
    const shown = Int32Array.of(0, 1, 2, 3);
    p.setContent({ shown, starts: lineStarts(shown, null, 4), label, colour });
    p.render(0);
    const bg = (r: number) => host!.querySelector<HTMLElement>(`[data-row="${r}"]`)!.style;
    expect(bg(0).backgroundColor).toBe('rgb(255, 255, 255)');
    expect(bg(1).backgroundColor).toBe('rgb(0, 0, 0)');
    expect(bg(1).color, 'light text on the darkest').toBe('rgb(255, 255, 255)');
    expect(bg(0).color).toBe('rgb(17, 17, 17)');
    // 256 levels: 5 and 2.5 land within one level (255/255 steps) of their exact grey.
    for (const r of [2, 3]) {
      const got = Number(/\d+/.exec(bg(r).backgroundColor)![0]);
      const want = 255 - (values[r] / 10) * 255;
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1);
    }
    // Without colouring the inline colours go.
    p.setContent({ shown, starts: lineStarts(shown, null, 4), label, colour: null });
    p.render(0);
    expect(bg(1).backgroundColor).toBe('');
  });

  it('content taller than maxHeight scrolls stretched: the view is always covered, ends reachable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 5000 }),
        fc.integer({ min: 120, max: 600 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 10 }),
        (rows, maxHeight, scrolls) => {
          const g = { ...geometry, maxHeight };
          const h = g.lineHeight;
          const p = pool(g);
          const shown = Int32Array.from({ length: rows }, (_, i) => i);
          const starts = lineStarts(shown, null, 1); // one token a line: rows = lines
          p.setContent({ shown, starts, label, colour: null });
          const S = p.height();
          expect(S).toBe(Math.min(rows * h, maxHeight));
          const maxTop = S - g.viewHeight;
          for (const s of [0, maxTop, ...scrolls.map((u) => Math.round(u * maxTop))]) {
            p.render(s);
            // Lines present, by row (= line), with their top; sorted by line.
            const present = [...host!.querySelectorAll<HTMLElement>('.token-line')]
              .filter((l) => !l.hidden)
              .map((l) => ({
                line: Number(l.querySelector<HTMLElement>('[data-row]')!.dataset.row),
                top: parseFloat(l.style.top),
              }))
              .sort((a, b) => a.line - b.line);
            // Consecutive lines, one line height apart: no gap, no overlap, order kept.
            present.forEach((q, i) => {
              if (i === 0) return;
              expect(q.line).toBe(present[i - 1].line + 1);
              expect(q.top - present[i - 1].top).toBe(h);
            });
            // The box's visible range [s, s + view) is covered by lines wherever content is.
            const lo = present[0];
            const hi = present[present.length - 1];
            if (lo.line > 0) expect(lo.top, `covered above at ${s}`).toBeLessThanOrEqual(s);
            if (hi.line < rows - 1)
              expect(hi.top + h, `covered below at ${s}`).toBeGreaterThanOrEqual(s + g.viewHeight);
            // The ends: line 0 at the very top at s = 0, the last line at the bottom at the end.
            if (s === 0) expect(lo).toEqual({ line: 0, top: 0 });
            if (s === maxTop) {
              expect(hi.line).toBe(rows - 1);
              expect(Math.abs(hi.top + h - (s + g.viewHeight))).toBeLessThanOrEqual(1);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
