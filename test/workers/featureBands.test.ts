// Quantile bands of a feature's activations (src/workers/featureBands.ts) against a reference
// written here from the definition: rank every nonzero activation by hand (a bubble sort over
// value desc, row asc), cut ranks at T + ⌊b·R/bands⌋, and sample evenly spaced ranks.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/model/rng';
import { featureEntries, quantileBands } from '../../src/workers/featureBands';
import { CsrBuilder } from '../../src/workers/sparseCodes';

function handRanked(rows: number[], values: number[]): { r: number; v: number }[] {
  const list = rows.map((r, i) => ({ r, v: values[i] }));
  for (let i = 0; i < list.length; i++)
    for (let k = 0; k + 1 < list.length - i; k++) {
      const [a, b] = [list[k], list[k + 1]];
      if (b.v > a.v || (b.v === a.v && b.r < a.r)) [list[k], list[k + 1]] = [b, a];
    }
  return list;
}

describe('quantileBands', () => {
  const rng = createRng(3);
  const m = 123;
  const rows = Array.from({ length: m }, (_, i) => 1000 - 7 * i); // not in order of value
  // Some exact ties, to check the row tie-break.
  const values = rows.map((_, i) => (i % 10 === 0 ? 0.5 : Math.fround(rng.uniform() * 3)));
  const bands = quantileBands(rows, Float32Array.from(values), { top: 16, bands: 5, perBand: 4 });
  const ranked = handRanked(rows, Array.from(Float32Array.from(values)));

  it('keeps the top 16 apart, then 5 bands of equal count over the other 107 ranks', () => {
    expect(bands.map((b) => [b.kind, b.start, b.end])).toEqual([
      ['top', 0, 16],
      ['quantile', 16, 37], // 16 + ⌊107/5⌋ = 37
      ['quantile', 37, 58], // 16 + ⌊214/5⌋ = 58
      ['quantile', 58, 80], // 16 + ⌊321/5⌋ = 80
      ['quantile', 80, 101], // 16 + ⌊428/5⌋ = 101
      ['quantile', 101, 123],
    ]);
  });

  it('gives each band the activation range of its ranks and its quantile share', () => {
    for (const b of bands) {
      expect(b.hi).toBe(ranked[b.start].v);
      expect(b.lo).toBe(ranked[b.end - 1].v);
      expect(b.qHi).toBeCloseTo(1 - b.start / m, 12);
      expect(b.qLo).toBeCloseTo(1 - b.end / m, 12);
    }
  });

  it('samples evenly spaced ranks from the top of each band, all inside the band', () => {
    const top = bands[0];
    expect(top.samples.map((s) => s.row)).toEqual(ranked.slice(0, 16).map((e) => e.r));
    const b1 = bands[1]; // 21 ranks, 4 samples: ranks 16 + ⌊i·21/4⌋ = 16, 21, 26, 31
    expect(b1.samples).toEqual(
      [16, 21, 26, 31].map((k) => ({ row: ranked[k].r, value: ranked[k].v })),
    );
    for (const b of bands)
      for (const s of b.samples) {
        expect(s.value).toBeGreaterThanOrEqual(b.lo);
        expect(s.value).toBeLessThanOrEqual(b.hi);
      }
  });

  it('leaves out empty bands and handles a feature with fewer activations than the top', () => {
    expect(quantileBands([5, 2], [1, 3], { top: 16, bands: 5, perBand: 3 })).toEqual([
      {
        kind: 'top',
        start: 0,
        end: 2,
        qLo: 0,
        qHi: 1,
        lo: 1,
        hi: 3,
        samples: [
          { row: 2, value: 3 },
          { row: 5, value: 1 },
        ],
      },
    ]);
    // 3 activations past the top in 5 bands: bands of 1 at b = 1, 3, 4 (⌊3b/5⌋ = 0,0,1,1,2,3).
    const b = quantileBands([0, 1, 2, 3], [4, 3, 2, 1], { top: 1, bands: 5, perBand: 2 });
    expect(b.map((x) => [x.start, x.end])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(quantileBands([], [], { top: 16, bands: 5, perBand: 5 })).toEqual([]);
  });
});

describe('featureEntries', () => {
  it('collects the feature’s nonzero codes over the kept rows only', () => {
    const b = new CsrBuilder(4, 8, 5);
    // rows 0–1 kept (4 entries), rows 2–3 beyond the budget of 5 entries.
    b.appendRows(
      [0, 2, 4],
      Uint32Array.from([1, 3, 1, 2]),
      Float32Array.from([0.5, 1, 0.25, 2]),
      2,
    );
    b.appendRows([0, 1, 2], Uint32Array.from([1, 1]), Float32Array.from([9, 9]), 2);
    const codes = b.finish();
    expect(codes.keptRows).toBe(2);
    const e = featureEntries(codes, 1);
    expect([...e.rows]).toEqual([0, 1]);
    expect([...e.values]).toEqual([0.5, 0.25]);
  });
});
