import { describe, expect, it } from 'vitest';
import {
  contextRows,
  lineStarts,
  rowsInRange,
  visibleLines,
} from '../../src/components/inspect/tokenLayout';

describe('token view layout', () => {
  it('rowsInRange keeps rows inside the rectangle, bounds included', () => {
    const x = [0, 1, 2, 3, 4];
    const y = [5, 1, 2, 9, 2];
    expect([...rowsInRange(x, y, { x: [1, 4], y: [1, 2] })]).toEqual([1, 2, 4]);
  });

  it('breaks lines every perLine tokens and at each new sequence', () => {
    // Sequences: rows 0–4 in seq 0, 5–6 in seq 1, 7 in seq 2.
    const seq = [0, 0, 0, 0, 0, 1, 1, 2];
    const all = [0, 1, 2, 3, 4, 5, 6, 7];
    expect([...lineStarts(all, seq, 3)]).toEqual([0, 3, 5, 7, 8]);
    expect([...lineStarts(all, null, 3)]).toEqual([0, 3, 6, 8]);
    // A filtered view breaks where consecutive shown rows change sequence.
    expect([...lineStarts([1, 4, 6], seq, 3)]).toEqual([0, 2, 3]);
    expect([...lineStarts([], seq, 3)]).toEqual([0]);
  });

  it('visibleLines covers the viewport plus overscan, clamped', () => {
    expect(visibleLines(0, 100, 20, 1000, 2)).toEqual([0, 7]);
    expect(visibleLines(400, 100, 20, 1000, 2)).toEqual([18, 27]);
    expect(visibleLines(19900, 100, 20, 1000, 2)).toEqual([993, 1000]);
    expect(visibleLines(0, 100, 20, 0, 2)).toEqual([0, 0]);
  });

  it('contextRows stays within the sequence', () => {
    const seq = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(contextRows(1, seq.length, seq, 5)).toEqual([0, 1, 2]);
    expect(contextRows(8, seq.length, seq, 5)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(contextRows(3, seq.length, seq, 2)).toEqual([3, 4, 5]);
    expect(contextRows(1, 3, null, 5)).toEqual([0, 1, 2]);
  });
});
