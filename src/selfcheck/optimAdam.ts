/**
 * One Adam update on every tensor (one buffer each, with NaN guard padding after it) vs the float64
 * reference adamStep (src/reference/sae/optim.ts).
 */
import { Adam } from '../gpu/kernels/adam';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { createStatusBuffer, packSegments, STATUS_LAYOUT } from '../gpu/kernels/gradnorm';
import { packUniform } from '../gpu/uniforms';
import { ADAM } from '../model/schedules';
import { adamStep, createAdamState } from '../reference/sae/optim';
import { PARAM_NAMES, type ParamName } from '../model/params';
import { arenaLayout } from '../sae/arena';
import { gradMask, tensorSegments } from '../sae/optimizer';
import { tensorList } from '../sae/paramBuffers';
import type { CheckResult } from './kernels';
import {
  arenaImage,
  bitDiffsOutside,
  check,
  EPS32,
  destroySet,
  maxAbs,
  randomTensors,
  readImage,
  tensorsOf,
  toF64,
  upload,
  uploadImage,
} from './optimShared';

export interface AdamCase {
  D: number;
  F: number;
  seed?: number;
  lr: number;
  /** Clip coefficient in the status buffer. */
  scale: number;
  /** Step count t of each tensor (PARAM_NAMES order) as the finalize pass would leave it. */
  t: number[];
  hasGrad?: ParamName[];
  /** The status says non-finite: nothing may change. */
  skip?: boolean;
}

export interface AdamResult {
  results: CheckResult[];
  /** Floats changed in tensors without a gradient or in padding (params, m, v). */
  changedOutside: number;
  /** With `skip`: floats changed anywhere. */
  changedWhenSkipped: number;
}

/** One Adam update with given moments, step counts and clip scale. */
export async function checkAdam(ctx: KernelContext, c: AdamCase): Promise<AdamResult> {
  const { device } = ctx;
  const layout = arenaLayout(c.D, c.F);
  const seed = c.seed ?? 5;
  const hasGrad = c.hasGrad ?? [...PARAM_NAMES];
  const theta = randomTensors(layout, seed);
  const g = randomTensors(layout, seed + 1, 0.1);
  const m = randomTensors(layout, seed + 2, 0.05);
  const v = randomTensors(layout, seed + 3, 0.1);
  for (const n of PARAM_NAMES) v[n] = v[n].map((x) => x * x);
  const images = [theta, g, m, v].map((t) => arenaImage(layout, t, NaN));
  const [pBuf, gBuf, mBuf, vBuf] = ['params', 'grads', 'm', 'v'].map((k, i) =>
    uploadImage(device, `SelfCheck.adam.${k}`, layout, images[i]),
  );
  const segments = tensorSegments(layout);
  const segBuf = upload(device, 'SelfCheck.segments', packSegments(segments, c.t));
  const status = createStatusBuffer(device, 'SelfCheck.status');
  const st = { scale: c.scale, norm: 0, nonFinite: c.skip ? 1 : 0, skipped: 0 };
  device.queue.writeBuffer(status, 0, packUniform(STATUS_LAYOUT, st));
  const adam = await Adam.create(ctx, { segments, hyper: ADAM });
  adam.setStep(c.lr, gradMask(hasGrad));
  try {
    submitPass(device, 'SelfCheck.adam', (pass) =>
      adam.encode(pass, {
        status,
        segments: segBuf,
        params: tensorList(pBuf),
        grads: tensorList(gBuf),
        m: tensorList(mBuf),
        v: tensorList(vBuf),
      }),
    );
    const out = await Promise.all([pBuf, mBuf, vBuf].map((b) => readImage(device, b, layout)));

    const ref = toF64(theta);
    const state = createAdamState(ref);
    state.m = toF64(m);
    state.v = toF64(v);
    PARAM_NAMES.forEach((n, i) => (state.step[n] = c.t[i] - 1));
    const grads: Partial<Record<ParamName, Float64Array>> = {};
    for (const n of hasGrad) grads[n] = Float64Array.from(g[n], (x) => x * c.scale);
    if (!c.skip) adamStep(ref, grads, state, c.lr);

    const [pGpu, mGpu, vGpu] = out.map((img) => tensorsOf(layout, img));
    const results: CheckResult[] = [];
    for (const n of hasGrad) {
      const i = PARAM_NAMES.indexOf(n);
      let du = 0;
      for (let k = 0; k < ref[n].length; k++) du = Math.max(du, Math.abs(ref[n][k] - theta[n][k]));
      // m, v: two products and a sum, each rounded once in f32 (plus the clip product).
      const mTol = { atol: 4 * EPS32 * (maxAbs(m[n]) + maxAbs(g[n])), rtol: 4 * EPS32 };
      const vTol = { atol: 4 * EPS32 * (maxAbs(v[n]) + maxAbs(g[n]) ** 2), rtol: 4 * EPS32 };
      // The step u = (lr/bc1)·m/(√v/bc2 + ε) takes ~8 f32 roundings (the table entries included):
      // |Δu| ≤ 16ε·max|u|; θ − u rounds once more (rtol).
      const pTol = { atol: 16 * EPS32 * du, rtol: 2 * EPS32 };
      const tag = `${c.D}×${c.F} ${n} t=${c.t[i]}`;
      results.push(check(`adam m ${tag}`, mGpu[n], state.m[n], mTol));
      results.push(check(`adam v ${tag}`, vGpu[n], state.v[n], vTol));
      results.push(check(`adam θ ${tag}`, pGpu[n], ref[n], pTol));
    }
    const changed = (skip: ParamName[]) =>
      out.reduce((a, img, i) => a + bitDiffsOutside(layout, img, images[[0, 2, 3][i]], skip), 0);
    return {
      results,
      changedOutside: changed(hasGrad),
      changedWhenSkipped: c.skip ? changed([]) : 0,
    };
  } finally {
    for (const set of [pBuf, gBuf, mBuf, vBuf]) destroySet(set);
    for (const b of [segBuf, status]) b.destroy();
    adam.destroy();
  }
}
