/**
 * Built-in datasets: the app's demo corpus and a small one for tests. Both are token-lab corpora
 * (see tokens.ts) with every option written out, so a change of library defaults never silently
 * changes the demo; the seed is fixed, so the demo is the same bytes on every machine.
 */
import { generateTokenLab, type TokenLabData, type TokenLabOptions } from './tokens.ts';

/** Seed of the built-in presets. */
export const DEMO_SEED = 20260511;

/**
 * The demo: D = 64, 128 concepts (2·D, the recoverable side of overcomplete), 256 sequences of
 * 64 tokens (16 384 rows); each token draws 1–12 concepts of its own (mean 6.5; `.` has 1), light
 * noise, no correlated pairs. The well-posed setting of issue 14: independent rows, so the
 * concepts are recoverable and a row's count is what an adaptive k̂ can follow.
 */
export const DEMO_OPTIONS: Readonly<TokenLabOptions> = {
  seed: DEMO_SEED,
  D: 64,
  G: 128,
  sequences: 256,
  sequenceLength: 64,
  conceptsPerToken: { kind: 'uniform', min: 1, max: 12 },
  conceptSkew: 0.7,
  sentenceLength: { min: 4, max: 12 },
  magnitude: { kind: 'absNormal', mean: 1, std: 0.3, floor: 0.2 },
  noiseStd: 0.02,
};

/**
 * The quick corpus for tests and smoke runs: D = 16, 32 concepts (2·D), 1–6 concepts per token,
 * 32 sequences of 64 tokens (2048 rows), same noise as the demo. Too small for the claim (16
 * dimensions hold few concepts at once); its shape is what the browser tests are sized for.
 */
export const QUICK_OPTIONS: Readonly<TokenLabOptions> = {
  ...DEMO_OPTIONS,
  D: 16,
  G: 32,
  sequences: 32,
  conceptsPerToken: { kind: 'uniform', min: 1, max: 6 },
};

/** Generates the demo corpus (16 384 rows × 64; about 0.1–0.2 s in Node, see docs/synthetic-lab.md). */
export function demoDataset(): TokenLabData {
  return generateTokenLab(DEMO_OPTIONS);
}

/** Generates the quick test corpus (2048 rows × 16). */
export function quickDataset(): TokenLabData {
  return generateTokenLab(QUICK_OPTIONS);
}
