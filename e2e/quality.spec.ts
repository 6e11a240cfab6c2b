// The standard SAE quality metrics of an evaluation (explained variance in both forms, MSE,
// cosine, L2 ratio, relative reconstruction bias, L0, alive and dense features, decoder-cosine
// pairs) from the whole GPU evaluation pass (src/workers/evalPass.ts) vs float64 references
// computed from their definitions (src/reference/quality.ts): two architectures (SoftSAE's hard
// path, TopK) on two datasets (the softsae-small rows and a generated set of another scale).
// The hard choice of features is the GPU's own (its sparse codes come back); every continuous
// quantity is recomputed in float64 from the codes, the model and the raw rows.
import { expect, test } from '@playwright/test';
import { decoderPairsReference, qualityReference } from '../src/reference/quality';
import { createRng } from '../src/model/rng';
import { loadSoftsaeSmall } from '../test/helpers/softsaeSmall';
import type { QualityPassArg, QualityPassResult } from './harness/quality.checks';
import { expectNoGpuErrors, openHarness, runCheck } from './gpu';

test.describe.configure({ mode: 'serial' });
test.afterEach(async ({ page }) => expectNoGpuErrors(page));

/**
 * Tolerances. The GPU works in float32: xn and x̂ each carry a relative error of a few u
 * (u = 2⁻²⁴ ≈ 6e-8) per term of D = 16 (x̂: ≤ k_max + 1 = 9 terms), and its sums over ≤ 64 rows
 * per batch add ≤ 64·u relative before the compensated cross-batch sums. Ratios of such sums
 * (explained variances, relative bias, MSE) are then within ~1e-5 relative of float64: rtol 1e-4
 * leaves 10× slack. Cosines and norm ratios per row err by ≤ ~D·u ≈ 1e-6: atol 1e-5 on means.
 */
const TOL = { ratio: 1e-4, cosine: 1e-5 };

function check(name: string, gpu: number, ref: number, atol: number, rtol: number) {
  const err = Math.abs(gpu - ref);
  console.log(
    `${name}: gpu ${gpu.toPrecision(8)} ref ${ref.toPrecision(8)} |err| ${err.toExponential(2)}`,
  );
  expect(err, `${name}: gpu ${gpu} vs float64 ${ref}`).toBeLessThanOrEqual(
    atol + rtol * Math.abs(ref),
  );
}

/** A second dataset: 50 rows of another scale and offset, row 7 all zeros. */
function generated(D: number): Float32Array {
  const rng = createRng(2024);
  const x = Float32Array.from(
    { length: 50 * D },
    (_, i) => 3 * rng.normal() + 0.4 * Math.sin(i % D),
  );
  x.fill(0, 7 * D, 8 * D);
  return x;
}

test('quality metrics: SoftSAE and TopK on two datasets match float64 references', async ({
  page,
}) => {
  const fx = await loadSoftsaeSmall();
  const p = fx.params;
  const { D, F } = p;
  const tensors = Object.fromEntries(Object.entries(p.tensors).map(([k, v]) => [k, [...v]]));
  const datasets = { 'softsae-small': Float32Array.from(fx.x), generated: generated(D) };
  const archs = [
    { arch: 'softsae' as const, k: p.k },
    { arch: 'topk' as const, k: 3 },
  ];
  await openHarness(page);
  for (const [dsName, x] of Object.entries(datasets))
    for (const { arch, k } of archs) {
      const label = `${arch} on ${dsName}`;
      const arg: QualityPassArg = {
        arch,
        D,
        F,
        k,
        kMax: p.kMax,
        alpha: p.alpha,
        normFactor: p.normFactor,
        shift: [...p.shiftFactor],
        tensors,
        x: [...x],
        batch: 12, // several batches, the last one short
      };
      const out = await runCheck<QualityPassResult>(page, 'qualityPass', arg);
      const rows = x.length / D;
      // float64 xn and x̂ from the raw rows, the GPU's codes and the model.
      const xn = new Float64Array(rows * D);
      const xHat = new Float64Array(rows * D);
      const active: number[][] = [];
      const dec = p.tensors['decoder.weight'];
      for (let r = 0; r < rows; r++) {
        const cols: number[] = [];
        for (let d = 0; d < D; d++) {
          xn[r * D + d] = (x[r * D + d] - p.shiftFactor[d]) / p.normFactor;
          xHat[r * D + d] = p.tensors.b_dec[d];
        }
        for (let e = out.rowPtr[r]; e < out.rowPtr[r + 1]; e++) {
          const j = out.col[e];
          if (out.val[e] !== 0) cols.push(j);
          for (let d = 0; d < D; d++) xHat[r * D + d] += out.val[e] * dec[d * F + j];
        }
        active.push(cols);
      }
      expect(
        active.map((a) => a.length),
        `${label}: L0 per row`,
      ).toEqual(out.l0);
      const ref = qualityReference({ rows, D, F, xn, xHat, active });
      const s = out.summary;
      expect(s.rows).toBe(rows);
      // The metrics are not trivially 0 or 1 here, so the comparisons mean something.
      expect(ref.explainedVarianceR2).toBeGreaterThan(-5);
      expect(ref.explainedVarianceR2).toBeLessThan(0.999);
      check(
        `${label} FVU (1 − EV, R² form)`,
        1 - s.explainedVarianceR2,
        1 - ref.explainedVarianceR2,
        0,
        TOL.ratio,
      );
      check(
        `${label} FVU (1 − EV, residual-variance form)`,
        s.fvu,
        1 - ref.explainedVarianceResidual,
        0,
        TOL.ratio,
      );
      check(`${label} MSE`, s.mse, ref.mse, 0, TOL.ratio);
      check(`${label} cosine`, s.cosineMean, ref.cosineMean, TOL.cosine, 0);
      check(`${label} L2 ratio`, s.l2RatioMean, ref.l2RatioMean, TOL.cosine, 0);
      check(
        `${label} relative reconstruction bias`,
        s.relativeReconstructionBias,
        ref.relativeReconstructionBias,
        0,
        TOL.ratio,
      );
      expect(s.l0Mean, `${label} L0`).toBeCloseTo(ref.l0Mean, 12);
      expect(s.aliveFraction, `${label} alive`).toBe(ref.aliveFraction);
      expect([s.featuresOver1pct, s.featuresOver10pct], `${label} dense`).toEqual([
        ref.featuresOver1pct,
        ref.featuresOver10pct,
      ]);
      // Decoder pairs: the same 20 pairs in the same order, cosines within float32 accuracy.
      const want = decoderPairsReference(dec, D, F, 20);
      const got = out.decoder;
      const pairs = Array.from({ length: got.cosines.length }, (_, i) => [
        got.pairs[2 * i],
        got.pairs[2 * i + 1],
      ]);
      expect(pairs, `${label} decoder pairs`).toEqual(want.map((w) => [w.i, w.j]));
      let worst = 0;
      want.forEach((w, i) => (worst = Math.max(worst, Math.abs(got.cosines[i] - w.cos))));
      console.log(
        `${label} decoder cosines: max ${got.max.toFixed(6)}, max |err| ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThanOrEqual(TOL.cosine);
      expect(got.max).toBe(got.cosines[0]);
    }
});

test('decoder-cosine pairs over several tiles (F = 150, chunks of 64), a near-parallel pair, a zero atom', async ({
  page,
}) => {
  const D = 24;
  const F = 150;
  const rng = createRng(77);
  const dec = Float32Array.from({ length: D * F }, () => rng.normal());
  for (let d = 0; d < D; d++) {
    dec[d * F + 77] = dec[d * F + 3] * 2 + 0.05 * rng.normal(); // nearly parallel to atom 3, another length
    dec[d * F + 140] = -dec[d * F + 10]; // anti-parallel: cosine −1, never a "similar" pair
    dec[d * F + 5] = 0; // a zero atom: cosine 0 with every other
  }
  await openHarness(page);
  const out = await runCheck<{ max: number; pairs: number[]; cosines: number[] }>(
    page,
    'decoderPairs',
    {
      decoder: [...dec],
      D,
      F,
      top: 20,
      tileBytes: 64 * 64 * 4,
    },
  );
  const want = decoderPairsReference(dec, D, F, 20);
  expect(want[0]).toMatchObject({ i: 3, j: 77 });
  const pairs = Array.from({ length: out.cosines.length }, (_, i) => [
    out.pairs[2 * i],
    out.pairs[2 * i + 1],
  ]);
  expect(pairs).toEqual(want.map((w) => [w.i, w.j]));
  let worst = 0;
  want.forEach((w, i) => (worst = Math.max(worst, Math.abs(out.cosines[i] - w.cos))));
  console.log(`tiled decoder cosines: max |err| ${worst.toExponential(2)}`);
  expect(worst).toBeLessThanOrEqual(TOL.cosine);
  expect(out.max).toBeCloseTo(want[0].cos, 5);
});
