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
  words: 120,
  sequences: 12,
  sequenceLength: 50,
  conceptsPerWord: { kind: 'uniform', min: 1, max: 6 },
  sentenceLength: { min: 3, max: 5 },
};
const data = generateTokenLab(opts);
const { vocabulary: vocab } = data;

function meaning(w: number): number[] {
  return Array.from(vocab.concepts.subarray(vocab.offsets[w], vocab.offsets[w + 1]));
}

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
    expect(vocab.text.length).toBe(opts.words);
    expectConsistentSupport(data);
  });

  it("gives every row exactly its word's concepts, with jittered positive coefficients", () => {
    for (let r = 0; r < data.rows; r++) {
      const { offsets, indices } = data.support;
      const row = Array.from(indices.subarray(offsets[r], offsets[r + 1]));
      expect(row).toEqual(meaning(data.wordOfRow[r]));
      expect(data.tokens[r]).toBe(vocab.text[data.wordOfRow[r]]);
    }
    // Jitter: the same (word, concept) gets different coefficients in different occurrences.
    const first = new Map<number, number>();
    let differ = 0;
    for (let r = 0; r < data.rows; r++) {
      const e = data.support.offsets[r];
      const w = data.wordOfRow[r];
      if (first.has(w) && first.get(w) !== data.support.coeffs[e]) differ++;
      first.set(w, data.support.coeffs[e]);
    }
    expect(differ).toBeGreaterThan(data.rows / 2);
  });

  it('spells each word as the names of its concepts, and meanings are distinct', () => {
    expect(vocab.text[0]).toBe('.');
    expect(meaning(0)).toEqual([0]);
    const keys = new Set<string>();
    for (let w = 1; w < opts.words; w++) {
      const m = meaning(w);
      expect(m.length).toBeGreaterThanOrEqual(1);
      expect(m.length).toBeLessThanOrEqual(6);
      expect(m).not.toContain(0); // only `.` means full-stop
      const spelled = vocab.text[w].split('+').sort();
      expect(spelled).toEqual(m.map((c) => data.conceptNames[c]).sort());
      keys.add(m.join(','));
    }
    expect(keys.size).toBe(opts.words - 1);
  });

  it('uses every concept in some word, and word complexity varies', () => {
    const used = new Set(vocab.concepts);
    expect(used.size).toBe(opts.G);
    expect(new Set(data.activeCount).size).toBe(6);
  });

  it('repairs coverage when skew leaves concepts out of a small vocabulary', () => {
    // 15 words of 4–6 concepts (≈ 70 slots) under Zipf exponent 3: most of the 39 concepts would
    // be drawn by no word; the repair must place each while keeping word sizes and distinctness.
    const small = generateTokenLab({
      ...opts,
      words: 16,
      conceptSkew: 3,
      conceptsPerWord: { kind: 'uniform', min: 4, max: 6 },
    });
    const v = small.vocabulary;
    expect(new Set(v.concepts).size).toBe(opts.G);
    expect(new Set(v.text).size).toBe(16);
    for (let w = 1; w < 16; w++) {
      const n = v.offsets[w + 1] - v.offsets[w];
      expect(n).toBeGreaterThanOrEqual(4);
      expect(n).toBeLessThanOrEqual(6);
    }
  });

  it('lays rows out as sequences of sentences ended by "."', () => {
    for (let r = 0; r < data.rows; r++) {
      expect(data.sequenceOfRow[r]).toBe(Math.floor(r / opts.sequenceLength));
      expect(data.positionOfRow[r]).toBe(r % opts.sequenceLength);
    }
    for (let s = 0; s < opts.sequences; s++) {
      const words = data.wordOfRow.subarray(s * opts.sequenceLength, (s + 1) * opts.sequenceLength);
      expect(words[0]).not.toBe(0); // a sequence starts a sentence
      let run = 0;
      for (const w of words) {
        if (w === 0) {
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
    expect(sameBytes(again.wordOfRow, data.wordOfRow)).toBe(true);
    expect(again.vocabulary.text).toEqual(vocab.text);
    const other = generateTokenLab({ ...opts, seed: 4 });
    expect(other.vocabulary.text).not.toEqual(vocab.text);
    expect(sameBytes(other.x, data.x)).toBe(false);
  });

  it('rejects a vocabulary that cannot have distinct meanings', () => {
    // Only 3 single-concept meanings exist besides `.`, but 10 words of one concept are asked for.
    expect(() =>
      generateTokenLab({
        ...opts,
        G: 4,
        words: 11,
        conceptsPerWord: { kind: 'uniform', min: 1, max: 1 },
      }),
    ).toThrow(/distinct/);
  });
});
