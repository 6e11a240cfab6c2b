// Reading SAEs of other tools into the one inference model (src/io/sae): layouts from the
// formats' documentation, orientation from shapes and declared widths, and refusals by name.
// Expected values are indexed straight from the bytes the files were made of, never from the
// reader's output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSae } from '../../src/io/sae/load.ts';
import { softsaeConfig } from '../../src/io/sae/softsae.ts';
import { writeSafetensors, type TensorToWrite } from '../../src/io/safetensors-write.ts';
import { bytesSource, type ByteSource } from '../../src/io/source.ts';
import { writeModel } from '../../src/io/sae/modelFile.ts';
import { readModel } from '../../src/io/sae/modelFile.ts';
import { openSafetensors } from '../../src/io/safetensors.ts';
import { fixturePath as sharedFixture } from '../helpers/fixtures.ts';
import { expectIoError } from './helpers.ts';

const SAE_DIR = join(import.meta.dirname, '..', '..', 'e2e', 'fixtures', 'sae');
const file = (dir: string, name: string): ByteSource =>
  bytesSource(name, new Uint8Array(readFileSync(join(SAE_DIR, dir, name))));
const json = (name: string, v: unknown): ByteSource =>
  bytesSource(name, new TextEncoder().encode(JSON.stringify(v)));
const st = (name: string, t: [string, number[], Float32Array][]): ByteSource =>
  bytesSource(
    name,
    writeSafetensors(
      t.map(([n, shape, data]): TensorToWrite => ({ name: n, dtype: 'F32', shape, data })),
    ),
  );
/** Values 1, 2, 3, … so every element is distinct and its origin is visible. */
const seq = (n: number, start = 1) => Float32Array.from({ length: n }, (_, i) => start + i);

/** The raw F32 tensors of a safetensors file, parsed here with Node's Buffer. */
function rawTensors(path: string): Record<string, Float32Array> {
  const b = readFileSync(path);
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__') continue;
    const [s, e] = (v as { data_offsets: number[] }).data_offsets;
    const bytes = b.subarray(8 + n + s, 8 + n + e);
    out[k] = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
  }
  return out;
}

describe('SAELens folders', () => {
  it('TopK (cfg v6): W_enc [d_in, d_sae] and W_dec [d_sae, d_in] become encoder [F, D], decoder [D, F]', async () => {
    const m = await loadSae([
      file('saelens-topk', 'cfg.json'),
      file('saelens-topk', 'sae_weights.safetensors'),
    ]);
    const raw = rawTensors(join(SAE_DIR, 'saelens-topk', 'sae_weights.safetensors'));
    const [D, F] = [12, 40];
    expect([m.format, m.arch, m.D, m.F, m.k, m.centerInput]).toEqual([
      'saelens',
      'topk',
      D,
      F,
      5,
      true,
    ]);
    expect(m.source).toContain('v6');
    for (let j = 0; j < F; j++)
      for (let d = 0; d < D; d++) {
        expect(m.tensors['encoder.weight'][j * D + d]).toBe(raw.W_enc[d * F + j]);
        expect(m.tensors['decoder.weight'][d * F + j]).toBe(raw.W_dec[j * D + d]);
      }
    expect(m.tensors['encoder.bias']).toEqual(raw.b_enc);
    expect(m.tensors.b_dec).toEqual(raw.b_dec);
  });

  it('ReLU with a config from before v6 (activation_fn_str, apply_b_dec_to_input false)', async () => {
    const m = await loadSae([
      file('saelens-relu', 'sae_weights.safetensors'),
      file('saelens-relu', 'cfg.json'),
    ]);
    expect([m.arch, m.centerInput]).toEqual(['relu', false]);
    expect(m.source).toContain('before v6');
    expect(Array.from(m.featureThreshold!)).toEqual(new Array(40).fill(0));
  });

  it('pre-v6 TopK: k from activation_fn_kwargs', async () => {
    const [D, F] = [2, 3];
    const cfg = {
      architecture: 'standard',
      d_in: D,
      d_sae: F,
      activation_fn_str: 'topk',
      activation_fn_kwargs: { k: 2 },
    };
    const m = await loadSae([
      json('cfg.json', cfg),
      st('sae_weights.safetensors', [
        ['W_enc', [D, F], seq(6)],
        ['b_enc', [F], seq(3, 10)],
        ['W_dec', [F, D], seq(6, 20)],
        ['b_dec', [D], seq(2, 30)],
      ]),
    ]);
    expect([m.arch, m.k]).toEqual(['topk', 2]);
    // W_enc = [[1,2,3],[4,5,6]] (d_in × d_sae) → encoder rows per feature: [1,4],[2,5],[3,6].
    expect(Array.from(m.tensors['encoder.weight'])).toEqual([1, 4, 2, 5, 3, 6]);
    // W_dec = [[20,21],[22,23],[24,25]] (d_sae × d_in) → decoder [D, F] = [[20,22,24],[21,23,25]].
    expect(Array.from(m.tensors['decoder.weight'])).toEqual([20, 22, 24, 21, 23, 25]);
  });

  it('square weights (d_in = d_sae) are read in the documented SAELens orientation', async () => {
    const cfg = { architecture: 'topk', d_in: 2, d_sae: 2, k: 1, meta: {} };
    const m = await loadSae([
      json('cfg.json', cfg),
      st('sae_weights.safetensors', [
        ['W_enc', [2, 2], Float32Array.of(1, 2, 3, 4)],
        ['b_enc', [2], seq(2)],
        ['W_dec', [2, 2], Float32Array.of(5, 6, 7, 8)],
        ['b_dec', [2], seq(2)],
      ]),
    ]);
    expect(Array.from(m.tensors['encoder.weight'])).toEqual([1, 3, 2, 4]);
    expect(Array.from(m.tensors['decoder.weight'])).toEqual([5, 7, 6, 8]);
  });

  it('JumpReLU: threshold, or exp(log_threshold)', async () => {
    const cfg = {
      architecture: 'jumprelu',
      d_in: 2,
      d_sae: 3,
      apply_b_dec_to_input: false,
      meta: {},
    };
    const w = (extra: [string, number[], Float32Array]) =>
      st('sae_weights.safetensors', [
        ['W_enc', [2, 3], seq(6)],
        ['b_enc', [3], seq(3)],
        ['W_dec', [3, 2], seq(6)],
        ['b_dec', [2], seq(2)],
        extra,
      ]);
    const a = await loadSae([
      json('cfg.json', cfg),
      w(['threshold', [3], Float32Array.of(0.5, 1, 2)]),
    ]);
    expect([a.arch, a.centerInput]).toEqual(['jumprelu', false]);
    expect(Array.from(a.featureThreshold!)).toEqual([0.5, 1, 2]);
    const b = await loadSae([
      json('cfg.json', cfg),
      w(['log_threshold', [3], Float32Array.of(0, Math.log(2), 1)]),
    ]);
    expect(b.featureThreshold![0]).toBe(1);
    expect(b.featureThreshold![1]).toBeCloseTo(2, 6);
    expect(b.featureThreshold![2]).toBeCloseTo(Math.E, 6);
  });

  it('refuses unsupported architectures and normalisations by name', async () => {
    const gated = expectIoError(
      loadSae([
        file('saelens-gated', 'cfg.json'),
        file('saelens-gated', 'sae_weights.safetensors'),
      ]),
      'sae/unsupported',
    );
    expect((await gated).message).toContain("SAELens architecture 'gated' is not supported");
    for (const [over, name] of [
      [{ architecture: 'transcoder' }, "'transcoder'"],
      [{ architecture: 'jumprelu_skip_transcoder' }, "'jumprelu_skip_transcoder'"],
      [{ normalize_activations: 'layer_norm' }, "'layer_norm'"],
      [{ normalize_activations: 'constant_norm_rescale' }, "'constant_norm_rescale'"],
      [{ architecture: 'standard', activation_fn_str: 'tanh-relu' }, "'tanh-relu'"],
    ] as const) {
      const cfg = {
        ...JSON.parse(readFileSync(join(SAE_DIR, 'saelens-topk', 'cfg.json'), 'utf8')),
        ...over,
      };
      const e = await expectIoError(
        loadSae([json('cfg.json', cfg), file('saelens-topk', 'sae_weights.safetensors')]),
        'sae/unsupported',
      );
      expect(e.message).toContain(name);
    }
  });

  it('refuses weights whose shapes do not match the declared widths, naming the tensor', async () => {
    const cfg = { architecture: 'topk', d_in: 2, d_sae: 3, k: 1, meta: {} };
    const e = await expectIoError(
      loadSae([
        json('cfg.json', cfg),
        st('sae_weights.safetensors', [
          ['W_enc', [2, 4], seq(8)],
          ['b_enc', [3], seq(3)],
          ['W_dec', [3, 2], seq(6)],
          ['b_dec', [2], seq(2)],
        ]),
      ]),
      'sae/bad-shape',
    );
    expect(e.message).toContain('W_enc has shape [2,4]');
    const short = await expectIoError(
      loadSae([
        json('cfg.json', cfg),
        st('sae_weights.safetensors', [
          ['W_enc', [2, 3], seq(6)],
          ['b_enc', [2], seq(2)],
          ['W_dec', [3, 2], seq(6)],
          ['b_dec', [2], seq(2)],
        ]),
      ]),
      'sae/bad-shape',
    );
    expect(short.message).toContain('b_enc has shape [2], expected [3]');
    const k = await expectIoError(
      loadSae([
        json('cfg.json', { ...cfg, k: 9 }),
        st('sae_weights.safetensors', [
          ['W_enc', [2, 3], seq(6)],
          ['b_enc', [3], seq(3)],
          ['W_dec', [3, 2], seq(6)],
          ['b_dec', [2], seq(2)],
        ]),
      ]),
      'sae/bad-k',
    );
    expect(k.message).toContain('k = 9');
  });
});

describe('sparsify, Gemma Scope, dictionary_learning', () => {
  it('sparsify: encoder.weight [F, D] as is, W_dec [F, D] transposed; groupmax refused', async () => {
    const files = (cfg: object) => [
      json('cfg.json', cfg),
      st('sae.safetensors', [
        ['encoder.weight', [3, 2], seq(6)],
        ['encoder.bias', [3], seq(3)],
        ['W_dec', [3, 2], seq(6, 10)],
        ['b_dec', [2], seq(2)],
      ]),
    ];
    const m = await loadSae(
      files({ expansion_factor: 32, num_latents: 3, k: 2, d_in: 2, normalize_decoder: true }),
    );
    expect([m.format, m.arch, m.k, m.D, m.F, m.centerInput]).toEqual([
      'sparsify',
      'topk',
      2,
      2,
      3,
      true,
    ]);
    expect(Array.from(m.tensors['encoder.weight'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(m.tensors['decoder.weight'])).toEqual([10, 12, 14, 11, 13, 15]);
    const g = await expectIoError(
      loadSae(files({ num_latents: 3, k: 2, d_in: 2, activation: 'groupmax' })),
      'sae/unsupported',
    );
    expect(g.message).toContain("activation 'groupmax'");
    const s = await expectIoError(
      loadSae(files({ num_latents: 3, k: 2, d_in: 2, skip_connection: true })),
      'sae/unsupported',
    );
    expect(s.message).toContain('skip connection');
  });

  it('Gemma Scope params.npz: JumpReLU, input not centred, W_enc [D, F] transposed', async () => {
    const m = await loadSae([file('gemmascope', 'params.npz')]);
    const sl = rawTensors(join(SAE_DIR, 'saelens-topk', 'sae_weights.safetensors')); // same weights
    expect([m.format, m.arch, m.D, m.F, m.centerInput]).toEqual([
      'gemmascope',
      'jumprelu',
      12,
      40,
      false,
    ]);
    for (let j = 0; j < 40; j++)
      for (let d = 0; d < 12; d++)
        expect(m.tensors['encoder.weight'][j * 12 + d]).toBe(sl.W_enc[d * 40 + j]);
    expect(m.featureThreshold!.length).toBe(40);
    expect(Math.min(...m.featureThreshold!)).toBeGreaterThanOrEqual(0.05);
  });

  it('dictionary_learning: threshold ≥ 0 → BatchTopK, threshold −1 → TopK; config.json names the class', async () => {
    const dl = (theta: number) =>
      st('ae.safetensors', [
        ['encoder.weight', [3, 2], seq(6)],
        ['encoder.bias', [3], seq(3)],
        ['decoder.weight', [2, 3], seq(6, 10)],
        ['b_dec', [2], seq(2)],
        ['k', [], Float32Array.of(2)],
        ['threshold', [], Float32Array.of(theta)],
      ]);
    const b = await loadSae([dl(0.25)]);
    expect([b.format, b.arch, b.threshold, b.k]).toEqual([
      'dictionary_learning',
      'batchtopk',
      0.25,
      2,
    ]);
    expect(Array.from(b.tensors['decoder.weight'])).toEqual([10, 11, 12, 13, 14, 15]);
    const t = await loadSae([dl(-1)]);
    expect([t.arch, t.threshold]).toEqual(['topk', undefined]);
    const named = await loadSae([
      dl(0.25),
      json('config.json', {
        trainer: { dict_class: 'AutoEncoderTopK', activation_dim: 2, dict_size: 3, k: 2 },
      }),
    ]);
    expect(named.arch).toBe('topk');
    const gated = await expectIoError(
      loadSae([dl(0.25), json('config.json', { trainer: { dict_class: 'GatedAutoEncoder' } })]),
      'sae/unsupported',
    );
    expect(gated.message).toContain("'GatedAutoEncoder'");
  });

  it('refuses unknown files and missing configs with what was found', async () => {
    const e = await expectIoError(
      loadSae([st('x.safetensors', [['foo', [2], seq(2)]])]),
      'sae/unknown',
    );
    expect(e.message).toContain('tensors: foo');
    await expectIoError(
      loadSae([file('saelens-topk', 'sae_weights.safetensors')]),
      'sae/no-config',
    );
    await expectIoError(loadSae([json('cfg.json', {})]), 'sae/files');
  });
});

describe('SoftSAE files', () => {
  it('model.safetensors + cfg.json round trip; the config must agree with the weights', async () => {
    const bytes = new Uint8Array(readFileSync(sharedFixture('softsae-small', 'model.safetensors')));
    const orig = await readModel(await openSafetensors(bytesSource('model.safetensors', bytes)));
    const written = writeModel(orig);
    const cfg = softsaeConfig(orig);
    expect(cfg).toMatchObject({
      format: 'softsae',
      architecture: 'softsae',
      d_in: 16,
      d_sae: 64,
      k: 4,
      k_max: 8,
    });
    const back = await loadSae([json('cfg.json', cfg), bytesSource('model.safetensors', written)]);
    expect(back.format).toBe('softsae');
    for (const [name, v] of Object.entries(orig.tensors))
      expect(back.tensors[name as keyof typeof orig.tensors], name).toEqual(v);
    expect(back.shift).toEqual(orig.shift);
    expect([back.alpha, back.normFactor]).toEqual([orig.alpha, orig.normFactor]);
    const bad = await expectIoError(
      loadSae([json('cfg.json', { ...cfg, d_sae: 65 }), bytesSource('model.safetensors', written)]),
      'sae/config-mismatch',
    );
    expect(bad.message).toContain('d_sae is 65');
  });
});
