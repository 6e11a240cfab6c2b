/**
 * Every parser of untrusted input, as a fuzz target: bytes in, a full read out, and the error
 * class it is allowed to fail with. A target "crashes" when it throws anything else, hangs, or
 * reads past the end of its input. New parsers are fuzzed by adding them here.
 */
import { readFileSync } from 'node:fs';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint';
import { loadSae } from '../../src/io/sae/load';
import { join } from 'node:path';
import { IoError } from '../../src/io/errors';
import { JsonSyntaxError, parseJson } from '../../src/io/json';
import { openNpy } from '../../src/io/npy';
import { openNpz } from '../../src/io/npz';
import { PyLiteralError, parsePyLiteral } from '../../src/io/pyliteral';
import { openSafetensors } from '../../src/io/safetensors';
import { bytesSource, type ByteSource } from '../../src/io/source';
import { loadTokens, loadVocab } from '../../src/io/tokens';

export interface FuzzTarget {
  /** File name the bytes are given (parsers choose by extension, errors name it). */
  file: string;
  run(src: ByteSource, bytes: Uint8Array): Promise<unknown>;
  /** The only error a bad input may raise. */
  allowed: (e: unknown) => boolean;
  /** Valid inputs to mutate. */
  seeds: Uint8Array[];
}

const io = (...p: string[]) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'io', ...p)));
const text = (s: string) => new TextEncoder().encode(s);
const sae = (...p: string[]) =>
  new Uint8Array(
    readFileSync(join(import.meta.dirname, '..', '..', 'e2e', 'fixtures', 'sae', ...p)),
  );
const SAELENS_CFG = sae('saelens-topk', 'cfg.json');
const SAELENS_WEIGHTS = sae('saelens-topk', 'sae_weights.safetensors');
/** A small checkpoint: metadata with nested values, a float and an integer tensor. */
const CHECKPOINT = encodeCheckpoint({ step: 7, config: { k: 4, lr: 1e-3 }, history: [1, 2.5] }, [
  { name: 'params', data: Float32Array.of(-0, 1.5, 3e-39, -2), shape: [2, 2] },
  { name: 'order', data: Uint32Array.of(3, 0, 2, 1) },
]);
const isIo = (e: unknown) => e instanceof IoError;

export const TARGETS: Record<string, FuzzTarget> = {
  npy: {
    file: 'x.npy',
    async run(src) {
      const r = await openNpy(src);
      return r.readRows(0, Math.min(2, r.rows));
    },
    allowed: isIo,
    seeds: [io('numpy', 'v1_f4.npy'), io('numpy', 'fortran_f8.npy'), io('numpy', 'v2_f2.npy')],
  },
  safetensors: {
    file: 'x.safetensors',
    async run(src) {
      const st = await openSafetensors(src);
      for (const t of st.tensors) {
        if (t.shape.length >= 2 && t.shape.length <= 3) {
          const r = st.open(t.name);
          await r.readRows(0, Math.min(2, r.rows));
        } else await st.readValues(t.name);
      }
    },
    allowed: isIo,
    seeds: [io('st-dtypes.safetensors')],
  },
  npz: {
    file: 'x.npz',
    async run(src) {
      const npz = await openNpz(src, { maxInflatedBytes: 1 << 20 });
      for (const m of npz.members) {
        await npz.header(m.name);
        // A 0-D or 1-D member is listed but is no activation matrix: refused by its shape.
        const r = await npz.open(m.name).catch((e: unknown) => {
          if (e instanceof IoError && e.code.endsWith('bad-shape')) return null;
          throw e;
        });
        if (r) await r.readRows(0, Math.min(2, r.rows));
      }
    },
    allowed: isIo,
    seeds: [io('numpy', 'savez.npz'), io('numpy', 'savez_compressed.npz')],
  },
  jsonl: {
    file: 'x.jsonl',
    run: (src) => loadTokens(src),
    allowed: isIo,
    seeds: [io('tokens-bom-crlf.jsonl'), text('{"token":"a","doc":0}\n{"token":"<b>","seq":1}\n')],
  },
  tokensJson: {
    file: 'x.json',
    run: (src) => loadTokens(src),
    allowed: isIo,
    seeds: [text('[["a","b"],["c"]]'), text('["x","\\u202e",""]')],
  },
  txt: {
    file: 'x.txt',
    run: (src) => loadTokens(src),
    allowed: isIo,
    seeds: [text('one\r\ntwo\n\nthree\n')],
  },
  vocab: {
    file: 'vocab.json',
    run: (src) => loadVocab(src),
    allowed: isIo,
    seeds: [text('{"a":0,"b":1,"<c>":2}'), text('["a","b"]')],
  },
  npyHeader: {
    file: 'header.txt',
    run: async (_src, bytes) => parsePyLiteral(new TextDecoder().decode(bytes)),
    allowed: (e) => e instanceof PyLiteralError,
    seeds: [text("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }")],
  },
  checkpoint: {
    file: 'gen-1.ckpt',
    run: async (_src, bytes) => decodeCheckpoint(bytes, 'gen-1.ckpt'),
    allowed: isIo,
    seeds: [CHECKPOINT],
  },
  // An SAE folder: the config under fuzz beside valid weights, and the weights beside a valid
  // config (src/io/sae: format detection, orientation from shapes, every reader).
  saeConfig: {
    file: 'cfg.json',
    run: (src) => loadSae([src, bytesSource('sae_weights.safetensors', SAELENS_WEIGHTS)]),
    allowed: isIo,
    seeds: [SAELENS_CFG],
  },
  saeWeights: {
    file: 'sae_weights.safetensors',
    run: (src) => loadSae([bytesSource('cfg.json', SAELENS_CFG), src]),
    allowed: isIo,
    seeds: [SAELENS_WEIGHTS],
  },
  gemmaScope: {
    file: 'params.npz',
    run: (src) => loadSae([src]),
    allowed: isIo,
    seeds: [sae('gemmascope', 'params.npz')],
  },
  json: {
    file: 'x.json',
    run: async (_src, bytes) => parseJson(new TextDecoder().decode(bytes)),
    allowed: (e) => e instanceof JsonSyntaxError,
    seeds: [text('{"a":[1,2.5e3,-0,"\\ud83d\\ude00"],"b":{"c":null,"d":true}}')],
  },
};
