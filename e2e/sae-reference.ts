// Independent float64 evaluation of the fixture SAEs for the import tests: the files are parsed
// here with Node's Buffer and zlib (not the app's readers), and each model runs as its own
// tool documents it:
//   pre = (x − c·b_dec)·W_enc + b_enc        (W_enc [d_in, d_sae]; c = apply_b_dec_to_input)
//   TopK: top-k of pre, then ReLU;  ReLU: max(pre, 0);  JumpReLU: ReLU(pre)·1[pre > θ]
//   BatchTopK inference (dictionary_learning): ReLU(pre)·1[ReLU(pre) > θ], one θ for all
//   (sparsify and dictionary_learning store nn.Linear weights [F, D]: transposed on reading)
//   x̂ = f·W_dec + b_dec                       (W_dec [d_sae, d_in])
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const SAE_FIXTURES = join(import.meta.dirname, 'fixtures', 'sae');

/** The F32 tensors of a safetensors file. */
export function readSafetensorsRaw(
  path: string,
): Record<string, { shape: number[]; data: Float64Array }> {
  const b = readFileSync(path);
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  const out: Record<string, { shape: number[]; data: Float64Array }> = {};
  for (const [k, v] of Object.entries(header) as [
    string,
    { dtype: string; shape: number[]; data_offsets: number[] },
  ][]) {
    if (k === '__metadata__') continue;
    const bytes = b.subarray(8 + n + v.data_offsets[0], 8 + n + v.data_offsets[1]);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = v.dtype === 'F32' ? 4 : v.dtype === 'I64' ? 8 : 1;
    const data = Float64Array.from({ length: bytes.length / size }, (_, i) =>
      v.dtype === 'F32'
        ? dv.getFloat32(4 * i, true)
        : v.dtype === 'I64'
          ? Number(dv.getBigInt64(8 * i, true))
          : bytes[i],
    );
    out[k] = { shape: v.shape, data };
  }
  return out;
}

/** A little-endian float32 C-order .npy (what the fixture script writes). */
export function parseNpy(b: Buffer): { shape: number[]; data: Float64Array } {
  const hlen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + hlen).toString('latin1');
  const shape = header
    .match(/\(([^)]*)\)/)![1]
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
  const body = b.subarray(10 + hlen);
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return {
    shape,
    data: Float64Array.from({ length: body.length / 4 }, (_, i) => dv.getFloat32(4 * i, true)),
  };
}

/** The arrays of an .npz, walking its local headers (deflated or stored members). */
export function readNpzRaw(path: string): Record<string, { shape: number[]; data: Float64Array }> {
  const b = readFileSync(path);
  const out: Record<string, { shape: number[]; data: Float64Array }> = {};
  let at = 0;
  while (b.readUInt32LE(at) === 0x04034b50) {
    const method = b.readUInt16LE(at + 8);
    const size = b.readUInt32LE(at + 18);
    const nameLen = b.readUInt16LE(at + 26);
    const extra = b.readUInt16LE(at + 28);
    const name = b.subarray(at + 30, at + 30 + nameLen).toString('utf8');
    const body = b.subarray(at + 30 + nameLen + extra, at + 30 + nameLen + extra + size);
    out[name.replace(/\.npy$/, '')] = parseNpy(method === 8 ? inflateRawSync(body) : body);
    at += 30 + nameLen + extra + size;
  }
  return out;
}

export interface RefSae {
  kind: 'topk' | 'relu' | 'jumprelu' | 'batchtopk';
  D: number;
  F: number;
  W_enc: Float64Array; // [D, F]
  b_enc: Float64Array;
  W_dec: Float64Array; // [F, D]
  b_dec: Float64Array;
  center: boolean;
  k?: number;
  threshold?: Float64Array;
  /** BatchTopK θ. */
  theta?: number;
}

export interface RefEval {
  /** Per row: the active features (ascending) and their values. */
  features: number[][];
  values: number[][];
  l0: number[];
  sqErr: number[];
}

export function referenceEval(m: RefSae, x: Float64Array): RefEval {
  const { D, F } = m;
  const N = x.length / D;
  const r: RefEval = { features: [], values: [], l0: [], sqErr: [] };
  for (let n = 0; n < N; n++) {
    const pre = new Float64Array(F);
    for (let j = 0; j < F; j++) {
      let s = m.b_enc[j];
      for (let d = 0; d < D; d++)
        s += (x[n * D + d] - (m.center ? m.b_dec[d] : 0)) * m.W_enc[d * F + j];
      pre[j] = s;
    }
    const f = new Float64Array(F);
    if (m.kind === 'topk') {
      const order = [...pre.keys()].sort((a, b) => pre[b] - pre[a]);
      for (const j of order.slice(0, m.k)) f[j] = Math.max(pre[j], 0);
    } else if (m.kind === 'batchtopk') {
      for (let j = 0; j < F; j++) f[j] = Math.max(pre[j], 0) > m.theta! ? Math.max(pre[j], 0) : 0;
    } else
      for (let j = 0; j < F; j++) {
        const th = m.kind === 'jumprelu' ? m.threshold![j] : 0;
        f[j] = pre[j] > th ? Math.max(pre[j], 0) : 0;
      }
    const feats = [...f.keys()].filter((j) => f[j] !== 0);
    let sq = 0;
    for (let d = 0; d < D; d++) {
      let xh = m.b_dec[d];
      for (const j of feats) xh += f[j] * m.W_dec[j * D + d];
      sq += (x[n * D + d] - xh) ** 2;
    }
    r.features.push(feats);
    r.values.push(feats.map((j) => f[j]));
    r.l0.push(feats.length);
    r.sqErr.push(sq);
  }
  return r;
}

/** The fixture SAEs as the reference reads them. */
/** [r, c] row-major → [c, r]. */
function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

export type FixtureName =
  'saelens-topk' | 'saelens-relu' | 'gemmascope' | 'sparsify' | 'dictlearn-batchtopk';

export function fixtureSae(name: FixtureName): RefSae {
  if (name === 'sparsify' || name === 'dictlearn-batchtopk') {
    const sp = name === 'sparsify';
    const t = readSafetensorsRaw(
      join(SAE_FIXTURES, name, sp ? 'sae.safetensors' : 'ae.safetensors'),
    );
    const [F, D] = t['encoder.weight'].shape;
    const cfg = sp ? JSON.parse(readFileSync(join(SAE_FIXTURES, name, 'cfg.json'), 'utf8')) : null;
    return {
      kind: sp ? 'topk' : 'batchtopk',
      D,
      F,
      W_enc: transpose(t['encoder.weight'].data, F, D),
      b_enc: t['encoder.bias'].data,
      W_dec: sp ? t.W_dec.data : transpose(t['decoder.weight'].data, D, F),
      b_dec: t.b_dec.data,
      center: true,
      k: sp ? cfg.k : t.k.data[0],
      theta: sp ? undefined : t.threshold.data[0],
    };
  }
  if (name === 'gemmascope') {
    const t = readNpzRaw(join(SAE_FIXTURES, 'gemmascope', 'params.npz'));
    const [D, F] = t.W_enc.shape;
    return {
      kind: 'jumprelu',
      D,
      F,
      W_enc: t.W_enc.data,
      b_enc: t.b_enc.data,
      W_dec: t.W_dec.data,
      b_dec: t.b_dec.data,
      center: false,
      threshold: t.threshold.data,
    };
  }
  const cfg = JSON.parse(readFileSync(join(SAE_FIXTURES, name, 'cfg.json'), 'utf8'));
  const t = readSafetensorsRaw(join(SAE_FIXTURES, name, 'sae_weights.safetensors'));
  return {
    kind: name === 'saelens-topk' ? 'topk' : 'relu',
    D: cfg.d_in,
    F: cfg.d_sae,
    W_enc: t.W_enc.data,
    b_enc: t.b_enc.data,
    W_dec: t.W_dec.data,
    b_dec: t.b_dec.data,
    center: cfg.apply_b_dec_to_input,
    k: cfg.k,
  };
}

export const fixtureX = () => parseNpy(readFileSync(join(SAE_FIXTURES, 'x.npy')));
