#!/usr/bin/env node
// Writes small SAEs in other tools' published file formats, for the import tests
// (e2e/fixtures/sae/). Written from each format's documented layout with plain Node — none of
// the app's own writers — so the app's readers are checked against independently made files:
//   saelens-topk/   cfg.json (SAELens v6: architecture "topk", k, apply_b_dec_to_input, meta)
//                   + sae_weights.safetensors: W_enc [d_in, d_sae], b_enc [d_sae],
//                   W_dec [d_sae, d_in], b_dec [d_in]
//   saelens-relu/   the same weights with a config from before v6 (architecture "standard",
//                   activation_fn_str "relu", apply_b_dec_to_input false)
//   saelens-gated/  architecture "gated" (must be refused by name)
//   gemmascope/     params.npz (np.savez_compressed layout: a zip of .npy files): W_enc [D, F],
//                   W_dec [F, D], b_enc, b_dec, threshold [F]
//   sparsify/       cfg.json (num_latents, k, d_in) + sae.safetensors: encoder.weight [F, D],
//                   encoder.bias [F], W_dec [F, D], b_dec [D] (the same TopK SAE)
//   dictlearn-batchtopk/  ae.safetensors, a dictionary_learning BatchTopKSAE state dict:
//                   encoder.weight [F, D], encoder.bias, decoder.weight [D, F], b_dec, k (I64 []),
//                   threshold (F32 []) — inference keeps h·1[h > threshold]
//   x.npy           float32 activations [N, D]
// Values come from a seeded generator; rows are redrawn until every decision the models make
// (the k-th vs (k+1)-th pre-activation, each pre-activation vs its JumpReLU threshold and 0) has
// a margin of at least 1e-3, so float32 and float64 evaluations cannot disagree on which
// features fire. Usage: node scripts/make-sae-fixtures.mjs [OUT_DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';

const OUT = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'e2e', 'fixtures', 'sae'));
const D = 12;
const F = 40;
const N = 48;
const K = 5;
const MARGIN = 1e-3;
const THETA = 0.3; // the BatchTopK threshold

// mulberry32, then Box–Muller for normals.
let seed = 20250611;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const f32 = (n, g) => Float32Array.from({ length: n }, g);

// SAELens layout: W_enc [D, F] (d_in rows), W_dec [F, D].
const W_enc = f32(D * F, () => normal() / Math.sqrt(D));
const W_dec = f32(F * D, () => normal() / Math.sqrt(F));
const b_enc = f32(F, () => 0.1 * normal());
const b_dec = f32(D, () => 0.2 * normal());
const threshold = f32(F, () => 0.05 + 0.4 * rand());

/** Pre-activations of one row in float64: (x − c·b_dec)·W_enc + b_enc. */
function pre(x, center) {
  const out = new Float64Array(F);
  for (let j = 0; j < F; j++) {
    let s = b_enc[j];
    for (let d = 0; d < D; d++) s += (x[d] - (center ? b_dec[d] : 0)) * W_enc[d * F + j];
    out[j] = s;
  }
  return out;
}

function safe(x) {
  const top = [...pre(x, true)].sort((a, b) => b - a);
  if (top[K - 1] - top[K] < MARGIN || Math.abs(top[K - 1]) < MARGIN) return false;
  for (const v of pre(x, true)) if (Math.abs(v) < MARGIN) return false; // TopK/ReLU 0 edge
  for (const v of pre(x, true)) if (Math.abs(v - THETA) < MARGIN) return false; // BatchTopK θ
  const p = pre(x, false);
  for (let j = 0; j < F; j++) if (Math.abs(p[j] - threshold[j]) < MARGIN) return false;
  for (const v of p) if (Math.abs(v) < MARGIN) return false; // ReLU (uncentred) 0 edge
  return true;
}

const x = new Float32Array(N * D);
for (let r = 0; r < N; r++) {
  for (;;) {
    const row = f32(D, () => normal());
    if (safe(row)) {
      x.set(row, r * D);
      break;
    }
  }
}

/** safetensors: u64 LE header length, JSON header, data (F32, C order) back to back. */
function safetensors(tensors) {
  let off = 0;
  const header = {};
  for (const [name, shape, data] of tensors) {
    const dtype = data instanceof BigInt64Array ? 'I64' : 'F32';
    header[name] = { dtype, shape, data_offsets: [off, off + data.byteLength] };
    off += data.byteLength;
  }
  header.__metadata__ = { format: 'pt' };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = Buffer.alloc(8 + json.length + off);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  out.write(json, 8, 'latin1');
  let at = 8 + json.length;
  for (const [, , data] of tensors) {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, at);
    at += data.byteLength;
  }
  return out;
}

/** .npy v1.0, little-endian float32, C order; header padded to a multiple of 64 bytes. */
function npy(shape, data) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(h.length, 8);
  return Buffer.concat([pre, Buffer.from(h, 'latin1'), Buffer.from(data.buffer)]);
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b) => {
  let c = 0xffffffff;
  for (const byte of b) c = CRC[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A zip of the given members, deflated (as np.savez_compressed writes). */
function zip(members) {
  const locals = [];
  const central = [];
  let off = 0;
  for (const [name, data] of members) {
    const body = deflateRawSync(data);
    const n = Buffer.from(name, 'utf8');
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(8, 8); // deflate
    lh.writeUInt32LE(crc32(data), 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(n.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc32(data), 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(n.length, 28);
    ch.writeUInt32LE(off, 42);
    locals.push(lh, n, body);
    central.push(ch, n);
    off += 30 + n.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}

const weights = safetensors([
  ['W_enc', [D, F], W_enc],
  ['b_enc', [F], b_enc],
  ['W_dec', [F, D], W_dec],
  ['b_dec', [D], b_dec],
]);
const folder = (name, cfg, files = { 'sae_weights.safetensors': weights }) => {
  mkdirSync(join(OUT, name), { recursive: true });
  writeFileSync(join(OUT, name, 'cfg.json'), JSON.stringify(cfg, null, 2));
  for (const [f, b] of Object.entries(files)) writeFileSync(join(OUT, name, f), b);
};
const meta = {
  model_name: 'fixture',
  hook_name: 'blocks.0.hook_resid_post',
  sae_lens_version: '6.0.0',
};
const common = {
  d_in: D,
  d_sae: F,
  dtype: 'float32',
  device: 'cpu',
  normalize_activations: 'none',
};
folder('saelens-topk', {
  architecture: 'topk',
  ...common,
  apply_b_dec_to_input: true,
  reshape_activations: 'none',
  k: K,
  meta,
});
folder('saelens-relu', {
  architecture: 'standard',
  ...common,
  apply_b_dec_to_input: false,
  activation_fn_str: 'relu',
  activation_fn_kwargs: {},
  model_name: 'fixture',
  hook_name: 'blocks.0.hook_resid_post',
  hook_layer: 0,
  context_size: 128,
  sae_lens_training_version: '3.0.0',
});
folder('saelens-gated', { architecture: 'gated', ...common, apply_b_dec_to_input: true, meta });
mkdirSync(join(OUT, 'gemmascope'), { recursive: true });
writeFileSync(
  join(OUT, 'gemmascope', 'params.npz'),
  zip([
    ['W_enc.npy', npy([D, F], W_enc)],
    ['W_dec.npy', npy([F, D], W_dec)],
    ['b_enc.npy', npy([F], b_enc)],
    ['b_dec.npy', npy([D], b_dec)],
    ['threshold.npy', npy([F], threshold)],
  ]),
);
// sparsify and dictionary_learning store the encoder as nn.Linear weights [F, D].
const encFD = new Float32Array(F * D);
const decDF = new Float32Array(D * F);
for (let j = 0; j < F; j++)
  for (let d = 0; d < D; d++) {
    encFD[j * D + d] = W_enc[d * F + j];
    decDF[d * F + j] = W_dec[j * D + d];
  }
folder(
  'sparsify',
  {
    expansion_factor: 4,
    normalize_decoder: true,
    num_latents: F,
    k: K,
    multi_topk: false,
    d_in: D,
  },
  {
    'sae.safetensors': safetensors([
      ['encoder.weight', [F, D], encFD],
      ['encoder.bias', [F], b_enc],
      ['W_dec', [F, D], W_dec],
      ['b_dec', [D], b_dec],
    ]),
  },
);
mkdirSync(join(OUT, 'dictlearn-batchtopk'), { recursive: true });
writeFileSync(
  join(OUT, 'dictlearn-batchtopk', 'ae.safetensors'),
  safetensors([
    ['b_dec', [D], b_dec],
    ['decoder.weight', [D, F], decDF],
    ['encoder.bias', [F], b_enc],
    ['encoder.weight', [F, D], encFD],
    ['k', [], BigInt64Array.of(BigInt(K))],
    ['threshold', [], Float32Array.of(THETA)],
  ]),
);
writeFileSync(join(OUT, 'x.npy'), npy([N, D], x));
console.log(`wrote ${OUT}: D ${D}, F ${F}, N ${N}, k ${K}`);
