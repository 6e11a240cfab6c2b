// Ranking a selection's features and contrasting two selections, against plain loops over dense
// codes written here (each statistic from its definition, no shared code with the module).
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/model/rng';
import { contrast, rankSelection } from '../../src/components/prompt/selectionStats';
import { CsrBuilder, selectionSums } from '../../src/workers/sparseCodes';

const ROWS = 60;
const F = 12;

function denseCodes(seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: ROWS * F }, (_, i) =>
    rng.uniform() < 0.3 ? Math.fround(0.25 * (1 + ((i * 7) % 5))) : 0,
  );
}

function csrOf(f: Float32Array) {
  const b = new CsrBuilder(ROWS, 8);
  const ptr = [0];
  const col: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < ROWS; r++) {
    for (let j = 0; j < F; j++)
      if (f[r * F + j] !== 0) {
        col.push(j);
        val.push(f[r * F + j]);
      }
    ptr.push(col.length);
  }
  b.appendRows(ptr, Uint32Array.from(col), Float32Array.from(val), ROWS);
  return b.finish();
}

/** count, total of feature j over distinct rows, by a dense loop. */
function stats(f: Float32Array, rows: number[], j: number) {
  const set = [...new Set(rows)];
  let count = 0;
  let total = 0;
  for (const r of set) {
    if (f[r * F + j] !== 0) count++;
    total += f[r * F + j];
  }
  return { count, total, n: set.length };
}

describe('selection features', () => {
  const f = denseCodes(5);
  const codes = csrOf(f);
  const sel = [3, 4, 5, 10, 11, 30, 31, 32, 33, 4, 5]; // duplicates count once

  it('sums equal the dense definition, duplicates once', () => {
    const s = selectionSums(codes, F, sel);
    expect(s.rows).toBe(9);
    for (let j = 0; j < F; j++) {
      const want = stats(f, sel, j);
      const i = [...s.features].indexOf(j);
      if (want.count === 0) expect(i).toBe(-1);
      else {
        expect(s.counts[i]).toBe(want.count);
        expect(s.sums[i]).toBeCloseTo(want.total, 12);
      }
    }
  });

  it('ranks by total and by mean over the selected tokens, ties to the lower feature', () => {
    const s = selectionSums(codes, F, sel);
    for (const by of ['total', 'mean'] as const) {
      const want = Array.from({ length: F }, (_, j) => ({ j, ...stats(f, sel, j) }))
        .filter((x) => x.count > 0)
        .map((x) => ({ j: x.j, key: by === 'total' ? x.total : x.total / x.n }))
        .sort((a, b) => b.key - a.key || a.j - b.j)
        .slice(0, 5);
      const got = rankSelection(s, by, 5);
      expect(got.map((g) => g.feature)).toEqual(want.map((w) => w.j));
      got.forEach((g, i) => expect(g[by]).toBeCloseTo(want[i].key, 12));
    }
  });

  it('refuses a row out of range', () => {
    expect(() => selectionSums(codes, F, [ROWS])).toThrow(/outside/);
  });
});

describe('contrast of two selections', () => {
  const f = denseCodes(9);
  const codes = csrOf(f);
  const A = Array.from({ length: 20 }, (_, i) => i);
  const B = Array.from({ length: 25 }, (_, i) => 30 + i);

  it('Δ frequency and Δ mean with counts, most typical of A and of B', () => {
    const a = selectionSums(codes, F, A);
    const b = selectionSums(codes, F, B);
    const rows = Array.from({ length: F }, (_, j) => {
      const sa = stats(f, A, j);
      const sb = stats(f, B, j);
      return {
        j,
        countA: sa.count,
        countB: sb.count,
        dFreq: sa.count / 20 - sb.count / 25,
        dMean: sa.total / 20 - sb.total / 25,
      };
    }).filter((r) => r.countA + r.countB > 0);
    for (const by of ['dFreq', 'dMean'] as const) {
      const got = contrast(a, b, by, 4);
      const wantA = rows
        .filter((r) => r[by] > 0)
        .sort((x, y) => y[by] - x[by] || x.j - y.j)
        .slice(0, 4);
      const wantB = rows
        .filter((r) => r[by] < 0)
        .sort((x, y) => x[by] - y[by] || x.j - y.j)
        .slice(0, 4);
      expect(got.moreInA.map((r) => [r.feature, r.countA, r.countB])).toEqual(
        wantA.map((r) => [r.j, r.countA, r.countB]),
      );
      expect(got.moreInB.map((r) => [r.feature, r.countA, r.countB])).toEqual(
        wantB.map((r) => [r.j, r.countA, r.countB]),
      );
      got.moreInA.forEach((r, i) => expect(r[by]).toBeCloseTo(wantA[i][by], 12));
    }
  });
});
