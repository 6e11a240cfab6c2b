// Co-occurrence: the ranking by Jaccard / lift and the chunking of the codes (src/sae/cooccurMath.ts),
// and the float64 reference of shaders/cooccur.wgsl, each against code written here from the
// definitions: a dense 0/1 matrix of firings, set intersections and unions.
import { describe, expect, it } from 'vitest';
import { chunkRows, rankCooccurrence } from '../../src/sae/cooccurMath';
import { cooccurRef } from '../../src/reference/cooccur';
import { createRng } from '../../src/model/rng';

/** Random CSR codes, and the same codes as a dense [rows][F] 0/1 matrix. */
function randomCodes(rows: number, F: number, perRow: number, seed: number) {
  const rng = createRng(seed);
  const dense = Array.from({ length: rows }, () => new Array<number>(F).fill(0));
  const rowPtr = [0];
  const col: number[] = [];
  for (let r = 0; r < rows; r++) {
    const n = Math.floor(rng.uniform() * (perRow + 1));
    for (let i = 0; i < n; i++) dense[r][Math.floor(rng.uniform() * F)] = 1;
    for (let c = 0; c < F; c++) if (dense[r][c]) col.push(c);
    rowPtr.push(col.length);
  }
  return { dense, rowPtr, col };
}

describe('cooccurRef', () => {
  it('equals the column products of the dense firing matrix', () => {
    const rows = 97;
    const F = 23;
    const { dense, rowPtr, col } = randomCodes(rows, F, 6, 11);
    for (const j of [0, 5, 22]) {
      const { co, fire } = cooccurRef(rows, F, rowPtr, col, j);
      for (let c = 0; c < F; c++) {
        let both = 0;
        let any = 0;
        for (let r = 0; r < rows; r++) {
          both += dense[r][j] * dense[r][c];
          any += dense[r][c];
        }
        expect(co[c], `co[${j}, ${c}]`).toBe(both);
        expect(fire[c], `fire[${c}]`).toBe(any);
      }
    }
  });
});

describe('rankCooccurrence', () => {
  it('ranks by Jaccard of the row sets, with lift and P(c | j) as defined', () => {
    const rows = 200;
    const F = 30;
    const { dense } = randomCodes(rows, F, 8, 5);
    const j = 3;
    const setOf = (c: number) => new Set(dense.flatMap((row, r) => (row[c] ? [r] : [])));
    const A = setOf(j);
    // Expected, from sets: every feature that shares a row with j, by |A∩B|/|A∪B|.
    const expected = Array.from({ length: F }, (_, c) => c)
      .filter((c) => c !== j)
      .map((c) => {
        const B = setOf(c);
        const inter = [...A].filter((r) => B.has(r)).length;
        const union = new Set([...A, ...B]).size;
        return { c, inter, union, size: B.size };
      })
      .filter((e) => e.inter > 0)
      .sort((a, b) => b.inter / b.union - a.inter / a.union || b.inter - a.inter || a.c - b.c);
    const co = Array.from({ length: F }, (_, c) =>
      dense.reduce((s, row) => s + row[j] * row[c], 0),
    );
    const fire = Array.from({ length: F }, (_, c) => dense.reduce((s, row) => s + row[c], 0));
    const got = rankCooccurrence(co, fire, j, rows, 10);
    expect(got.map((g) => g.feature)).toEqual(expected.slice(0, 10).map((e) => e.c));
    got.forEach((g, i) => {
      const e = expected[i];
      expect(g.both).toBe(e.inter);
      expect(g.fires).toBe(e.size);
      expect(g.jaccard).toBeCloseTo(e.inter / e.union, 12);
      expect(g.lift).toBeCloseTo(e.inter / rows / ((A.size / rows) * (e.size / rows)), 12);
      expect(g.conditional).toBeCloseTo(e.inter / A.size, 12);
    });
  });

  it('leaves out the feature itself and features that never co-fire; ties by count then index', () => {
    // j = 0 fires on 4 rows; 1 and 2 share 2 of them with equal Jaccard 2/4; 3 shares none.
    const co = [4, 2, 2, 0];
    const fire = [4, 2, 2, 5];
    const got = rankCooccurrence(co, fire, 0, 10, 5);
    expect(got.map((g) => [g.feature, g.jaccard])).toEqual([
      [1, 0.5],
      [2, 0.5],
    ]);
  });
});

describe('chunkRows', () => {
  it('covers every row once, each chunk within the entry budget', () => {
    const { rowPtr } = randomCodes(300, 40, 12, 9);
    for (const max of [13, 50, 1e9]) {
      const starts = chunkRows(rowPtr, 300, max);
      expect(starts[0]).toBe(0);
      expect(starts.at(-1)).toBe(300);
      for (let i = 0; i + 1 < starts.length; i++) {
        const [a, b] = [starts[i], starts[i + 1]];
        expect(b).toBeGreaterThan(a);
        expect(rowPtr[b] - rowPtr[a]).toBeLessThanOrEqual(max);
        expect(b - a + 1).toBeLessThanOrEqual(max);
      }
    }
    expect(chunkRows(rowPtr, 300, 1e9)).toEqual([0, 300]);
  });

  it('refuses a row longer than a chunk', () => {
    expect(() => chunkRows([0, 2, 9], 2, 5)).toThrow(/row 1 holds more codes/);
  });
});
