/**
 * The token lab: a toy language whose words mean sets of concepts.
 *
 * Every true feature is a named concept (`red`, `fox`, `river`, … see concepts.ts). A vocabulary of
 * W words is drawn once: each word is a fixed set of concepts, of varying size, so simple words mean
 * one or two concepts and complex ones many. A word's text is its concepts joined by `+`
 * (`red+fox+river`), so reading a token tells a human exactly which features its row contains.
 * Word 0 is the full stop `.`, whose meaning is the single concept `full-stop` (concept 0); no
 * other word uses that concept.
 *
 * The corpus is `sequences` sequences of `sequenceLength` tokens (like an LLM's context windows):
 * sentences of random length whose words are drawn with Zipf-skewed usage, each ended by `.`. Each
 * token is one row: x = Σ_c coeff_c·atom_c over the word's concepts, where coeff_c is the word's
 * fixed base coefficient for c times a log-normal jitter drawn per occurrence, plus optional noise.
 * So `activeCount` of a row is the size of its word's meaning — the complexity SoftSAE's k̂ should
 * track — and concept frequency is skewed twice: by concept popularity when words are composed and
 * by word usage in text.
 *
 * Word composition guarantees: meanings are distinct sets (distinct texts) and, when the vocabulary
 * has room, every concept appears in at least one word (repaired by swapping an over-used concept
 * for a missing one), though a concept only in rare words stays rare in the corpus.
 */
import {
  checkMagnitude,
  countTable,
  cumulative,
  sampleCount,
  sampleDistinct,
  sampleIndex,
  sampleMagnitude,
  subRng,
  zipfWeights,
  type CountDistribution,
  type MagnitudeDistribution,
} from './distributions.ts';
import { conceptCategory, conceptName } from './concepts.ts';
import { makeDictionary, type Coherence } from './dictionary.ts';
import { checkCommon, measureFrequency, renderRows, STREAM, type LabData } from './synthetic.ts';

/** Options of {@link generateTokenLab}. */
export interface TokenLabOptions {
  seed: number;
  D: number;
  /** Number of concepts (true features), including `full-stop`. */
  G: number;
  /** Vocabulary size W, including `.`. */
  words: number;
  sequences: number;
  /** Tokens (rows) per sequence; rows = sequences · sequenceLength. */
  sequenceLength: number;
  /** Concepts per word (word complexity). Default uniform in [1, min(12, G − 1)]. */
  conceptsPerWord?: CountDistribution;
  /** Zipf exponent of concept popularity when words are composed. Default 1. */
  conceptSkew?: number;
  /** Zipf exponent of word usage in text. Default 1. */
  wordSkew?: number;
  /** Words per sentence before its `.`. Default 4…12. */
  sentenceLength?: { min: number; max: number };
  /** Base coefficient of each (word, concept). Default |N(1, 0.3)|, floor 0.2. */
  magnitude?: MagnitudeDistribution;
  /** σ of the per-occurrence log-normal factor exp(σ·N(0, 1)) on base coefficients. Default 0.1. */
  jitter?: number;
  /** Std of additive noise per coordinate. Default 0. */
  noiseStd?: number;
  coherence?: Coherence;
}

/** The vocabulary: word → concepts, in CSR form. */
export interface Vocabulary {
  /** Text of each word [W]: its concept names joined by `+` in category order; word 0 is `.`. */
  text: string[];
  /** Word w's concepts are `concepts[offsets[w] … offsets[w + 1])` [W + 1]. */
  offsets: Uint32Array;
  /** Concept indices, ascending within a word. */
  concepts: Uint32Array;
  /** Base coefficient of each (word, concept) entry, > 0. */
  coeffs: Float32Array;
}

/** A token-lab corpus: a {@link LabData} whose rows are tokens of the toy language. */
export interface TokenLabData extends LabData {
  /** Concept (true feature) names [G]; `conceptNames[0]` is `full-stop`. */
  conceptNames: string[];
  vocabulary: Vocabulary;
  /** Word of each row [rows]. */
  wordOfRow: Uint32Array;
  /** Token text of each row [rows] (the vocabulary's strings, shared, not copied). */
  tokens: string[];
  /** Sequence of each row and the row's position in it [rows]. */
  sequenceOfRow: Uint32Array;
  positionOfRow: Uint32Array;
  sequenceLength: number;
}

/** Default options of {@link generateTokenLab} that are not sizes. */
export const TOKEN_LAB_DEFAULTS = {
  conceptSkew: 1,
  wordSkew: 1,
  sentenceLength: { min: 4, max: 12 },
  magnitude: { kind: 'absNormal', mean: 1, std: 0.3, floor: 0.2 } as MagnitudeDistribution,
  jitter: 0.1,
};

const FULL_STOP = 0;

/** Names of the token lab's concepts: `full-stop`, then the shared concept names. */
export function tokenConceptNames(G: number): string[] {
  return Array.from({ length: G }, (_, i) => (i === FULL_STOP ? 'full-stop' : conceptName(i - 1)));
}

function wordText(concepts: number[], names: string[]): string {
  const order = [...concepts].sort(
    (a, b) => conceptCategory(a - 1) - conceptCategory(b - 1) || a - b,
  );
  return order.map((c) => names[c]).join('+');
}

/** Draws the vocabulary (see the module comment for the guarantees). */
function drawVocabulary(o: TokenLabOptions, names: string[]): Vocabulary {
  const { G, words: W } = o;
  const rng = subRng(o.seed, STREAM.words);
  const dist = o.conceptsPerWord ?? { kind: 'uniform', min: 1, max: Math.min(12, G - 1) };
  const table = countTable(dist, G - 1);
  const weights = new Float64Array(G);
  weights.set(zipfWeights(G - 1, o.conceptSkew ?? TOKEN_LAB_DEFAULTS.conceptSkew, rng), 1);
  const cdf = cumulative(weights);
  const stamp = new Uint32Array(G);
  const picked = new Uint32Array(dist.max);
  const meanings: number[][] = [[FULL_STOP]];
  const seen = new Set<string>(['0']);
  let mark = 0;
  for (let w = 1; w < W; w++) {
    const n = sampleCount(table, dist.min, rng);
    for (let attempt = 0; ; attempt++) {
      if (attempt === 1000) throw new Error(`cannot find ${W} distinct word meanings`);
      sampleDistinct(cdf, weights, n, rng, stamp, ++mark, picked);
      const set = Array.from(picked.subarray(0, n)).sort((a, b) => a - b);
      const key = set.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      meanings.push(set);
      break;
    }
  }

  // Coverage repair: a concept in no word can never fire. Give it a slot of a concept that is in
  // at least two words, taken from a word of ≥ 2 concepts, keeping every meaning distinct.
  const uses = new Uint32Array(G);
  for (const m of meanings) for (const c of m) uses[c]++;
  for (let c = 1; c < G; c++) {
    if (uses[c] > 0) continue;
    const start = Math.floor(rng.uniform() * W);
    search: for (let i = 0; i < W; i++) {
      const m = meanings[(start + i) % W];
      if (m.length < 2) continue;
      for (let j = 0; j < m.length; j++) {
        if (uses[m[j]] < 2) continue;
        const set = [...m.slice(0, j), ...m.slice(j + 1), c].sort((a, b) => a - b);
        const key = set.join(',');
        if (seen.has(key)) continue;
        seen.delete(m.join(','));
        seen.add(key);
        uses[m[j]]--;
        uses[c]++;
        m.splice(0, m.length, ...set);
        break search;
      }
    }
  }

  const offsets = new Uint32Array(W + 1);
  meanings.forEach((m, w) => (offsets[w + 1] = offsets[w] + m.length));
  const concepts = new Uint32Array(offsets[W]);
  const coeffs = new Float32Array(offsets[W]);
  const magnitude = o.magnitude ?? TOKEN_LAB_DEFAULTS.magnitude;
  meanings.forEach((m, w) => {
    concepts.set(m, offsets[w]);
    for (let e = offsets[w]; e < offsets[w + 1]; e++) coeffs[e] = sampleMagnitude(magnitude, rng);
  });
  const text = meanings.map((m, w) => (w === 0 ? '.' : wordText(m, names)));
  return { text, offsets, concepts, coeffs };
}

/** Generates a token-lab corpus (see the module comment). Deterministic for a seed. */
export function generateTokenLab(o: TokenLabOptions): TokenLabData {
  checkCommon(o);
  const { seed, D, G, words: W, sequences, sequenceLength: L } = o;
  if (G < 2) throw new Error('G must be ≥ 2 (full-stop plus at least one concept)');
  if (!Number.isInteger(W) || W < 2) throw new Error('words must be an integer ≥ 2');
  if (!Number.isInteger(sequences) || sequences < 0) throw new Error('bad sequences');
  if (!Number.isInteger(L) || L < 1) throw new Error('sequenceLength must be an integer ≥ 1');
  const sentence = o.sentenceLength ?? TOKEN_LAB_DEFAULTS.sentenceLength;
  const { min: sMin, max: sMax } = sentence;
  if (!(Number.isInteger(sMin) && Number.isInteger(sMax) && sMin >= 1 && sMax >= sMin)) {
    throw new Error('sentenceLength must satisfy 1 ≤ min ≤ max');
  }
  const jitter = o.jitter ?? TOKEN_LAB_DEFAULTS.jitter;
  if (!(jitter >= 0)) throw new Error('jitter must be ≥ 0');
  checkMagnitude(o.magnitude ?? TOKEN_LAB_DEFAULTS.magnitude);
  const noiseStd = o.noiseStd ?? 0;

  const { atoms, correlatedPairs } = makeDictionary(
    D,
    G,
    o.coherence,
    subRng(seed, STREAM.dictionary),
  );
  const conceptNames = tokenConceptNames(G);
  const vocabulary = drawVocabulary(o, conceptNames);

  // Text: sentences of uniform length in [min, max] words drawn by Zipf usage, then `.`.
  const usage = new Float64Array(W);
  usage.set(
    zipfWeights(W - 1, o.wordSkew ?? TOKEN_LAB_DEFAULTS.wordSkew, subRng(seed, STREAM.popularity)),
    1,
  );
  const usageCdf = cumulative(usage);
  const textRng = subRng(seed, STREAM.counts);
  const rows = sequences * L;
  const wordOfRow = new Uint32Array(rows);
  const sequenceOfRow = new Uint32Array(rows);
  const positionOfRow = new Uint32Array(rows);
  const span = sentence.max - sentence.min + 1;
  for (let s = 0; s < sequences; s++) {
    let left = sentence.min + Math.floor(textRng.uniform() * span);
    for (let p = 0; p < L; p++) {
      const r = s * L + p;
      sequenceOfRow[r] = s;
      positionOfRow[r] = p;
      if (left > 0) {
        wordOfRow[r] = sampleIndex(usageCdf, textRng);
        left--;
      } else {
        wordOfRow[r] = 0;
        left = sentence.min + Math.floor(textRng.uniform() * span);
      }
    }
  }

  // Rows: the word's concepts (already ascending), each base coefficient times a fresh
  // log-normal jitter, which keeps it positive and varies magnitudes without changing the support.
  const { offsets: wOff, concepts, coeffs: base } = vocabulary;
  const activeCount = new Uint16Array(rows);
  const offsets = new Uint32Array(rows + 1);
  for (let r = 0; r < rows; r++) {
    activeCount[r] = wOff[wordOfRow[r] + 1] - wOff[wordOfRow[r]];
    offsets[r + 1] = offsets[r] + activeCount[r];
  }
  const indices = new Uint32Array(offsets[rows]);
  const coeffs = new Float32Array(offsets[rows]);
  const jitterRng = subRng(seed, STREAM.support);
  for (let r = 0; r < rows; r++) {
    const w = wordOfRow[r];
    for (let e = wOff[w], out = offsets[r]; e < wOff[w + 1]; e++, out++) {
      indices[out] = concepts[e];
      coeffs[out] = base[e] * Math.exp(jitter * jitterRng.normal());
    }
  }
  const support = { offsets, indices, coeffs };
  const x = renderRows(atoms, D, support, noiseStd, subRng(seed, STREAM.noise));
  return {
    x,
    D,
    rows,
    G,
    dictionary: atoms,
    correlatedPairs,
    activeCount,
    support,
    featureFrequency: measureFrequency(support, G),
    noiseStd,
    conceptNames,
    vocabulary,
    wordOfRow,
    tokens: Array.from(wordOfRow, (w) => vocabulary.text[w]),
    sequenceOfRow,
    positionOfRow,
    sequenceLength: L,
  };
}
