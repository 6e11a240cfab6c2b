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
