/** The full training step (spec §5) for SoftSAE, TopK and BatchTopK. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/model/rng.ts';
import {
  cloneTrainerState,
  createTrainer,
  stepMode,
  trainStep,
  updateThreshold,
} from '../../src/reference/sae/train.ts';
import type { Arch } from '../../src/model/config.ts';
import { initParams, PARAM_NAMES } from '../../src/model/params.ts';
import { expectClose } from '../helpers/compare.ts';

/**
 * Synthetic sparse data: each row is 1–3 atoms of a hidden unit-norm dictionary [D, G] with
 * coefficients in [0.5, 1.5], plus a little noise.
 */
function sparseData(seed: number, rows: number, D: number, G: number): Float64Array {
  const rng = createRng(seed);
  const atoms = Array.from({ length: G }, () => {
    const a = Float64Array.from({ length: D }, () => rng.normal());
    const n = Math.hypot(...a);
    return a.map((v) => v / n);
  });
  const x = new Float64Array(rows * D);
  for (let r = 0; r < rows; r++) {
    const count = 1 + Math.floor(rng.uniform() * 3);
    for (let c = 0; c < count; c++) {
      const atom = atoms[Math.floor(rng.uniform() * G)];
      const coef = 0.5 + rng.uniform();
      for (let d = 0; d < D; d++) x[r * D + d] += coef * atom[d];
    }
    for (let d = 0; d < D; d++) x[r * D + d] += 0.01 * rng.normal();
  }
  return x;
}

const batchOf = (data: Float64Array, step: number, B: number, D: number, rows: number) => {
  const start = ((step * B) % rows) * D;
  return data.subarray(start, start + B * D);
};

function decoderColumnNorms(dec: Float64Array, D: number, F: number): number[] {
  return Array.from({ length: F }, (_, j) =>
    Math.hypot(...Array.from({ length: D }, (_, d) => dec[d * F + j])),
  );
}

describe('one training step', () => {
  const D = 6;
  const base = {
    dict_size: 10,
    k: 2,
    steps: 50,
    batch_size: 8,
    warmup_steps: 2,
    soft_topk_alpha: 0.1,
  };

  it('leaves unit-norm decoder columns and a clipped, finite gradient', () => {
    const state = createTrainer({ ...base, lr: 0.05 }, D);
    const x = sparseData(1, 8, D, 5).map((v) => v * 50); // large inputs → gradient norm ≫ 1
    for (let s = 0; s < 3; s++) {
      const report = trainStep(state, x);
      const norms = decoderColumnNorms(state.params.tensors['decoder.weight'], D, 10);
      for (const n of norms) expect(Math.abs(n - 1)).toBeLessThan(1e-6);
      let sq = 0;
      for (const g of Object.values(report.grads)) for (const v of g) sq += v * v;
      expect(report.gradNorm).toBeGreaterThan(1);
      expect(Math.sqrt(sq)).toBeCloseTo(report.gradNorm / (report.gradNorm + 1e-6), 12);
      for (const name of PARAM_NAMES)
        for (const v of state.params.tensors[name]) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('sets b_dec to the geometric median at step 0 (lr is 0 there during warm-up)', () => {
    const state = createTrainer({ ...base, dict_size: 4, k: 1 }, 2);
    const enc = state.params.tensors['encoder.weight'].slice();
    const report = trainStep(state, Float64Array.from([0, 0, 4, 0, 5, 3, 1, 4]));
    expect(report.lr).toBe(0);
    // Four points in convex position: the median is where the diagonals cross, (80/29, 48/29).
    expectClose('b_dec', state.params.tensors.b_dec, [80 / 29, 48 / 29], 1e-3, 0);
    expect(Array.from(state.params.tensors['encoder.weight'])).toEqual(Array.from(enc));
  });

  it('follows the LR schedule and anneals k after each step', () => {
    const cfg = {
      ...base,
      lr: 0.01,
      steps: 20,
      warmup_steps: 4,
      decay_start: 10,
      k_anneal_steps: 4,
    };
    const state = createTrainer(cfg, D);
    expect(state.params.k).toBe(D); // annealing starts at k = D
    const x = sparseData(2, 8, D, 5);
    const lrs: number[] = [];
    const ks: number[] = [];
    for (let s = 0; s < 20; s++) {
      lrs.push(trainStep(state, x).lr);
      ks.push(state.params.k);
    }
    const want = Array.from(
      { length: 20 },
      (_, s) => 0.01 * (s < 4 ? s / 4 : s < 10 ? 1 : (20 - s) / 10),
    );
    expectClose('lr', lrs, want, 1e-17, 1e-15);
    // int(6(1 − r) + 2r), r = min(s, 4)/4: 6, 5, 4, 3, 2, 2, …
    expect(ks.slice(0, 6)).toEqual([6, 5, 4, 3, 2, 2]);
  });

  it('anneals α from 1 to soft_topk_alpha when alpha_anneal_steps is set', () => {
    const state = createTrainer({ ...base, alpha_anneal_steps: 4, soft_topk_alpha: 0.2 }, D);
    expect(state.params.alpha).toBe(1);
    const x = sparseData(3, 8, D, 5);
    const alphas = [0, 1, 2, 3, 4].map(() => (trainStep(state, x), state.params.alpha));
    expectClose('α', alphas, [1, 0.8, 0.6, 0.4, 0.2], 1e-15, 1e-14);
  });

  it('switches to the hard path when step > steps − hard_topk_steps, freezing the k-estimator', () => {
    const cfg = { ...base, steps: 10, hard_topk_steps: 3, dead_feature_threshold: 1e9 };
    const state = createTrainer(cfg, D);
    const modes = Array.from({ length: 10 }, (_, s) => stepMode(state.config, s));
    expect(modes).toEqual([
      'soft',
      'soft',
      'soft',
      'soft',
      'soft',
      'soft',
      'soft',
      'soft',
      'hard',
      'hard',
    ]);
    const x = sparseData(4, 8, D, 5);
    for (let s = 0; s < 8; s++) trainStep(state, x);
    const kEst = state.params.tensors['k_estimator.0.weight'].slice();
    const enc = state.params.tensors['encoder.weight'].slice();
    const report = trainStep(state, x);
    expect(report.mode).toBe('hard');
    expect(report.loss.kLoss).toBe(0);
    expect(Object.keys(report.grads).sort()).toEqual(['b_dec', 'decoder.weight']);
    expect(Array.from(state.params.tensors['k_estimator.0.weight'])).toEqual(Array.from(kEst));
    expect(Array.from(state.params.tensors['encoder.weight'])).toEqual(Array.from(enc));
  });
});

describe('trainer state snapshots', () => {
  it('a cloned state takes the identical next step and is independent of the original', () => {
    const state = createTrainer(
      { dict_size: 10, k: 2, steps: 20, batch_size: 8, warmup_steps: 2 },
      6,
    );
    const x = sparseData(6, 8, 6, 5);
    for (let s = 0; s < 4; s++) trainStep(state, x);
    const snap = cloneTrainerState(state);
    const a = trainStep(state, x);
    const b = trainStep(snap, x);
    expect(b.loss.total).toBe(a.loss.total);
    for (const name of PARAM_NAMES) {
      expect(Array.from(snap.params.tensors[name])).toEqual(Array.from(state.params.tensors[name]));
      expect(Array.from(snap.adam.v[name])).toEqual(Array.from(state.adam.v[name]));
    }
    expect(snap.adam.step).toEqual(state.adam.step);
    snap.params.tensors.b_dec[0] += 1;
    expect(snap.params.tensors.b_dec[0]).not.toBe(state.params.tensors.b_dec[0]);
  });
});

describe('BatchTopK threshold θ', () => {
  it('is set to the smallest positive kept value, then follows an EMA(0.999)', () => {
    const params = initParams({ D: 2, F: 3, k: 1, kMax: 2, alpha: 1, seed: 0 });
    updateThreshold(params, Float64Array.from([0, 0.5, 0.2, 0, 3, 0]));
    expect(params.threshold).toBe(0.2);
    updateThreshold(params, Float64Array.from([1.2, 0, 0]));
    expect(params.threshold).toBeCloseTo(0.999 * 0.2 + 0.001 * 1.2, 15);
  });

  it('starts updating after step 1000 in training', () => {
    const state = createTrainer(
      {
        arch: 'batchtopk',
        dict_size: 6,
        k: 1,
        steps: 1100,
        batch_size: 4,
        warmup_steps: 10,
        lr: 1e-3,
      },
      3,
    );
    const x = sparseData(5, 4, 3, 4);
    for (let s = 0; s <= 1000; s++) trainStep(state, x);
    expect(state.params.threshold).toBe(-1);
    const report = trainStep(state, x);
    const positives = Array.from(report.fwd.f).filter((v) => v > 0);
    expect(state.params.threshold).toBe(Math.min(...positives));
  });
});

// The SoftSAE run uses k annealing but no hard phase: ⌊k̂⌋ of the hard phase legitimately costs
// reconstruction (mean k̂ settles below the budget, so most rows keep ⌊k̂⌋ = 1 feature).
describe('training lowers the loss on a small synthetic problem', () => {
  it.each(['softsae', 'topk', 'batchtopk'] as Arch[])('%s', (arch) => {
    const D = 8;
    const rows = 512;
    const B = 64;
    const data = sparseData(7, rows, D, 12);
    const state = createTrainer(
      {
        arch,
        dict_size: 24,
        k: 2,
        steps: 300,
        batch_size: B,
        lr: 0.01,
        warmup_steps: 10,
        soft_topk_alpha: 0.05,
        k_anneal_steps: arch === 'softsae' ? 50 : null,
        dead_feature_threshold: 20 * B,
        seed: 3,
      },
      D,
    );
    const l2: number[] = [];
    for (let s = 0; s < 300; s++) l2.push(trainStep(state, batchOf(data, s, B, D, rows)).loss.l2);
    const first = l2.slice(0, 10).reduce((a, b) => a + b) / 10;
    const last = l2.slice(-10).reduce((a, b) => a + b) / 10;
    console.log(
      `${arch}: mean L2 of the first 10 steps ${first.toFixed(4)}, last 10 ${last.toFixed(4)}`,
    );
    expect(last).toBeLessThan(0.5 * first);
  });
});
