/**
 * The reference side of the SAE selection kernels' checks (float64, no GPU): shared by the specs
 * (e2e/sae-kernels.spec.ts, e2e/jumprelu.spec.ts, e2e/batchtopk.spec.ts), which run in Node, and
 * the app's self-check (saeChecks.ts).
 */
import { sigmoid } from '../model/kEstimator';
import { initParams } from '../model/params';
import { createRng } from '../model/rng';
import { rowTopKMask } from '../reference/sae/select';
import { softTopK, softTopKBackward } from '../reference/sae/softtopk';
import { updateThreshold } from '../reference/sae/train';
import type { JumpReluArg, KEstimateArg, RowTopKArg, SoftTopKArg, SoftTopKOut } from './saeKernels';

/**
 * The float64 soft top-k forward and backward of every row, and the float32 resolution of t.
 * The GPU solves t to float32 resolution: t itself can be off by an ulp or two, and p moves by up
 * to |Δt|/(2a). The tolerances on values that depend on p therefore scale with ε_t/a, the float32
 * resolution of t in units of α (1 for the usual α, large for α = 1e-3 and t ≈ 10, where one ulp
 * of t is 1e-3·α… ): `s`.
 */
export function softTopKReference(a: SoftTopKArg) {
  const { B, F, alpha } = a;
  const f = new Float64Array(B * F);
  const dpre = new Float64Array(B * F);
  const dkHat = new Float64Array(B);
  const t: number[] = [];
  for (let b = 0; b < B; b++) {
    const h = a.h.slice(b * F, (b + 1) * F);
    const df = a.df.slice(b * F, (b + 1) * F);
    const { p, t: tb } = softTopK(h, a.kHat[b], alpha);
    t.push(tb);
    const u = df.map((g, j) => g * h[j]);
    const vjp = softTopKBackward(h, tb, alpha, u);
    dkHat[b] = vjp.dkHat;
    for (let j = 0; j < F; j++) {
      f[b * F + j] = h[j] * p[j];
      dpre[b * F + j] = h[j] > 0 ? df[j] * p[j] + vjp.dh[j] : 0;
    }
  }
  const tMax = Math.max(...t.filter(Number.isFinite).map(Math.abs), 1);
  const epsT = 2 * 2 ** (Math.floor(Math.log2(tMax)) - 23);
  const s = Math.max(1, epsT / alpha / 1e-5);
  const tol = {
    f: { atol: 1e-5 * s, rtol: 1e-4 },
    dpre: { atol: 1e-4 * s, rtol: 1e-3 },
    dkHat: { atol: 1e-4 * s, rtol: 1e-3 },
  };
  return { t, f, dpre, dkHat, epsT, tol };
}

/** The GPU's t with its "no threshold" sentinel (≤ −1e38) read as −∞. */
export const gpuThreshold = (out: SoftTopKOut) => out.t.map((t) => (t <= -1e38 ? -Infinity : t));

/** Hard top-k per row: codes f = h on the selected positive entries, and L0 per row. */
export function rowTopKReference(a: RowTopKArg) {
  const counts = Array.from({ length: a.B }, (_, b) =>
    a.k !== undefined ? a.k : Math.floor(a.kHat![b]),
  );
  const mask = rowTopKMask(Float64Array.from(a.h), a.B, a.F, counts);
  const f = a.h.map((v, i) => (mask[i] && v > 0 ? v : 0));
  const l0 = Array.from(
    { length: a.B },
    (_, b) => f.slice(b * a.F, (b + 1) * a.F).filter((v) => v !== 0).length,
  );
  return { f, l0 };
}

/** The k-estimator head in float64: σ, k̂ = clamp(σ·k_max, 1, F), ∂s and ∂z. */
export function kEstimateReference(a: KEstimateArg) {
  const { B, F, z, w2 } = a;
  const sig: number[] = [];
  const kHat: number[] = [];
  const ds: number[] = [];
  const dz: number[] = [];
  for (let b = 0; b < B; b++) {
    let s = a.b2;
    for (let j = 0; j < F; j++) s += z[b * F + j] * w2[j];
    const sg = sigmoid(s);
    const raw = sg * a.kMax;
    sig.push(sg);
    kHat.push(Math.min(F, Math.max(1, raw)));
    const d = raw >= 1 && raw <= F ? (a.dkHat[b] + a.kLossGrad) * a.kMax * sg * (1 - sg) : 0;
    ds.push(d);
    for (let j = 0; j < F; j++) dz.push(z[b * F + j] > 0 ? d * w2[j] : 0);
  }
  return { sig, kHat, ds, dz };
}

export const KESTIMATE_TOL = {
  sig: { atol: 1e-6, rtol: 1e-5 },
  kHat: { atol: 1e-5, rtol: 1e-5 },
  ds: { atol: 1e-6, rtol: 1e-4 },
  dz: { atol: 1e-6, rtol: 1e-4 },
};

/**
 * JumpReLU inputs: pre-activations N(0, 1), row 1 all negative (an all-zero row) when B > 2,
 * θ ~ U[0, 1) ('jump'), U(−0.5, 0] ('negative θ') or 0 ('relu'); a tie pre = θ at entry 0.
 * The kernel gets h = ReLU(pre) (as the encoder leaves it); the reference gets pre.
 */
export function jumpReluInputs(
  B: number,
  F: number,
  kind: string,
): { arg: JumpReluArg; pre: number[] } {
  const rng = createRng(B * 1000 + F);
  const pre = Array.from({ length: B * F }, () => Math.fround(rng.normal()));
  if (B > 2) pre.fill(-1, F, 2 * F); // row 1: every pre-activation negative → all zero
  let theta = Array.from({ length: F }, () =>
    kind === 'relu' ? 0 : Math.fround(kind === 'negative θ' ? -0.5 * rng.uniform() : rng.uniform()),
  );
  if (kind === 'jump' && B * F > 2) pre[0] = theta[0]; // a tie: pre = θ is not kept
  if (kind === 'relu') theta = theta.map(() => 0);
  return { arg: { B, F, h: pre.map((v) => Math.max(v, 0)), theta }, pre };
}

/** The reference θ after one update from `theta` with codes f (updateThreshold on a model). */
export function thetaReference(theta: number, f: Float64Array): number {
  const params = initParams({ D: 1, F: 1, k: 1, kMax: 1, alpha: 1, seed: 0 });
  params.threshold = theta;
  updateThreshold(params, f);
  return params.threshold;
}
