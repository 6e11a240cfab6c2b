/**
 * The token lab: each row's concept set is its word's meaning, texts name those concepts,
 * sequences and sentences are laid out as documented, and the data is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORIES, conceptNames } from '../../src/data/concepts.ts';
import { generateTokenLab, type TokenLabOptions } from '../../src/data/tokens.ts';
import { expectConsistentSupport, expectExactSums, sameBytes } from '../helpers/labCheck.ts';

const opts: TokenLabOptions = {
  seed: 3,
  D: 16,
  G: 40,
  sequences: 12,
  sequenceLength: 50,
  conceptsPerToken: { kind: 'uniform', min: 1, max: 6 },
  sentenceLength: { min: 3, max: 5 },
};
const data = generateTokenLab(opts);

/** Row r's concepts, from the CSR support. */
function conceptsOf(r: number): number[] {
  const { offsets, indices } = data.support;
  return Array.from(indices.subarray(offsets[r], offsets[r + 1]));
}
const isStop = (r: number) => data.tokens[r] === '.';

describe('concept names', () => {
  it('are distinct, free of separators, and span every category early', () => {
    const names = conceptNames(5000); // past 256 · 16 qualified names: numeric suffixes too
    expect(new Set(names).size).toBe(5000);
    for (const n of names) expect(n).toMatch(/^[a-z#0-9-]+$/);
    // Concept i is word ⌊i/16⌋ of category i mod 16; the 257th name gets the first qualifier.
    expect(conceptNames(4)).toEqual(['one', 'big', 'red', 'wood']);
    expect(conceptNames(CATEGORIES.length + 1)[CATEGORIES.length]).toBe('two');
    expect(conceptNames(257)[256]).toBe('old-one');
    expect(data.conceptNames[0]).toBe('full-stop');
    expect(new Set(data.conceptNames).size).toBe(opts.G);
  });
});

describe('generateTokenLab', () => {
  it('has consistent shapes and CSR support', () => {
    expect(data.rows).toBe(opts.sequences * opts.sequenceLength);
    expect(data.x.length).toBe(data.rows * opts.D);
    expectConsistentSupport(data);
    for (let r = 0; r < data.rows; r++) expect(data.tokens[r]).toBe(data.texts[data.textOfRow[r]]);
  });

  it('spells every token as exactly the names of its row’s concepts', () => {
    for (let r = 0; r < data.rows; r++) {
      const names = conceptsOf(r).map((c) => data.conceptNames[c]);
      if (isStop(r)) expect(names).toEqual(['full-stop']);
      else {
        expect(data.tokens[r].split('+').sort()).toEqual(names.sort());
        expect(conceptsOf(r)).not.toContain(0); // only `.` means full-stop
        expect(data.activeCount[r]).toBeGreaterThanOrEqual(1);
        expect(data.activeCount[r]).toBeLessThanOrEqual(6);
      }
    }
  });

  it('draws each row’s active set independently: no small vocabulary of fixed meanings', () => {
    // Under independent draws of 1–6 of 39 concepts the chance two given rows share a set is
    // tiny except for single concepts, so distinct texts are most of the non-stop rows; with a
    // fixed vocabulary of W words they would be at most W.
    const words = Array.from({ length: data.rows }, (_, r) => r).filter((r) => !isStop(r));
    const distinct = new Set(words.map((r) => data.tokens[r]));
    expect(distinct.size).toBeGreaterThan(0.7 * words.length);
    // Pairwise independence of concepts: for the two most frequent concepts a and b, the
    // fraction of non-stop rows holding both is close to P(a)·P(b)·(a correction < 2 for drawing
    // without replacement), never the 0 or ~P(a) a fixed vocabulary tends to produce.
    const freq = new Map<number, number>();
    for (const r of words) for (const c of conceptsOf(r)) freq.set(c, (freq.get(c) ?? 0) + 1);
    const [a, b] = [...freq.entries()].sort((x, y) => y[1] - x[1]).map(([c]) => c);
    const pa = freq.get(a)! / words.length;
    const pb = freq.get(b)! / words.length;
    const both = words.filter((r) => conceptsOf(r).includes(a) && conceptsOf(r).includes(b));
    const pab = both.length / words.length;
    expect(pab).toBeGreaterThan(0.5 * pa * pb);
    expect(pab).toBeLessThan(2 * pa * pb);
    // The count does not depend on the position in the sentence (independent of neighbours):
    // mean count of first tokens and of other tokens agree within a few standard errors.
    const first = words.filter((r) => r === 0 || isStop(r - 1) || data.positionOfRow[r] === 0);
    const rest = words.filter((r) => !first.includes(r));
    const mean = (rs: number[]) => rs.reduce((s, r) => s + data.activeCount[r], 0) / rs.length;
    // Uniform 1–6: variance 35/12, so the standard error of a mean of n rows is √(35/12/n).
    expect(Math.abs(mean(first) - mean(rest))).toBeLessThan(4 * Math.sqrt(35 / 12 / first.length));
  });

  it('uses every concept, and complexity varies uniformly over 1…6', () => {
    expect(Math.min(...data.featureFrequency)).toBeGreaterThan(0);
    const words = Array.from({ length: data.rows }, (_, r) => r).filter((r) => !isStop(r));
    for (let n = 1; n <= 6; n++) {
      const share = words.filter((r) => data.activeCount[r] === n).length / words.length;
      // 1/6 each; ±0.05 is about 4 standard errors at ~480 rows.
      expect(Math.abs(share - 1 / 6)).toBeLessThan(0.05);
    }
  });

  it('lays rows out as sequences of sentences ended by "."', () => {
    for (let r = 0; r < data.rows; r++) {
      expect(data.sequenceOfRow[r]).toBe(Math.floor(r / opts.sequenceLength));
      expect(data.positionOfRow[r]).toBe(r % opts.sequenceLength);
    }
    for (let s = 0; s < opts.sequences; s++) {
      const start = s * opts.sequenceLength;
      expect(isStop(start)).toBe(false); // a sequence starts a sentence
      let run = 0;
      for (let r = start; r < start + opts.sequenceLength; r++) {
        if (isStop(r)) {
          expect(run).toBeGreaterThanOrEqual(3);
          expect(run).toBeLessThanOrEqual(5);
          run = 0;
        } else run++;
      }
      expect(run).toBeLessThanOrEqual(5); // the last sentence may be cut by the window
    }
  });

  it('is noise-free Σ coeff·atom by default, and deterministic', () => {
    expectExactSums(data);
    const again = generateTokenLab(opts);
    expect(sameBytes(again.x, data.x)).toBe(true);
    expect(sameBytes(again.textOfRow, data.textOfRow)).toBe(true);
    expect(again.tokens).toEqual(data.tokens);
    const other = generateTokenLab({ ...opts, seed: 4 });
    expect(other.tokens).not.toEqual(data.tokens);
    expect(sameBytes(other.x, data.x)).toBe(false);
  });

  it('refuses more concepts per token than there are concepts besides full-stop', () => {
    expect(() =>
      generateTokenLab({ ...opts, G: 4, conceptsPerToken: { kind: 'uniform', min: 1, max: 4 } }),
    ).toThrow(/exceeds/);
  });
});
