/**
 * Layout of the virtualised token view, pure: which rows are shown (all, or those inside the
 * brushed rectangle), how they break into fixed-height lines (at most `perLine` tokens, and a new
 * line at each new sequence), and which lines are in view. Only the lines in view are rendered.
 */
import type { BrushRange } from '../../store/inspectSlice';

/** Rows whose (x, y) lies inside the range (bounds included), in row order. */
export function rowsInRange(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  range: BrushRange,
): Int32Array {
  const out: number[] = [];
  const [x0, x1] = range.x;
  const [y0, y1] = range.y;
  for (let r = 0; r < x.length; r++)
    if (x[r] >= x0 && x[r] <= x1 && y[r] >= y0 && y[r] <= y1) out.push(r);
  return Int32Array.from(out);
}

/**
 * Start (index into the shown rows) of each line, plus a final entry = the number of shown rows.
 * A line ends after `perLine` tokens or before a row of another sequence than the previous row.
 */
export function lineStarts(
  shown: ArrayLike<number>,
  seq: ArrayLike<number> | null,
  perLine: number,
): Int32Array {
  const starts: number[] = [];
  let inLine = perLine;
  for (let i = 0; i < shown.length; i++) {
    const newSeq = seq !== null && i > 0 && seq[shown[i]] !== seq[shown[i - 1]];
    if (inLine >= perLine || newSeq) {
      starts.push(i);
      inLine = 0;
    }
    inLine++;
  }
  starts.push(shown.length);
  return Int32Array.from(starts);
}

/** Lines [first, last) to render for a scroll position, with `overscan` lines either side. */
export function visibleLines(
  scrollTop: number,
  viewHeight: number,
  lineHeight: number,
  lines: number,
  overscan = 4,
): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / lineHeight) - overscan);
  const last = Math.min(lines, Math.ceil((scrollTop + viewHeight) / lineHeight) + overscan);
  return [first, Math.max(first, last)];
}

/**
 * Row r with up to `radius` neighbours either side, stopping at the edges of r's sequence (rows
 * of a sequence are consecutive, as in every corpus the app loads).
 */
export function contextRows(
  r: number,
  rows: number,
  seq: ArrayLike<number> | null,
  radius: number,
): number[] {
  const same = (q: number) => q >= 0 && q < rows && (seq === null || seq[q] === seq[r]);
  let lo = r;
  while (lo > r - radius && same(lo - 1)) lo--;
  let hi = r;
  while (hi < r + radius && same(hi + 1)) hi++;
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** Index of `row` in the ascending `shown`, or −1 (binary search). */
export function indexOfRow(shown: ArrayLike<number>, row: number): number {
  let lo = 0;
  let hi = shown.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (shown[mid] === row) return mid;
    if (shown[mid] < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The line holding shown index i: the last line whose start is ≤ i (binary search). */
export function lineOf(starts: ArrayLike<number>, i: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Where a key moves the keyboard's position (an index into the shown rows) in the token view:
 * ←/→ one token, ↑/↓ one line keeping the column (clamped to the line's length), PageUp/PageDown
 * `page` lines, Home/End the first/last token. Returns null for other keys.
 */
export function moveIndex(
  key: string,
  i: number,
  starts: ArrayLike<number>,
  page: number,
): number | null {
  const n = starts[starts.length - 1];
  if (n === 0) return null;
  const lines = starts.length - 1;
  const byLines = (d: number) => {
    const line = lineOf(starts, i);
    const to = Math.min(lines - 1, Math.max(0, line + d));
    const column = i - starts[line];
    return Math.min(starts[to] + column, starts[to + 1] - 1);
  };
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, i - 1);
    case 'ArrowRight':
      return Math.min(n - 1, i + 1);
    case 'ArrowUp':
      return byLines(-1);
    case 'ArrowDown':
      return byLines(1);
    case 'PageUp':
      return byLines(-page);
    case 'PageDown':
      return byLines(page);
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
    default:
      return null;
  }
}

/**
 * Scrolling a list taller than a browser lays out. Browsers cap an element's height (about 17.9
 * million px in Firefox, 33.5 million in Chromium); a million-line token view at 26 px a line is
 * taller. Up to `maxHeight` the box scrolls the content one to one. Beyond it the box's scroll
 * range [0, S − view] (S = maxHeight) is stretched linearly over the content's [0, H − view]:
 *   v(s) = s · (H − view) / (S − view)
 * where s is the box's scrollTop and v the content offset shown at the top, so the first and the
 * last line stay reachable and the scrollbar thumb keeps its meaning (a wheel step moves
 * (H − view)/(S − view) times farther).
 */
export interface ScrollMap {
  /** The content's height H and the scrolled box's height S = min(H, maxHeight), in px. */
  content: number;
  box: number;
  view: number;
}

export function scrollMap(content: number, view: number, maxHeight: number): ScrollMap {
  return { content, box: Math.min(content, maxHeight), view };
}

/** The content offset v shown at the top of the box for its scrollTop s. */
export function virtualTop(m: ScrollMap, scrollTop: number): number {
  if (m.content <= m.box) return scrollTop;
  const s = Math.min(Math.max(0, scrollTop), m.box - m.view);
  return (s * (m.content - m.view)) / (m.box - m.view);
}

/**
 * The scrollTop that shows content offset v at the top (the inverse of {@link virtualTop}),
 * rounded down or up to a whole pixel: down keeps a line that must show at the top in view,
 * up a line that must show at the bottom.
 */
export function scrollTopFor(m: ScrollMap, v: number, round: 'down' | 'up'): number {
  if (m.content <= m.box) return v;
  const s = (v * (m.box - m.view)) / (m.content - m.view);
  return round === 'down' ? Math.floor(s) : Math.ceil(s);
}
