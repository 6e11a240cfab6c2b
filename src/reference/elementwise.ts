/**
 * Float64 references for shaders/elementwise.wgsl, shaders/loss.wgsl and shaders/dead.wgsl
 * (the small per-element and per-batch kernels of the SAE step).
 */
import type { ElementwiseOp } from '../model/kernelOps';

type Numbers = ArrayLike<number>;

/**
 * subRow: (x − v[i mod D])·scale; subScaled: (x − y)·scale; maskNonzero: y ≠ 0 ? x : 0;
 * maskNonzeroAdd: out0 + (y ≠ 0 ? x : 0) (out0: the output buffer's earlier contents, default 0).
 */
export function elementwiseRef(
  op: ElementwiseOp,
  x: Numbers,
  y: Numbers,
  D: number,
  scale: number,
  out0?: Numbers,
): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (op === 'subRow') out[i] = (x[i] - y[i % D]) * scale;
    else if (op === 'subScaled') out[i] = (x[i] - y[i]) * scale;
    else if (op === 'maskNonzero') out[i] = y[i] !== 0 ? x[i] : 0;
    else out[i] = (out0?.[i] ?? 0) + (y[i] !== 0 ? x[i] : 0);
  }
  return out;
}

/** Batch scalars of loss.wgsl: [l2, mean k̂, min k̂, max k̂, kLoss, total] and ∂kLoss/∂k̂[b]. */
export function batchLossRef(
  sqErr: Numbers,
  kHat: Numbers | null,
  k: number,
  kLossWeight: number,
): { scalars: number[]; kLossGrad: number } {
  const B = sqErr.length;
  let l2 = 0;
  for (let b = 0; b < B; b++) l2 += sqErr[b];
  l2 /= B;
  if (!kHat) return { scalars: [l2, 0, 0, 0, 0, l2], kLossGrad: 0 };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let b = 0; b < B; b++) {
    sum += kHat[b];
    min = Math.min(min, kHat[b]);
    max = Math.max(max, kHat[b]);
  }
  const mean = sum / B;
  const z = mean - k;
  const kl = (kLossWeight * Math.log1p(Math.exp(5 * z))) / 5;
  const grad = kLossWeight / (1 + Math.exp(-5 * z)) / B;
  return { scalars: [l2, mean, min, max, kl, l2 + kl], kLossGrad: grad };
}

/** dead.wgsl: rows since each feature fired, updated with one batch of codes f [B, F]. */
export function deadRef(
  f: Numbers,
  B: number,
  F: number,
  sinceFired: Numbers,
  threshold: number,
): { sinceFired: number[]; dead: number[]; deadCount: number } {
  const since: number[] = [];
  const dead: number[] = [];
  for (let j = 0; j < F; j++) {
    let fired = false;
    for (let b = 0; b < B && !fired; b++) fired = f[b * F + j] !== 0;
    since.push(fired ? 0 : sinceFired[j] + B);
    dead.push(since[j] >= threshold ? 1 : 0);
  }
  return { sinceFired: since, dead, deadCount: dead.reduce((a, b) => a + b, 0) };
}
