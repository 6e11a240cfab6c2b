import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/model/rng';
import {
  CsrBuilder,
  decoderNeighbors,
  featureColumn,
  rowFeatures,
} from '../../src/workers/sparseCodes';

/** A random sparse [rows, F] matrix as dense float32, with some exact ties. */
function randomCodes(rows: number, F: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const f = new Float32Array(rows * F);
  for (let i = 0; i < f.length; i++) {
    const u = rng.uniform();
    if (u < 0.15) f[i] = Math.fround(rng.uniform() * 3);
    else if (u < 0.2) f[i] = 1; // ties
  }
  return f;
}

/** CSR of dense rows, built batch by batch as the evaluation pass does (batch-relative pointers). */
function buildCsr(f: Float32Array, rows: number, F: number, B: number, maxEntries = Infinity) {
  const builder = new CsrBuilder(rows, 4, maxEntries); // small capacity: exercises growth
  for (let start = 0; start < rows; start += B) {
    const n = Math.min(B, rows - start);
    const ptr = [0];
    const col: number[] = [];
    const val: number[] = [];
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < F; j++)
        if (f[(start + r) * F + j] !== 0) {
          col.push(j);
          val.push(f[(start + r) * F + j]);
        }
      ptr.push(col.length);
    }
    builder.appendRows(ptr, Uint32Array.from(col), Float32Array.from(val), n);
  }
  return builder.finish();
}

describe('sparse codes', () => {
  const rows = 37;
  const F = 11;
  const f = randomCodes(rows, F, 5);
  const csr = buildCsr(f, rows, F, 8);

  it('rowFeatures lists exactly the nonzeros of a row, by value descending then index', () => {
    for (let r = 0; r < rows; r++) {
      const dense = Array.from(f.subarray(r * F, (r + 1) * F));
      const expected = dense
        .map((v, j) => ({ v, j }))
        .filter((e) => e.v !== 0)
        .sort((a, b) => b.v - a.v || a.j - b.j);
      const got = rowFeatures(csr, r);
      expect([...got.features]).toEqual(expected.map((e) => e.j));
      expect([...got.values]).toEqual(expected.map((e) => e.v));
    }
    expect(() => rowFeatures(csr, rows)).toThrow(/outside/);
  });

  it('featureColumn is the dense column', () => {
    for (let j = 0; j < F; j++) {
      const col = featureColumn(csr, j);
      expect([...col]).toEqual(Array.from({ length: rows }, (_, r) => f[r * F + j]));
    }
  });

  it('CsrBuilder refuses a short or long row count', () => {
    const b = new CsrBuilder(2, 1);
    b.appendRows([0, 0], new Uint32Array(0), new Float32Array(0), 1);
    expect(() => b.finish()).toThrow(/1 of 2/);
    expect(() => b.appendRows([0, 0, 0], new Uint32Array(0), new Float32Array(0), 2)).toThrow();
  });

  it('decoderNeighbors ranks atoms by cosine, excluding the feature itself', () => {
    // D = 2, F = 4, atoms (columns): a0 = (1, 0), a1 = (2, 0.1), a2 = (0, 3), a3 = (-1, 0).
    const atoms = [
      [1, 0],
      [2, 0.1],
      [0, 3],
      [-1, 0],
    ];
    const D = 2;
    const F4 = 4;
    const dec = new Float32Array(D * F4);
    atoms.forEach((a, j) => a.forEach((v, d) => (dec[d * F4 + j] = v)));
    const { neighbors, cosines } = decoderNeighbors(dec, D, F4, 0, 3);
    expect([...neighbors]).toEqual([1, 2, 3]);
    const c1 = 2 / Math.hypot(2, Math.fround(0.1)); // cos(a0, a1) with a1 stored as float32
    expect(cosines[0]).toBeCloseTo(c1, 6);
    expect(cosines[1]).toBe(0);
    expect(cosines[2]).toBe(-1);
    expect(decoderNeighbors(dec, D, F4, 0, 1).neighbors).toEqual(Uint32Array.of(1));
  });
});

describe('CsrBuilder with an entry budget', () => {
  it('keeps whole batches until the budget, stores later rows empty and refuses their queries', () => {
    const rows = 50;
    const F = 20;
    const f = randomCodes(rows, F, 3);
    const full = buildCsr(f, rows, F, 8);
    // The budget ends inside the 4th batch (rows 24…31): the first 3 batches are kept.
    const budget = full.rowPtr[28];
    const capped = buildCsr(f, rows, F, 8, budget);
    expect(capped.keptRows).toBe(24);
    expect(capped.col.length).toBe(full.rowPtr[24]);
    for (let r = 0; r < 24; r++) expect(rowFeatures(capped, r)).toEqual(rowFeatures(full, r));
    expect(() => rowFeatures(capped, 24)).toThrow(/codes of row 24 were not kept.*rows 0…23/);
    expect(() => rowFeatures(capped, 49)).toThrow(/not kept/);
    expect(full.keptRows).toBeUndefined();
  });
});
