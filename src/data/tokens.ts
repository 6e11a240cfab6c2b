/**
 * The token lab: a toy language whose tokens name the concepts they contain.
 *
 * Every true feature is a named concept (`red`, `fox`, `river`, … see concepts.ts). Each token
 * (row) draws its own active set independently of every other row: a count n from
 * `conceptsPerToken`, then n distinct concepts by Zipf-skewed popularity, then a positive
 * coefficient for each. Its text is those concepts' names joined by `+` in category order
 * (`red+fox+river`), so reading a token tells a human exactly which features its row contains,
 * and no two rows are tied to a fixed word meaning: an SAE cannot learn a small vocabulary of
 * "word features" instead of the concepts (which a fixed vocabulary allowed — with 190 fixed
 * meanings, those meanings explained 98.8 % of the variance of the old quick lab).
 *
 * The corpus is `sequences` sequences of `sequenceLength` tokens (like an LLM's context windows):
 * sentences of random length, each ended by the full stop `.`, whose only concept is `full-stop`
 * (concept 0, which no other token uses). So `activeCount` of a row — the complexity SoftSAE's k̂
 * should track — is 1 for `.` and the drawn n otherwise.
 */
import {
  checkMagnitude,
  countTable,
  cumulative,
  sampleCount,
  sampleDistinct,
  sampleMagnitude,
  subRng,
  zipfWeights,
  type CountDistribution,
  type MagnitudeDistribution,
} from './distributions.ts';
import { conceptCategory, conceptName } from './concepts.ts';
import { makeDictionary, type Coherence } from './dictionary.ts';
import {
  checkCommon,
  measureFrequency,
  renderRows,
  sortRow,
  STREAM,
  type LabData,
} from './synthetic.ts';

/** Options of {@link generateTokenLab}. */
export interface TokenLabOptions {
  seed: number;
  D: number;
  /** Number of concepts (true features), including `full-stop`. */
  G: number;
  sequences: number;
  /** Tokens (rows) per sequence; rows = sequences · sequenceLength. */
  sequenceLength: number;
  /** Concepts per token other than `.` (its complexity). Default uniform in [1, min(12, G − 1)]. */
  conceptsPerToken?: CountDistribution;
  /** Zipf exponent of concept popularity. Default 1. */
  conceptSkew?: number;
  /** Tokens per sentence before its `.`. Default 4…12. */
  sentenceLength?: { min: number; max: number };
  /** Coefficient of each active concept, drawn per row. Default |N(1, 0.3)|, floor 0.2. */
  magnitude?: MagnitudeDistribution;
  /** Std of additive noise per coordinate. Default 0. */
  noiseStd?: number;
  /** Correlated atom pairs (optional; default none). */
  coherence?: Coherence;
}

/** A token-lab corpus: a {@link LabData} whose rows are tokens of the toy language. */
export interface TokenLabData extends LabData {
  /** Concept (true feature) names [G]; `conceptNames[0]` is `full-stop`. */
  conceptNames: string[];
  /** The distinct token texts, in order of first use (`texts[0]` is the first row's). */
  texts: string[];
  /** Index into `texts` of each row's text [rows] (a compact form of `tokens` to post). */
  textOfRow: Uint32Array;
  /** Token text of each row [rows] (strings shared with `texts`, not copied). */
  tokens: string[];
  /** Sequence of each row and the row's position in it [rows]. */
  sequenceOfRow: Uint32Array;
  positionOfRow: Uint32Array;
  sequenceLength: number;
}

/** Default options of {@link generateTokenLab} that are not sizes. */
export const TOKEN_LAB_DEFAULTS = {
  conceptSkew: 1,
  sentenceLength: { min: 4, max: 12 },
  magnitude: { kind: 'absNormal', mean: 1, std: 0.3, floor: 0.2 } as MagnitudeDistribution,
};

const FULL_STOP = 0;

/** Names of the token lab's concepts: `full-stop`, then the shared concept names. */
export function tokenConceptNames(G: number): string[] {
  return Array.from({ length: G }, (_, i) => (i === FULL_STOP ? 'full-stop' : conceptName(i - 1)));
}

/** Text of a row from its concepts: their names in category order (then index), joined by `+`. */
export function tokenText(concepts: ArrayLike<number>, names: string[]): string {
  if (concepts.length === 1 && concepts[0] === FULL_STOP) return '.';
  const order = Array.from(concepts).sort(
    (a, b) => conceptCategory(a - 1) - conceptCategory(b - 1) || a - b,
  );
  return order.map((c) => names[c]).join('+');
}

/** Generates a token-lab corpus (see the module comment). Deterministic for a seed. */
export function generateTokenLab(o: TokenLabOptions): TokenLabData {
  checkCommon(o);
  const { seed, D, G, sequences, sequenceLength: L } = o;
  if (G < 2) throw new Error('G must be ≥ 2 (full-stop plus at least one concept)');
  if (!Number.isInteger(sequences) || sequences < 0) throw new Error('bad sequences');
  if (!Number.isInteger(L) || L < 1) throw new Error('sequenceLength must be an integer ≥ 1');
  const sentence = o.sentenceLength ?? TOKEN_LAB_DEFAULTS.sentenceLength;
  const { min: sMin, max: sMax } = sentence;
  if (!(Number.isInteger(sMin) && Number.isInteger(sMax) && sMin >= 1 && sMax >= sMin)) {
    throw new Error('sentenceLength must satisfy 1 ≤ min ≤ max');
  }
  const magnitude = o.magnitude ?? TOKEN_LAB_DEFAULTS.magnitude;
  checkMagnitude(magnitude);
  const count = o.conceptsPerToken ?? { kind: 'uniform', min: 1, max: Math.min(12, G - 1) };
  const table = countTable(count, G - 1); // concept 0 is reserved for `.`
  const noiseStd = o.noiseStd ?? 0;

  const dictRng = subRng(seed, STREAM.dictionary);
  const { atoms, correlatedPairs } = makeDictionary(D, G, o.coherence, dictRng);
  const conceptNames = tokenConceptNames(G);
  // Popularity over concepts 1…G−1 (weight 0 keeps `full-stop` out of ordinary tokens).
  const weights = new Float64Array(G);
  weights.set(
    zipfWeights(
      G - 1,
      o.conceptSkew ?? TOKEN_LAB_DEFAULTS.conceptSkew,
      subRng(seed, STREAM.popularity),
    ),
    1,
  );
  const cdf = cumulative(weights);

  // Pass 1, layout and counts: sentences of uniform length in [min, max] tokens, then `.`.
  const rows = sequences * L;
  const layoutRng = subRng(seed, STREAM.counts);
  const activeCount = new Uint16Array(rows);
  const isStop = new Uint8Array(rows);
  const sequenceOfRow = new Uint32Array(rows);
  const positionOfRow = new Uint32Array(rows);
  const offsets = new Uint32Array(rows + 1);
  const span = sMax - sMin + 1;
  for (let s = 0; s < sequences; s++) {
    let left = sMin + Math.floor(layoutRng.uniform() * span);
    for (let p = 0; p < L; p++) {
      const r = s * L + p;
      sequenceOfRow[r] = s;
      positionOfRow[r] = p;
      if (left > 0) {
        activeCount[r] = sampleCount(table, count.min, layoutRng);
        left--;
      } else {
        activeCount[r] = 1;
        isStop[r] = 1;
        left = sMin + Math.floor(layoutRng.uniform() * span);
      }
      offsets[r + 1] = offsets[r] + activeCount[r];
    }
  }

  // Pass 2, each row's own concepts and coefficients (independent of every other row).
  const indices = new Uint32Array(offsets[rows]);
  const coeffs = new Float32Array(offsets[rows]);
  const supportRng = subRng(seed, STREAM.support);
  const stamp = new Uint32Array(G);
  const picked = new Uint32Array(count.max);
  for (let r = 0; r < rows; r++) {
    const start = offsets[r];
    const n = activeCount[r];
    if (isStop[r]) indices[start] = FULL_STOP;
    else {
      sampleDistinct(cdf, weights, n, supportRng, stamp, r + 1, picked);
      indices.set(picked.subarray(0, n), start);
    }
    for (let e = start; e < start + n; e++) coeffs[e] = sampleMagnitude(magnitude, supportRng);
    sortRow(indices, coeffs, start, start + n);
  }

  // Texts: one string per distinct active set, shared by the rows that drew it.
  const texts: string[] = [];
  const textIndex = new Map<string, number>();
  const textOfRow = new Uint32Array(rows);
  const tokens = new Array<string>(rows);
  for (let r = 0; r < rows; r++) {
    const t = tokenText(indices.subarray(offsets[r], offsets[r + 1]), conceptNames);
    let i = textIndex.get(t);
    if (i === undefined) {
      i = texts.push(t) - 1;
      textIndex.set(t, i);
    }
    textOfRow[r] = i;
    tokens[r] = texts[i];
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
    texts,
    textOfRow,
    tokens,
    sequenceOfRow,
    positionOfRow,
    sequenceLength: L,
  };
}
