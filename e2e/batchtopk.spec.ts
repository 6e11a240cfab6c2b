// BatchTopK on Chromium's WebGPU vs the float64 reference (src/reference/sae/select.ts,
// train.ts updateThreshold): the whole-batch radix select (exact kept set, ties to the lower flat
// index, K = min(k·B, #positive)), the θ update, and threshold inference f = h·1[h > θ].
import { expect, test, type Page } from '@playwright/test';
import { createRng } from '../src/model/rng';
import { encode, forward } from '../src/reference/sae/forward';
import { reconstructionLoss } from '../src/reference/sae/loss';
import { normalizeRows, PARAM_NAMES, type ParamName } from '../src/model/params';
import { batchTopKMask, thresholdMask } from '../src/reference/sae/select';
import { thetaReference } from '../src/selfcheck/saeReference';
import type { EvalReport } from './harness/batchtopk.checks';
import { loadSoftsaeSmall } from '../test/helpers/softsaeSmall';
import type { BatchTopKArg, BatchTopKResult, EvaluateArg } from './harness/batchtopk.checks';
import { runCheck, sharedHarness } from './gpu';

// One test per (kernel, case) on one shared harness page (as kernels.spec.ts). Not serial: a
// failing case must not skip the cases after it (the worker restarts instead).
let page: Page;
sharedHarness((p) => (page = p));

const f32 = (x: number) => Math.fround(x);

/** ReLU of N(0, σ²) draws rounded to float32: about half the entries are exactly zero. */
function reluNormal(n: number, seed: number, sigma = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => f32(Math.max(0, sigma * rng.normal())));
}

const CASES: [string, BatchTopKArg][] = [
  [
    'control 8×64, k·B = 32, θ first set',
    { B: 8, F: 64, k: 32, h: reluNormal(512, 1), theta: -1, updateTheta: true },
  ],
  [
    'F = 300 (not a multiple of the workgroup), θ blended',
    { B: 3, F: 300, k: 30, h: reluNormal(900, 2), theta: 0.3, updateTheta: true },
  ],
  [
    // 5 000 entries: two apply blocks of 4 096, ties on a 0.25 grid cut across both.
    'ties on a grid over two blocks',
    {
      B: 5,
      F: 1000,
      k: 1500,
      h: reluNormal(5000, 3).map((v) => Math.round(v * 4) / 4),
      theta: 0.5,
      updateTheta: true,
    },
  ],
  [
    // Every entry equal: the kept set is the first k flat indices, across the block boundary.
    'all equal: ties by flat index across blocks',
    {
      B: 2,
      F: 2500,
      k: 4500,
      h: new Array<number>(5000).fill(0.75),
      theta: -1,
      updateTheta: false,
    },
  ],
  [
    'k·B > #positive: every positive entry kept',
    {
      B: 4,
      F: 70,
      k: 200,
      h: reluNormal(280, 4).map((v, i) => (i % 9 === 0 ? f32(v + 0.1) : 0)),
      theta: 0.2,
      updateTheta: true,
    },
  ],
  ['one row, F = 5', { B: 1, F: 5, k: 2, h: [0.5, 0, 2, 0.5, 1], theta: -1, updateTheta: true }],
  [
    'all-zero batch: nothing kept, θ blends toward 0',
    { B: 3, F: 40, k: 12, h: new Array<number>(120).fill(0), theta: 0.4, updateTheta: true },
  ],
  [
    // (Subnormals are left out: whether a GPU flushes them to zero is not specified.)
    'tiny and huge values, negative zero',
    {
      B: 2,
      F: 6,
      k: 5,
      h: [2e-38, -0, 3e38, 1e-30, 2, 0, 2e-38, 5, 0, -0, 3e38, 1.5e-38].map(f32),
      theta: -1,
      updateTheta: true,
    },
  ],
];

// Exact kept set, ties to the lower flat index, θ and threshold inference.
for (const [name, arg] of CASES)
  test(`batchtopk: ${name}`, async () => {
    const { B, F, k } = arg;
    const h = Float64Array.from(arg.h);
    const out = await runCheck<BatchTopKResult>(page, 'batchTopK', arg);
    // Reference: the k largest of the batch; kept zeros contribute nothing, so compare f = h·mask.
    const mask = batchTopKMask(h, k);
    const fRef = h.map((v, i) => (mask[i] ? v : 0));
    const diff = out.f.findIndex((v, i) => !Object.is(v + 0, fRef[i] + 0));
    expect(diff, `${name}: first differing code at ${diff}`).toBe(-1);
    const positives = arg.h.filter((v) => v > 0).length;
    expect(out.state[3], `${name}: K = min(k·B, #positive)`).toBe(Math.min(k, positives));
    // The tie cases must really cut inside a group of equal values at τ (the K-th largest).
    const tau = new Float32Array(new Uint32Array([out.state[1]]).buffer)[0];
    const atTau = arg.h.filter((v) => v === tau).length;
    if (name.includes('ties'))
      expect(out.state[2], `${name}: some but not all ties at τ kept`).toBeLessThan(atTau);
    const want = arg.updateTheta ? thetaReference(arg.theta, fRef) : arg.theta;
    const tol = 1e-6 * Math.abs(want) + 1e-30;
    expect(
      Math.abs(out.theta - want),
      `${name}: θ gpu ${out.theta} ref ${want}`,
    ).toBeLessThanOrEqual(tol);
    // Inference with the θ the GPU left (compared exactly: the rule is a comparison).
    const tm = thresholdMask(h, out.theta);
    const fThr = h.map((v, i) => (tm[i] ? v : 0));
    const dThr = out.fThreshold.findIndex((v, i) => v !== fThr[i]);
    expect(dThr, `${name}: threshold codes differ at ${dThr}`).toBe(-1);
    const l0 = Array.from(
      { length: B },
      (_, b) => fThr.subarray(b * F, (b + 1) * F).filter((v) => v !== 0).length,
    );
    expect(out.l0, `${name}: threshold L0`).toEqual(l0);
    console.log(
      `${name}: K ${out.state[3]} exact (${out.state[2]} of ${atTau} ties at τ), θ ${out.theta} (ref ${want}), threshold L0 ${l0.slice(0, 8).join(',')} exact`,
    );
  });

test('batchtopk-apply: threshold inference over softsae-small, in batches', async () => {
  const fx = await loadSoftsaeSmall();
  const { D, F } = fx.params;
  const params = structuredClone(fx.params);
  // θ in the middle of a wide gap between two pre-activations near their median, so that the
  // float32 GPU and the float64 reference cannot disagree on any h > θ.
  const x = normalizeRows(fx.x, params);
  const hs = [...encode(params, x).h].filter((v) => v > 0).sort((a, b) => a - b);
  let best = Math.floor(hs.length / 2);
  for (let i = Math.floor(hs.length / 3); i < (2 * hs.length) / 3; i++)
    if (hs[i + 1] - hs[i] > hs[best + 1] - hs[best]) best = i;
  params.threshold = f32((hs[best] + hs[best + 1]) / 2);
  const fwd = forward(params, x, 'threshold');
  const { sqErr } = reconstructionLoss(x, fwd.xHat, D);
  const l0 = Array.from(
    { length: fx.N },
    (_, b) => fwd.f.subarray(b * F, (b + 1) * F).filter((v) => v !== 0).length,
  );
  let varX = 0;
  let varE = 0;
  for (let d = 0; d < D; d++) {
    const col = (v: Float64Array) => Array.from({ length: fx.N }, (_, b) => v[b * D + d]);
    const variance = (c: number[]) => {
      const m = c.reduce((a, b) => a + b, 0) / c.length;
      return c.reduce((a, b) => a + (b - m) ** 2, 0);
    };
    varX += variance(col(x));
    varE += variance(col(x.map((v, i) => v - fwd.xHat[i])));
  }
  const arg: EvaluateArg = {
    arch: 'batchtopk',
    D,
    F,
    tensors: Object.fromEntries(PARAM_NAMES.map((n) => [n, [...params.tensors[n]]])) as Record<
      ParamName,
      number[]
    >,
    k: params.k,
    kMax: params.kMax,
    alpha: params.alpha,
    normFactor: params.normFactor,
    shift: [...params.shiftFactor],
    threshold: params.threshold,
    x: [...fx.x],
    batch: 12, // 32 rows: 12, 12 and a short batch of 8
  };
  const out = await runCheck<EvalReport>(page, 'evalPass', arg);
  expect(out.rows).toBe(fx.N);
  expect(out.k_hat, 'no k̂ for BatchTopK').toBeUndefined();
  expect(out.l0, 'L0 per row').toEqual(l0);
  let worst = 0;
  for (let b = 0; b < fx.N; b++) {
    const r = Math.abs(out.sq_err[b] - sqErr[b]) / (1e-5 + 1e-4 * sqErr[b]);
    worst = Math.max(worst, r);
  }
  const fvu = varE / varX;
  console.log(
    `θ ${params.threshold}: mean L0 ${out.mean_l0} (ref ${l0.reduce((a, b) => a + b) / fx.N}), ` +
      `squared error worst err/tol ${worst.toFixed(3)}, FVU gpu ${out.fvu} ref ${fvu}`,
  );
  expect(worst).toBeLessThanOrEqual(1);
  expect(Math.abs(out.fvu - fvu)).toBeLessThanOrEqual(1e-4 * fvu);
});
