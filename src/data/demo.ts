/**
 * Built-in datasets: the app's demo corpus and a small one for tests. Both are token-lab corpora
 * (see tokens.ts) with every option written out, so a change of library defaults never silently
 * changes the demo; the seed is fixed, so the demo is the same bytes on every machine.
 */
import { generateTokenLab, type TokenLabData, type TokenLabOptions } from './tokens.ts';

/** Seed of the built-in presets. */
export const DEMO_SEED = 20260511;

/**
 * The demo: D = 64, 256 concepts (4× overcomplete), a 2048-word vocabulary whose words mean 1–12
 * concepts, 256 sequences of 64 tokens (16 384 rows), light noise and a few correlated atom pairs.
 */
export const DEMO_OPTIONS: Readonly<TokenLabOptions> = {
  seed: DEMO_SEED,
  D: 64,
  G: 256,
  words: 2048,
  sequences: 256,
  sequenceLength: 64,
  conceptsPerWord: { kind: 'uniform', min: 1, max: 12 },
  conceptSkew: 0.7,
  wordSkew: 0.7,
  sentenceLength: { min: 4, max: 12 },
  magnitude: { kind: 'absNormal', mean: 1, std: 0.3, floor: 0.2 },
  jitter: 0.1,
  noiseStd: 0.02,
  coherence: { fraction: 0.1, cosine: 0.6 },
};

/**
 * The quick preset for tests and smoke runs: D = 16, 48 concepts, 192 words of 1–8 concepts,
 * 32 sequences of 64 tokens (2048 rows), same noise and coherence settings as the demo.
 */
export const QUICK_OPTIONS: Readonly<TokenLabOptions> = {
  ...DEMO_OPTIONS,
  D: 16,
  G: 48,
  words: 192,
  sequences: 32,
  conceptsPerWord: { kind: 'uniform', min: 1, max: 8 },
};

/** Generates the demo corpus (16 384 rows × 64; about 0.1–0.2 s in Node, see docs/synthetic-lab.md). */
export function demoDataset(): TokenLabData {
  return generateTokenLab(DEMO_OPTIONS);
}

/** Generates the quick test corpus (2048 rows × 16). */
export function quickDataset(): TokenLabData {
  return generateTokenLab(QUICK_OPTIONS);
}
