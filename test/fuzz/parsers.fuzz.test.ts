// The fuzz pass over every parser (test/fuzz/targets.ts), for a fixed budget (test/fuzz/budget.ts):
// random bytes, and valid files mutated (bytes overwritten, truncated, junk inserted, a length
// field set to an extreme). A parser may only fail with its own error class, must finish in
// bounded time and never read past its input. A crashing input is saved under
// test/fixtures/fuzz/found/<target>/ and its path printed: commit it under
// test/fixtures/fuzz/<target>/ and regressions.test.ts replays it forever.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../src/io/source';
import { fuzzParams } from './budget';
import { exercise } from './exercise';
import { TARGETS } from './targets';

const mutation = fc.oneof(
  fc
    .array(fc.tuple(fc.oneof(fc.nat(127), fc.nat(4095)), fc.nat(255)), {
      minLength: 1,
      maxLength: 8,
    })
    .map((edits) => (b: Uint8Array) => {
      const out = b.slice();
      for (const [i, v] of edits) if (out.length) out[i % out.length] = v;
      return out;
    }),
  fc.nat().map((n) => (b: Uint8Array) => b.slice(0, n % (b.length + 1))),
  fc
    .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 32 }))
    .map(([at, junk]) => (b: Uint8Array) => {
      const i = at % (b.length + 1);
      return Uint8Array.from([...b.subarray(0, i), ...junk, ...b.subarray(i)]);
    }),
  fc
    .tuple(fc.nat(300), fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x10000, 0x80000000))
    .map(([at, v]) => (b: Uint8Array) => {
      const out = b.slice();
      if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, v, true);
      return out;
    }),
);

describe.each(Object.entries(TARGETS))('fuzz %s', (kind, target) => {
  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), (bytes) => exercise(kind, target, bytes)),
      fuzzParams(`${kind} random`, 0.5),
    );
  });

  it('mutated valid inputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(target.seeds.length - 1), mutation, (i, mutate) =>
        exercise(kind, target, mutate(target.seeds[i])),
      ),
      fuzzParams(`${kind} mutated`),
    );
  });

  it('the valid seeds parse', async () => {
    for (const seed of target.seeds)
      await expect(target.run(bytesSource(target.file, seed), seed)).resolves.not.toThrow();
  });
});
