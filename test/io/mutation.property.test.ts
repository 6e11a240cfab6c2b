// Random byte mutations and truncations of valid files: the parsers must fail only with IoError,
// finish in bounded time, and never read (so never allocate for) more than the file holds.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IoError } from '../../src/io/errors.ts';
import { openNpy } from '../../src/io/npy.ts';
import { openNpz } from '../../src/io/npz.ts';
import { openSafetensors } from '../../src/io/safetensors.ts';
import type { ByteSource } from '../../src/io/source.ts';
import { bytesSource } from '../../src/io/source.ts';
import { loadTokens } from '../../src/io/tokens.ts';
import { fixturePath, spy } from './helpers.ts';

const load = (...p: string[]) => new Uint8Array(readFileSync(fixturePath(...p)));

/** Exercises a parser fully: open, list, read a couple of rows of everything. */
const consumers: Record<string, (src: ByteSource) => Promise<unknown>> = {
  npy: async (src) => {
    const r = await openNpy(src);
    return r.readRows(0, Math.min(2, r.rows));
  },
  safetensors: async (src) => {
    const st = await openSafetensors(src);
    for (const t of st.tensors) {
      if (t.shape.length >= 2 && t.shape.length <= 3) {
        const r = st.open(t.name);
        await r.readRows(0, Math.min(2, r.rows));
      } else await st.readValues(t.name).catch((e: unknown) => e);
    }
  },
  npz: async (src) => {
    const npz = await openNpz(src, { maxInflatedBytes: 1 << 20 });
    for (const m of npz.members) {
      await npz.header(m.name);
      const r = await npz.open(m.name).catch((e: unknown) => {
        if (e instanceof IoError && e.code.endsWith('bad-shape')) return null;
        throw e;
      });
      if (r) await r.readRows(0, Math.min(2, r.rows));
    }
  },
  jsonl: (src) => loadTokens(src),
};

const SEEDS: [keyof typeof consumers, string, Uint8Array][] = [
  ['npy', 'a.npy', load('numpy', 'v1_f4.npy')],
  ['npy', 'a.npy', load('numpy', 'fortran_f8.npy')],
  ['npy', 'a.npy', load('numpy', 'v2_f2.npy')],
  ['safetensors', 'a.safetensors', load('st-dtypes.safetensors')],
  ['npz', 'a.npz', load('numpy', 'savez.npz')],
  ['npz', 'a.npz', load('numpy', 'savez_compressed.npz')],
  ['jsonl', 'a.jsonl', load('tokens-bom-crlf.jsonl')],
];

const mutationArb = fc.oneof(
  // Overwrite a few bytes, biased to the header where the parsing happens.
  fc
    .array(fc.tuple(fc.oneof(fc.nat(127), fc.nat(4095)), fc.nat(255)), {
      minLength: 1,
      maxLength: 6,
    })
    .map((edits) => (b: Uint8Array) => {
      const out = b.slice();
      for (const [i, v] of edits) out[i % out.length] = v;
      return out;
    }),
  // Truncate.
  fc.nat().map((n) => (b: Uint8Array) => b.slice(0, n % (b.length + 1))),
  // Insert junk.
  fc
    .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 }))
    .map(([at, junk]) => (b: Uint8Array) => {
      const i = at % (b.length + 1);
      return Uint8Array.from([...b.subarray(0, i), ...junk, ...b.subarray(i)]);
    }),
  // Set a 32-bit little-endian field (a length or size) to an extreme.
  fc
    .tuple(fc.nat(200), fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x10000))
    .map(([at, v]) => (b: Uint8Array) => {
      const out = b.slice();
      if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, v, true);
      return out;
    }),
);

const TIMEOUT_MS = 5000; // each run takes milliseconds; this only catches hangs

describe('mutated files never throw anything but IoError, never hang, never over-read', () => {
  it.each(SEEDS.map((s, i) => [`${s[0]} #${i}`, s] as const))(
    '%s',
    async (_label, [kind, name, bytes]) => {
      await fc.assert(
        fc.asyncProperty(mutationArb, async (mutate) => {
          const data = mutate(bytes);
          const s = spy(bytesSource(name, data));
          let timer: ReturnType<typeof setTimeout> | undefined;
          const hang = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('hang')), TIMEOUT_MS);
          });
          try {
            await Promise.race([consumers[kind](s.src), hang]);
          } catch (e) {
            if (!(e instanceof IoError)) throw e;
            expect(e.message.startsWith(`${name}`)).toBe(true);
          } finally {
            clearTimeout(timer);
          }
          for (const [off, len] of s.reads) expect(off + len).toBeLessThanOrEqual(data.length);
        }),
        { numRuns: 250 },
      );
    },
  );
});
