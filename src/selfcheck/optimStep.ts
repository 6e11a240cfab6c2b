/**
 * The whole optimizer sequence (projection → clip → Adam → renormalisation) for a few steps on
 * every tensor (one buffer each, as the engine stores them) vs the reference sequence of trainStep (src/reference/sae/train.ts, steps 4–6 and 8),
 * from the same float32 initial parameters and the same float32 gradients.
 */
import type { KernelContext } from '../gpu/kernels/context';
import type { OptimStatus } from '../gpu/kernels/gradnorm';
import {
  adamStep,
  clipGradNorm,
  createAdamState,
  projectDecoderGrad,
} from '../reference/sae/optim';
import {
  initParams,
  normalizeDecoderColumns,
  PARAM_NAMES,
  type ParamGrads,
  type ParamName,
} from '../model/params';
import { CLIP_NORM, lrFactor, RENORM_EPS } from '../model/schedules';
import { arenaLayout } from '../sae/arena';
import { Optimizer, type PendingStatus } from '../sae/optimizer';
import { uploadTensors } from '../sae/paramBuffers';
import type { CheckResult } from './kernels';
import {
  arenaImage,
  check,
  destroySet,
  EPS32,
  maxAbs,
  randomTensors,
  readImage,
  tensorsOf,
  toF64,
  upload,
  uploadImage,
} from './optimShared';

export interface OptimStepCase {
  D: number;
  F: number;
  seed?: number;
  /** Gradient magnitude of each step (its length is the number of steps). */
  gradScales: number[];
  /** Base learning rate and schedule (reference lrFactor). */
  lr: number;
  warmup?: number;
  /** Tensors with a gradient at every step (default all). */
  hasGrad?: ParamName[];
  /** A step (0-based) with a NaN in the decoder gradient or the loss: it must be skipped. */
  nanStep?: number;
  nanIn?: 'grad' | 'loss';
}

export interface OptimStepResult {
  results: CheckResult[];
  steps: Record<ParamName, number>;
  expectedSteps: Record<ParamName, number>;
  /** Per step: GPU status (null if unreported) and the reference norm (NaN for a skipped step). */
  statuses: (OptimStatus | null)[];
  refNorms: number[];
}

export async function checkOptimStep(
  ctx: KernelContext,
  c: OptimStepCase,
): Promise<OptimStepResult> {
  const { device } = ctx;
  const { D, F } = c;
  const seed = c.seed ?? 9;
  const layout = arenaLayout(D, F);
  const hasGrad = c.hasGrad ?? [...PARAM_NAMES];
  const init = initParams({ D, F, k: 1, kMax: 2, alpha: 1, seed }).tensors;
  const init32 = Object.fromEntries(
    PARAM_NAMES.map((n) => [n, Float32Array.from(init[n])]),
  ) as Record<ParamName, Float32Array>;
  // Non-zero biases so that every tensor's update is visible.
  init32.b_dec.set(randomTensors(layout, seed + 1).b_dec);
  const ref = toF64(init32);
  const state = createAdamState(ref);

  const optimizer = await Optimizer.create(ctx, layout, { label: 'SelfCheck.optimizer' });
  const zeros = new Float32Array(layout.size);
  const params = uploadImage(device, 'SelfCheck.params', layout, arenaImage(layout, init32));
  const grads = uploadImage(device, 'SelfCheck.grads', layout, zeros);
  const m = uploadImage(device, 'SelfCheck.m', layout, zeros);
  const v = uploadImage(device, 'SelfCheck.v', layout, zeros);
  const loss = upload(device, 'SelfCheck.loss', new Float32Array(4));
  const pending: (PendingStatus | null)[] = [];
  const refNorms: number[] = [];
  const steps = c.gradScales.length;
  try {
    for (let s = 0; s < steps; s++) {
      const g = randomTensors(layout, seed + 100 + s, c.gradScales[s]);
      const nan = s === c.nanStep;
      if (nan && c.nanIn !== 'loss') g['decoder.weight'][D + 1] = NaN;
      uploadTensors(device, grads, layout, g);
      // The loss sits at float 2 of its buffer, as a loss kernel might leave it.
      device.queue.writeBuffer(
        loss,
        0,
        Float32Array.from([1, 1, nan && c.nanIn === 'loss' ? NaN : 0.25, 1]),
      );
      const lr = c.lr * lrFactor(s, steps, c.warmup ?? 0, null);

      const encoder = device.createCommandEncoder({ label: 'SelfCheck.optimStep' });
      const pass = encoder.beginComputePass({ label: 'SelfCheck.optimStep.pass' });
      optimizer.encode(
        pass,
        { params, grads, m, v, loss: { buffer: loss, index: 2 } },
        { lr, hasGrad },
      );
      pass.end();
      pending.push(optimizer.copyStatus(encoder));
      device.queue.submit([encoder.finish()]);

      if (s === c.nanStep) {
        refNorms.push(NaN); // the reference step is skipped: nothing changes
        continue;
      }
      const rg: ParamGrads = {};
      for (const n of hasGrad) rg[n] = Float64Array.from(g[n]);
      if (rg['decoder.weight'])
        projectDecoderGrad(ref['decoder.weight'], rg['decoder.weight'], D, F);
      refNorms.push(clipGradNorm(rg, CLIP_NORM));
      adamStep(ref, rg, state, lr);
      normalizeDecoderColumns(ref['decoder.weight'], D, F, RENORM_EPS);
    }
    const statuses = await Promise.all(pending.map((p) => (p ? p.read() : null)));
    const [pGpu, mGpu, vGpu] = (
      await Promise.all([params, m, v].map((b) => readImage(device, b, layout)))
    ).map((img) => tensorsOf(layout, img));

    const results: CheckResult[] = [];
    const tag = `${D}×${F} after ${steps} step${steps > 1 ? 's' : ''}`;
    // Error budget, in units of ε = 2⁻²⁴. The gradient entering Adam carries the projection's
    // error (≤ 2·depth·ε·‖g_j‖, depth = ⌈D/64⌉ + 10 as in the projection check) and the clip
    // scale's (≤ 2(⌈n/65536⌉ + 20)·ε relative): κ·ε relative to the largest gradient. m and v
    // are linear in g and g², so they inherit κ·ε (v: 2κ·ε) of their largest value, plus a few
    // roundings per step. The step u = lr·m̂/(√v̂ + ε_adam) is ≤ ~lr and inherits ~2κ·ε·lr; θ
    // also rounds once per step and once in the renormalisation (depth·ε). An element whose
    // gradient lies within ~κ·ε·max|g| of 0 could break this (m̂/√v̂ is then ill-conditioned);
    // a seeded input that hit one would show up here as a failure, not pass silently.
    const depth = Math.ceil(D / 64) + 10;
    const count = hasGrad.reduce((a, name) => a + layout.entries[name].size, 0);
    const kappa = 2 * depth + 2 * (Math.ceil(count / 65536) + 20);
    for (const n of PARAM_NAMES) {
      const pTol = {
        atol: 2 * kappa * EPS32 * c.lr * steps,
        rtol: (2 * steps + 2 * depth) * EPS32,
      };
      const mTol = { atol: kappa * EPS32 * maxAbs(state.m[n]), rtol: 4 * steps * EPS32 };
      const vTol = { atol: 2 * kappa * EPS32 * maxAbs(state.v[n]), rtol: 4 * steps * EPS32 };
      results.push(check(`step θ ${n} ${tag}`, pGpu[n], ref[n], pTol));
      results.push(check(`step m ${n} ${tag}`, mGpu[n], state.m[n], mTol));
      results.push(check(`step v ${n} ${tag}`, vGpu[n], state.v[n], vTol));
    }
    return {
      results,
      steps: await optimizer.readStepCounts(),
      expectedSteps: state.step,
      statuses,
      refNorms,
    };
  } finally {
    for (const set of [params, grads, m, v]) destroySet(set);
    loss.destroy();
    optimizer.destroy();
  }
}
