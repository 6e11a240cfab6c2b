// A BatchTopK SAE exported as a SAELens JumpReLU folder (src/io/sae/exportJumpRelu.ts) and read
// back by the app's own SAELens reader evaluates like the original: the same L0 on every row,
// the same raw-space squared error and FVU. Both models are run here by a float64 evaluation
// written from the definitions (spec §2, §3, §6 and SAELens's JumpReLU), not by the app's code.
import { describe, expect, it } from 'vitest';
import { loadSae } from '../../src/io/sae/load.ts';
import { saeLensJumpRelu } from '../../src/io/sae/exportJumpRelu.ts';
import { bytesSource } from '../../src/io/source.ts';
import { createRng } from '../../src/model/rng.ts';
import { convertSae } from '../../src/sae/convert.ts';
import type { SaeModel } from '../../src/io/sae/modelFile.ts';

function randomBatchTopK(D: number, F: number, seed: number, normFactor: number): SaeModel {
  const rng = createRng(seed);
  const r = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());
  return {
    arch: 'batchtopk',
    D,
    F,
    tensors: {
      'encoder.weight': r(F * D, 0.5),
      'encoder.bias': r(F, 0.1),
      'decoder.weight': r(D * F, 0.5),
      b_dec: r(D, 0.2),
      'k_estimator.0.weight': new Float32Array(F * D),
      'k_estimator.0.bias': new Float32Array(F),
      'k_estimator.2.weight': new Float32Array(F),
      'k_estimator.2.bias': new Float32Array(1),
    },
    k: 4,
    kMax: 8,
    alpha: 0,
    normFactor,
    shift: r(D, 0.3),
    threshold: Math.fround(0.61),
  };
}

/**
 * Float64 inference on raw rows: xn = (x − s)/n, pre = W_enc(xn − b_dec) + b_enc,
 * f_j = pre_j·1[pre_j > θ_j] (θ_j ≥ 0: also the BatchTopK rule h·1[h > θ] with h = ReLU(pre)),
 * x̂ = n·(W_dec f + b_dec) + s. Returns per-row L0, raw squared error, the smallest |pre − θ|.
 */
function evaluate(m: SaeModel, x: Float64Array, rows: number) {
  const { D, F } = m;
  const t = m.tensors;
  const theta = (j: number) => (m.arch === 'batchtopk' ? m.threshold! : m.featureThreshold![j]);
  const l0 = new Float64Array(rows);
  const err = new Float64Array(rows);
  let margin = Infinity;
  for (let r = 0; r < rows; r++) {
    const xn = Array.from({ length: D }, (_, d) => (x[r * D + d] - m.shift[d]) / m.normFactor);
    const f = new Float64Array(F);
    for (let j = 0; j < F; j++) {
      let pre = t['encoder.bias'][j];
      for (let d = 0; d < D; d++)
        pre +=
          t['encoder.weight'][j * D + d] * (xn[d] - (m.centerInput === false ? 0 : t.b_dec[d]));
      margin = Math.min(margin, Math.abs(pre - theta(j)));
      if (pre > theta(j) && pre > 0) f[j] = pre;
    }
    l0[r] = f.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0);
    for (let d = 0; d < D; d++) {
      let y = t.b_dec[d];
      for (let j = 0; j < F; j++) y += t['decoder.weight'][d * F + j] * f[j];
      const xHat = m.normFactor * y + m.shift[d];
      err[r] += (x[r * D + d] - xHat) ** 2;
    }
  }
  return { l0, err, margin };
}

/** FVU over rows (float64): Σ‖x − x̂‖² / Σ‖x − mean x‖². */
function fvu(x: Float64Array, err: Float64Array, rows: number, D: number): number {
  let tot = 0;
  for (let d = 0; d < D; d++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += x[r * D + d] / rows;
    for (let r = 0; r < rows; r++) tot += (x[r * D + d] - mean) ** 2;
  }
  return err.reduce((a, b) => a + b, 0) / tot;
}

describe('BatchTopK → SAELens JumpReLU export', () => {
  for (const normFactor of [1, 2.5]) {
    it(`re-imported, it evaluates identically (norm factor ${normFactor})`, async () => {
      const D = 8;
      const F = 24;
      const rows = 64;
      const m = randomBatchTopK(D, F, 7 + normFactor, normFactor);
      const files = saeLensJumpRelu(m);
      expect(files.map((f) => f.name)).toEqual([
        'cfg.json',
        'sae_weights.safetensors',
        'README.md',
      ]);
      const cfg = JSON.parse(new TextDecoder().decode(files[0].bytes));
      expect(cfg).toMatchObject({ architecture: 'jumprelu', d_in: D, d_sae: F });
      const back = await loadSae(files.slice(0, 2).map((f) => bytesSource(f.name, f.bytes)));
      expect([back.format, back.arch, back.normFactor]).toEqual(['saelens', 'jumprelu', 1]);
      expect(back.featureThreshold!.length).toBe(F);
      expect([...back.featureThreshold!].every((v) => v === m.threshold)).toBe(true);

      const rng = createRng(99);
      const x = Float64Array.from({ length: rows * D }, (_, i) =>
        Math.fround(normFactor * rng.normal() + 0.1 * (i % D)),
      );
      const a = evaluate(m, x, rows);
      const b = evaluate(back, x, rows);
      // No pre-activation within 1e-4 of θ: float32 rounding of the folded weights (≤ ~1e-6
      // here) cannot move a feature across the threshold, so L0 must match exactly.
      expect(a.margin).toBeGreaterThan(1e-4);
      expect([...b.l0]).toEqual([...a.l0]);
      // Some rows keep features and some do not: the rule was exercised.
      expect(Math.max(...a.l0)).toBeGreaterThan(0);
      expect(Math.min(...a.l0)).toBeLessThan(F);
      let worst = 0;
      for (let r = 0; r < rows; r++)
        worst = Math.max(worst, Math.abs(a.err[r] - b.err[r]) / (1e-6 + a.err[r]));
      console.log(
        `JumpReLU round trip (n = ${normFactor}): worst relative error diff ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(1e-5);
      expect(fvu(x, b.err, rows, D)).toBeCloseTo(fvu(x, a.err, rows, D), 6);
    });
  }

  it('softsae convert picks JumpReLU for BatchTopK; θ < 0 (never set) is refused', async () => {
    const m = randomBatchTopK(4, 6, 3, 1);
    const { files, note } = await convertSae(m, 'saelens-topk');
    expect(note).toContain('jumprelu');
    expect(JSON.parse(new TextDecoder().decode(files[0].bytes)).architecture).toBe('jumprelu');
    expect(() => saeLensJumpRelu({ ...m, threshold: -1 })).toThrow(/θ ≥ 0/);
    expect(() => saeLensJumpRelu({ ...m, arch: 'topk' })).toThrow(/only a BatchTopK/);
  });
});
