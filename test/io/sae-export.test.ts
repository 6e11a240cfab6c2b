// Writing SAEs and codes for other tools (src/io/sae/export.ts, codes.ts): the SAELens TopK
// folder computes what the model computed (normalisation folded in), a SoftSAE's export says
// what is lost, and the codes file reads back with a plain parser.
import { describe, expect, it } from 'vitest';
import { writeCodes } from '../../src/io/sae/codes.ts';
import { saeLensTopK } from '../../src/io/sae/export.ts';
import { loadSae } from '../../src/io/sae/load.ts';
import { bytesSource } from '../../src/io/source.ts';
import type { SaeModel } from '../../src/io/sae/modelFile.ts';
import { createRng } from '../../src/model/rng.ts';

function randomTopK(D: number, F: number, k: number, seed: number): SaeModel {
  const rng = createRng(seed);
  const r = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return {
    arch: 'topk',
    D,
    F,
    tensors: {
      'encoder.weight': r(F * D),
      'encoder.bias': r(F),
      'decoder.weight': r(D * F),
      b_dec: r(D),
      'k_estimator.0.weight': new Float32Array(F * D),
      'k_estimator.0.bias': new Float32Array(F),
      'k_estimator.2.weight': new Float32Array(F),
      'k_estimator.2.bias': new Float32Array(1),
    },
    k,
    kMax: 2 * k,
    alpha: 0,
    normFactor: 2.5,
    shift: r(D),
  };
}

/** Raw-space x̂ of the model as the spec defines it (normalised space, then back). */
function modelXHat(m: SaeModel, x: number[]): number[] {
  const { D, F } = m;
  const t = m.tensors;
  const xc = x.map((v, d) => (v - m.shift[d]) / m.normFactor - t.b_dec[d]);
  const h = Array.from({ length: F }, (_, j) => {
    let s = t['encoder.bias'][j];
    for (let d = 0; d < D; d++) s += t['encoder.weight'][j * D + d] * xc[d];
    return Math.max(s, 0);
  });
  const keep = [...h.keys()].sort((a, b) => h[b] - h[a]).slice(0, m.k);
  return Array.from({ length: D }, (_, d) => {
    let s = t.b_dec[d];
    for (const j of keep) s += h[j] * t['decoder.weight'][d * F + j];
    return s * m.normFactor + m.shift[d];
  });
}

/** SAELens TopK on raw x, from the loaded folder's weights in SAELens layout. */
function saeLensXHat(
  w: Record<string, Float32Array>,
  D: number,
  F: number,
  k: number,
  x: number[],
): number[] {
  const pre = Array.from({ length: F }, (_, j) => {
    let s = w.b_enc[j];
    for (let d = 0; d < D; d++) s += (x[d] - w.b_dec[d]) * w.W_enc[d * F + j];
    return s;
  });
  const keep = [...pre.keys()].sort((a, b) => pre[b] - pre[a]).slice(0, k);
  return Array.from({ length: D }, (_, d) => {
    let s = w.b_dec[d];
    for (const j of keep) s += Math.max(pre[j], 0) * w.W_dec[j * D + d];
    return s;
  });
}

function rawTensors(bytes: Uint8Array): Record<string, Float32Array> {
  const b = Buffer.from(bytes);
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(header) as [string, { data_offsets: number[] }][]) {
    if (k === '__metadata__') continue;
    const s = b.subarray(8 + n + v.data_offsets[0], 8 + n + v.data_offsets[1]);
    out[k] = new Float32Array(s.buffer.slice(s.byteOffset, s.byteOffset + s.length));
  }
  return out;
}

describe('SAELens TopK export', () => {
  it('folds the normalisation into the weights: same reconstruction of raw inputs', async () => {
    const m = randomTopK(6, 20, 3, 11);
    const files = saeLensTopK(m);
    expect(files.map((f) => f.name)).toEqual(['cfg.json', 'sae_weights.safetensors', 'README.md']);
    const cfg = JSON.parse(new TextDecoder().decode(files[0].bytes));
    expect(cfg).toMatchObject({ architecture: 'topk', d_in: 6, d_sae: 20, k: 3 });
    const w = rawTensors(files[1].bytes);
    const rng = createRng(5);
    let worst = 0;
    for (let r = 0; r < 20; r++) {
      const x = Array.from({ length: 6 }, () => 3 * rng.normal());
      const a = modelXHat(m, x);
      const b = saeLensXHat(w, 6, 20, 3, x);
      for (let d = 0; d < 6; d++)
        worst = Math.max(worst, Math.abs(a[d] - b[d]) / (1 + Math.abs(a[d])));
    }
    expect(worst).toBeLessThan(1e-5);
    // And the app reads it back as a TopK SAE with the same k.
    const back = await loadSae(files.slice(0, 2).map((f) => bytesSource(f.name, f.bytes)));
    expect([back.format, back.arch, back.k, back.normFactor]).toEqual(['saelens', 'topk', 3, 1]);
  });

  it('a SoftSAE becomes TopK with k = round(mean k̂) and a note of what is lost', () => {
    const m = { ...randomTopK(4, 10, 2, 3), arch: 'softsae' as const };
    const [cfgFile, , readme] = saeLensTopK(m, 3.62);
    const cfg = JSON.parse(new TextDecoder().decode(cfgFile.bytes));
    expect(cfg.k).toBe(4);
    expect(cfg.softsae_note).toContain('round(mean k_hat = 3.6200)');
    expect(cfg.softsae_note).toContain('no k-estimator');
    expect(new TextDecoder().decode(readme.bytes)).toContain(cfg.softsae_note);
    expect(() => saeLensTopK(m)).toThrow(/mean k̂/);
    expect(() => saeLensTopK({ ...m, arch: 'jumprelu' })).toThrow(/jumprelu SAE is not a TopK/);
  });
});

describe('labels beside the exports', () => {
  const labels = { runId: 'run-7', labels: { 4: { label: 'a "quoted" label', note: '' } } };

  it('a SAELens folder gets labels.json with the run’s labels', () => {
    const files = saeLensTopK(randomTopK(4, 10, 2, 3), undefined, labels);
    expect(files.map((f) => f.name)).toEqual([
      'cfg.json',
      'sae_weights.safetensors',
      'README.md',
      'labels.json',
    ]);
    expect(JSON.parse(new TextDecoder().decode(files[3].bytes))).toEqual({
      format: 'softsae-labels',
      version: 1,
      run_id: 'run-7',
      features: [{ feature: 4, label: 'a "quoted" label', note: '' }],
    });
  });

  it('the codes file carries them in its metadata', () => {
    const bytes = writeCodes({
      rows: 1,
      F: 10,
      rowPtr: [0, 1],
      col: [4],
      val: [0.5],
      labels,
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(JSON.parse(header.__metadata__.feature_labels).features).toEqual([
      { feature: 4, label: 'a "quoted" label', note: '' },
    ]);
  });
});

describe('per-token codes file', () => {
  it('locations (sequence, position, feature), activations and UTF-8 tokens read back', () => {
    const bytes = writeCodes({
      rows: 3,
      F: 9,
      rowPtr: [0, 2, 2, 3],
      col: [4, 7, 0],
      val: [0.5, 1.25, 3],
      seq: [0, 0, 1],
      pos: [0, 1, 0],
      tokens: ['é', '', '🙂<b>'],
    });
    const b = Buffer.from(bytes);
    const n = Number(b.readBigUInt64LE(0));
    const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
    const body = (name: string) => {
      const [s, e] = header[name].data_offsets;
      return b.subarray(8 + n + s, 8 + n + e);
    };
    expect(header.locations).toMatchObject({ dtype: 'I64', shape: [3, 3] });
    const loc = body('locations');
    const locs = Array.from({ length: 9 }, (_, i) => Number(loc.readBigInt64LE(8 * i)));
    expect(locs).toEqual([0, 0, 4, 0, 0, 7, 1, 0, 0]);
    const act = body('activations');
    expect([0, 1, 2].map((i) => act.readFloatLE(4 * i))).toEqual([0.5, 1.25, 3]);
    const off = body('token_offsets');
    const o = Array.from({ length: 4 }, (_, i) => Number(off.readBigInt64LE(8 * i)));
    const tok = body('tokens');
    expect([0, 1, 2].map((r) => tok.subarray(o[r], o[r + 1]).toString('utf8'))).toEqual([
      'é',
      '',
      '🙂<b>',
    ]);
    expect(header.__metadata__).toMatchObject({ format: 'softsae-codes', d_sae: '9', rows: '3' });
  });
});
