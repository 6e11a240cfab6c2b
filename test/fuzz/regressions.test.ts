// Every input that ever crashed a parser, kept under test/fixtures/fuzz/<target>/ and replayed:
// each must now be refused with the parser's own error (or parse), in bounded time.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exercise } from './exercise';
import { TARGETS } from './targets';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'fuzz');

const cases = Object.keys(TARGETS).flatMap((kind) => {
  const dir = join(DIR, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .map((f) => [kind, f] as const);
});

describe('fuzz regressions', () => {
  it('has every kept case under a known target', () => {
    for (const entry of readdirSync(DIR, { withFileTypes: true }))
      if (entry.isDirectory() && entry.name !== 'found')
        expect(Object.keys(TARGETS), entry.name).toContain(entry.name);
  });

  // One test per kept case (none yet: see test/fixtures/fuzz/README.md).
  for (const [kind, file] of cases)
    it(`${kind} ${file}`, async () => {
      await exercise(kind, TARGETS[kind], new Uint8Array(readFileSync(join(DIR, kind, file))));
    });
});
