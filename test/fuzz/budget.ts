/**
 * The fuzz budget: runs per property from `FUZZ_RUNS` (CI default below), and a seed from
 * `FUZZ_SEED` or a fresh one — always printed, so any failure in CI can be replayed exactly:
 *   FUZZ_SEED=<seed> npx vitest run test/fuzz
 * fast-check itself prints the seed and shrunk path of a failing property.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parameters } from 'fast-check';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() | 0;

export function fuzzParams<T>(name: string, scale = 1): Parameters<T> {
  const numRuns = Math.max(1, Math.round(RUNS * scale));
  console.log(`fuzz ${name}: seed ${SEED}, ${numRuns} runs (replay: FUZZ_SEED=${SEED})`);
  return { seed: SEED, numRuns };
}

/** Where crashing inputs are written, to be committed under test/fixtures/fuzz/<kind>/. */
export const FOUND_DIR = join(import.meta.dirname, '..', 'fixtures', 'fuzz', 'found');

/**
 * Saves an input that broke a parser (so it can be committed as a regression fixture) and
 * returns its path. Named by content hash: the same crash is saved once.
 */
export function saveCrash(kind: string, bytes: Uint8Array): string {
  const dir = join(FOUND_DIR, kind);
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const path = join(dir, `${hash}.bin`);
  writeFileSync(path, bytes);
  return path;
}
