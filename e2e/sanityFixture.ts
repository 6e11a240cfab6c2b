// A SAELens TopK SAE that fits its activations, and the same activations randomly rotated and
// scaled ×10 (which it does not fit), for the import sanity check (src/sae/sanity.ts) in the CLI
// and explorer tests. Written to `dir`: sae/ (cfg.json, sae_weights.safetensors), own.npy,
// rotated.npy, scaled.npy.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saeLensTopK } from '../src/io/sae/export';
import { writeNpy } from '../src/io/npy-write';
import { createRng } from '../src/model/rng';
import type { SaeModel } from '../src/io/sae/modelFile';

export function writeSanityFixture(dir: string): {
  sae: string;
  own: string;
  rotated: string;
  scaled: string;
} {
  // A SAELens TopK SAE that fits its data: D = 16 orthonormal atoms (Gram–Schmidt on seeded
  // normals), encoder = decoderᵀ, b_dec = the data's mean m (‖m‖ = 8, as residual streams have a
  // large mean), k = 2; rows x = m + two atoms with weights in [1, 2] + noise 0.01.
  const D = 16;
  const rows = 64;
  const rng = createRng(5);
  const q: number[][] = [];
  while (q.length < D) {
    const v = Array.from({ length: D }, () => rng.normal());
    for (const u of q) {
      const dot = v.reduce((a, x, i) => a + x * u[i], 0);
      for (let i = 0; i < D; i++) v[i] -= dot * u[i];
    }
    const n = Math.hypot(...v);
    q.push(v.map((x) => x / n));
  }
  const m = Array.from({ length: D }, () => rng.normal());
  const mNorm = Math.hypot(...m);
  for (let d = 0; d < D; d++) m[d] *= 8 / mNorm;
  const x = new Float32Array(rows * D);
  for (let r = 0; r < rows; r++) {
    const a = Math.floor(rng.uniform() * D);
    const b = (a + 1 + Math.floor(rng.uniform() * (D - 1))) % D;
    const [wa, wb] = [1 + rng.uniform(), 1 + rng.uniform()];
    for (let d = 0; d < D; d++)
      x[r * D + d] = m[d] + wa * q[a][d] + wb * q[b][d] + 0.01 * rng.normal();
  }
  const model: SaeModel = {
    arch: 'topk',
    D,
    F: D,
    tensors: {
      'encoder.weight': Float32Array.from({ length: D * D }, (_, i) => q[Math.floor(i / D)][i % D]),
      'encoder.bias': new Float32Array(D),
      'decoder.weight': Float32Array.from({ length: D * D }, (_, i) => q[i % D][Math.floor(i / D)]),
      b_dec: Float32Array.from(m),
      'k_estimator.0.weight': new Float32Array(D * D),
      'k_estimator.0.bias': new Float32Array(D),
      'k_estimator.2.weight': new Float32Array(D),
      'k_estimator.2.bias': new Float32Array(1),
    },
    k: 2,
    kMax: 2,
    alpha: 0,
    normFactor: 1,
    shift: new Float32Array(D),
  };
  const sae = join(dir, 'sae');
  mkdirSync(sae);
  for (const f of saeLensTopK(model).slice(0, 2)) writeFileSync(join(sae, f.name), f.bytes);
  const write = (name: string, f: (r: number, d: number) => number) => {
    const data = Float32Array.from({ length: rows * D }, (_, i) => f(Math.floor(i / D), i % D));
    const path = join(dir, name);
    writeFileSync(
      path,
      writeNpy({ dtype: 'f32', shape: [rows, D], data: new Uint8Array(data.buffer) }),
    );
    return path;
  };
  const own = write('own.npy', (r, d) => x[r * D + d]);
  // A random rotation R = [q'_1 … q'_D] from a second Gram–Schmidt, applied to the raw rows.
  const rot: number[][] = [];
  while (rot.length < D) {
    const v = Array.from({ length: D }, () => rng.normal());
    for (const u of rot) {
      const dot = v.reduce((a, y, i) => a + y * u[i], 0);
      for (let i = 0; i < D; i++) v[i] -= dot * u[i];
    }
    const n = Math.hypot(...v);
    rot.push(v.map((y) => y / n));
  }
  const rotated = write('rotated.npy', (r, d) =>
    rot[d].reduce((a, c, i) => a + c * x[r * D + i], 0),
  );
  const scaled = write('scaled.npy', (r, d) => 10 * x[r * D + d]);
  return { sae, own, rotated, scaled };
}
