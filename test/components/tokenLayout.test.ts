import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contextRows,
  indexOfRow,
  lineOf,
  lineStarts,
  moveIndex,
  scrollMap,
  scrollTopFor,
  virtualTop,
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

  it('indexOfRow and lineOf agree with a linear scan', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: -1, max: 301 }),
        (rows, perLine, probe) => {
          const shown = Int32Array.from(rows.sort((a, b) => a - b));
          expect(indexOfRow(shown, probe)).toBe(shown.indexOf(probe));
          const seq = Array.from({ length: 302 }, (_, r) => Math.floor(r / 7));
          const starts = lineStarts(shown, seq, perLine);
          for (let i = 0; i < shown.length; i++) {
            const line = lineOf(starts, i);
            expect(starts[line] <= i && i < starts[line + 1], `index ${i} in line ${line}`).toBe(
              true,
            );
          }
        },
      ),
    );
  });

  it('moveIndex: arrows by token and by line (column kept, clamped), pages, ends', () => {
    // Lines: [0 1 2 3] [4 5] [6 7 8 9] [10]
    const starts = [0, 4, 6, 10, 11];
    expect(moveIndex('ArrowRight', 3, starts, 2)).toBe(4);
    expect(moveIndex('ArrowLeft', 0, starts, 2)).toBe(0);
    expect(moveIndex('ArrowRight', 10, starts, 2)).toBe(10);
    expect(moveIndex('ArrowDown', 3, starts, 2), 'column 3 clamps to the short line').toBe(5);
    expect(moveIndex('ArrowDown', 5, starts, 2)).toBe(7);
    expect(moveIndex('ArrowUp', 8, starts, 2)).toBe(5);
    expect(moveIndex('ArrowUp', 2, starts, 2), 'first line stays').toBe(2);
    expect(moveIndex('ArrowDown', 9, starts, 2)).toBe(10);
    expect(moveIndex('PageDown', 1, starts, 2)).toBe(7);
    expect(moveIndex('PageDown', 7, starts, 2), 'clamped to the last line').toBe(10);
    expect(moveIndex('PageUp', 9, starts, 2)).toBe(3);
    expect(moveIndex('Home', 7, starts, 2)).toBe(0);
    expect(moveIndex('End', 0, starts, 2)).toBe(10);
    expect(moveIndex('a', 0, starts, 2)).toBeNull();
    expect(moveIndex('End', 0, [0], 2), 'nothing shown').toBeNull();
  });

  it('scroll map: one to one up to maxHeight; stretched beyond, ends to ends, inverse within a pixel', () => {
    const flat = scrollMap(5000, 100, 10_000);
    expect(flat.box).toBe(5000);
    expect(virtualTop(flat, 1234)).toBe(1234);
    expect(scrollTopFor(flat, 1234, 'up')).toBe(1234);
    const tall = scrollMap(1_000_100, 100, 10_100); // H − view = 1e6, S − view = 1e4: ×100
    expect(tall.box).toBe(10_100);
    expect(virtualTop(tall, 0)).toBe(0);
    expect(virtualTop(tall, 10_000)).toBe(1_000_000);
    expect(virtualTop(tall, 20_000), 'clamped to the end').toBe(1_000_000);
    expect(virtualTop(tall, 37)).toBe(3700);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (v) => {
        expect(virtualTop(tall, scrollTopFor(tall, v, 'down'))).toBeLessThanOrEqual(v);
        expect(virtualTop(tall, scrollTopFor(tall, v, 'up'))).toBeGreaterThanOrEqual(v);
        expect(v - virtualTop(tall, scrollTopFor(tall, v, 'down'))).toBeLessThan(100);
      }),
    );
  });
});
