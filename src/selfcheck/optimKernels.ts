/**
 * The decoder-atom and gradient-norm kernels vs the float64 reference (src/reference/sae/optim.ts),
 * on every tensor of a model, one buffer each with NaN guard padding after it (as a packed arena
 * image: see optimShared.ts), so that the guards and the transposed decoder are exercised too.
 * Inputs are float32; the reference runs in float64 on the same values.
 */
import { readbackBytes } from '../gpu/buffers';
import { AtomProjection, AtomRenorm } from '../gpu/kernels/atoms';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import {
  createStatusBuffer,
  decodeStatus,
  GradNorm,
  packSegments,
  STATUS_LAYOUT,
  unpackSegmentSteps,
} from '../gpu/kernels/gradnorm';
import { packUniform } from '../gpu/uniforms';
import { clipGradNorm, projectDecoderGrad } from '../reference/sae/optim';
import {
  normalizeDecoderColumns,
  PARAM_NAMES,
  type ParamGrads,
  type ParamName,
} from '../model/params';
import { CLIP_NORM, RENORM_EPS } from '../model/schedules';
import { arenaLayout } from '../sae/arena';
import { gradMask, PROJECTION_EPS, tensorSegments } from '../sae/optimizer';
import { tensorList } from '../sae/paramBuffers';
import type { CheckResult } from './kernels';
import {
  arenaImage,
  bitDiffs,
  bitDiffsOutside,
  check,
  destroySet,
  EPS32,
  randomTensors,
  readImage,
  tensorsOf,
  upload,
  uploadImage,
} from './optimShared';

const DEC = 'decoder.weight';

export interface AtomCase {
  D: number;
  F: number;
  seed?: number;
  /** Atoms (decoder columns) scaled to norm ~1e-6/1e-7, where the epsilons matter. */
  tiny?: number[];
  /** All-zero atoms. */
  zero?: number[];
  /** Renormalisation only: the status says non-finite, so nothing may change. */
  skip?: boolean;
}

export interface AtomResult {
  results: CheckResult[];
  /** Floats changed outside the decoder (gradient arena for projection, parameters for renorm). */
  changedOutside: number;
  /** Renorm with `skip`: decoder floats changed (must be 0). */
  changedWhenSkipped: number;
}

function atomInputs(c: AtomCase) {
  const layout = arenaLayout(c.D, c.F);
  const seed = c.seed ?? 1;
  const w = randomTensors(layout, seed);
  const g = randomTensors(layout, seed + 1);
  const dec = w[DEC]; // reference layout [D, F]: atom j is column j
  for (const [atoms, s] of [
    [c.tiny ?? [], 1e-6 / Math.sqrt(c.D)],
    [c.zero ?? [], 0],
  ] as const)
    for (const j of atoms) for (let d = 0; d < c.D; d++) dec[d * c.F + j] *= s;
  return { layout, w, g };
}

/** Projection and renormalisation of the decoder atoms. */
export async function checkAtoms(ctx: KernelContext, c: AtomCase): Promise<AtomResult> {
  const { device } = ctx;
  const { D, F } = c;
  const { layout, w, g } = atomInputs(c);
  const wImg = arenaImage(layout, w, NaN);
  const gImg = arenaImage(layout, g, NaN);
  const project = await AtomProjection.create(ctx, { D, F, eps: PROJECTION_EPS });
  const renorm = await AtomRenorm.create(ctx, { D, F, eps: RENORM_EPS });
  const params = uploadImage(device, 'SelfCheck.params', layout, wImg);
  const grads = uploadImage(device, 'SelfCheck.grads', layout, gImg);
  const status = createStatusBuffer(device, 'SelfCheck.status');
  if (c.skip)
    device.queue.writeBuffer(
      status,
      0,
      packUniform(STATUS_LAYOUT, { scale: 1, norm: 0, nonFinite: 1, skipped: 0 }),
    );
  try {
    submitPass(device, 'SelfCheck.atoms', (pass) => {
      project.encode(pass, { params: params[DEC], grads: grads[DEC] });
      renorm.encode(pass, { params: params[DEC], status });
    });
    const gGpu = await readImage(device, grads, layout);
    const wGpu = await readImage(device, params, layout);
    const name = `${D}×${F}${c.tiny?.length ? ' tiny' : ''}${c.zero?.length ? ' zero' : ''}`;

    const gRef = Float64Array.from(g[DEC]);
    projectDecoderGrad(Float64Array.from(w[DEC]), gRef, D, F);
    const wRef = Float64Array.from(w[DEC]);
    if (!c.skip) normalizeDecoderColumns(wRef, D, F, RENORM_EPS);

    // One thread sums each atom in blocks of 32 products, then the ⌈D/32⌉ block sums: a dot
    // product errs by about (32 + ⌈D/32⌉)·ε relative to Σ|g_d w_d| ≤ ‖g_j‖‖w_j‖, and the removed
    // part c·w_d inherits that bound scaled by |w_d|/‖w_j‖ ≤ 1. Margin ×2 plus a few roundings.
    let gNorm = 0;
    for (let j = 0; j < F; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += g[DEC][d * F + j] ** 2;
      gNorm = Math.max(gNorm, Math.sqrt(s));
    }
    const depth = Math.min(D, 32) + Math.ceil(D / 32) + 4;
    const projTol = { atol: 2 * depth * EPS32 * gNorm, rtol: 4 * EPS32 };
    // w_d/(‖w‖+ε): relative error ≲ (depth + 3)·ε per element.
    const renormTol = { atol: 1e-30, rtol: 2 * depth * EPS32 };
    const results = [
      check(`projection ${name}`, tensorsOf(layout, gGpu)[DEC], gRef, projTol),
      check(
        `renorm ${name}${c.skip ? ' (skipped)' : ''}`,
        tensorsOf(layout, wGpu)[DEC],
        wRef,
        renormTol,
      ),
    ];
    const changedOutside =
      bitDiffsOutside(layout, gGpu, gImg, [DEC]) + bitDiffsOutside(layout, wGpu, wImg, [DEC]);
    const e = layout.entries[DEC];
    const changedWhenSkipped = c.skip ? bitDiffs(wGpu, wImg, e.offset, e.offset + e.size) : 0;
    return { results, changedOutside, changedWhenSkipped };
  } finally {
    for (const set of [params, grads]) destroySet(set);
    status.destroy();
    project.destroy();
    renorm.destroy();
  }
}

export interface GradNormCase {
  D: number;
  F: number;
  seed?: number;
  /** Gradient magnitude (normal values times this). */
  scale: number;
  /** Tensors with a gradient (default all); the others are filled with NaN, as is padding. */
  hasGrad?: ParamName[];
  zero?: boolean;
  /** Put a NaN (or ±Inf) into this tensor's gradient. */
  poison?: { name: ParamName; value: number };
  /** A loss value checked for finiteness. */
  loss?: number;
}

export interface GradNormResult {
  results: CheckResult[];
  /** The clip coefficient the GPU wrote. */
  scale: number;
  nonFinite: boolean;
  expectedNonFinite: boolean;
  steps: number[];
  expectedSteps: number[];
  skipped: number;
  expectedSkipped: number;
}

/** Global norm, clip scale, non-finite flag and step counts after the two-stage reduction. */
export async function checkGradNorm(ctx: KernelContext, c: GradNormCase): Promise<GradNormResult> {
  const { device } = ctx;
  const layout = arenaLayout(c.D, c.F);
  const hasGrad = c.hasGrad ?? [...PARAM_NAMES];
  const g = randomTensors(layout, c.seed ?? 3, c.zero ? 0 : c.scale);
  for (const n of PARAM_NAMES) if (!hasGrad.includes(n)) g[n].fill(NaN);
  if (c.poison) g[c.poison.name][Math.floor(g[c.poison.name].length / 2)] = c.poison.value;
  const segments = tensorSegments(layout);
  const stepsBefore = PARAM_NAMES.map((_, i) => i * 3);
  const kernel = await GradNorm.create(ctx, { segments, maxNorm: CLIP_NORM });
  kernel.setStep(gradMask(hasGrad), c.loss === undefined ? undefined : 1);
  const grads = uploadImage(device, 'SelfCheck.grads', layout, arenaImage(layout, g, NaN));
  const segBuf = upload(device, 'SelfCheck.segments', packSegments(segments, stepsBefore));
  const status = createStatusBuffer(device, 'SelfCheck.status');
  device.queue.writeBuffer(
    status,
    0,
    packUniform(STATUS_LAYOUT, { scale: 0, norm: 0, nonFinite: 0, skipped: 2 }),
  );
  const loss = upload(device, 'SelfCheck.loss', Float32Array.from([7, c.loss ?? 0, 7, 7]));
  try {
    submitPass(device, 'SelfCheck.gradNorm', (pass) =>
      kernel.encode(pass, { grads: tensorList(grads), segments: segBuf, status, loss }),
    );
    const st = decodeStatus(await readbackBytes(device, status, STATUS_LAYOUT.size));
    const steps = unpackSegmentSteps(await readbackBytes(device, segBuf), segments.length);

    let finite = c.loss === undefined || Number.isFinite(Math.fround(c.loss));
    for (const name of hasGrad) if (!g[name].every(Number.isFinite)) finite = false;
    const results: CheckResult[] = [];
    if (finite) {
      const ref: ParamGrads = {};
      for (const name of hasGrad) ref[name] = Float64Array.from(g[name]);
      const norm = clipGradNorm(ref, CLIP_NORM); // scales `ref` in place
      const flat = (f: (name: ParamName) => ArrayLike<number>) =>
        hasGrad.flatMap((name) => Array.from(f(name)));
      const n = flat((name) => g[name]).length;
      // A sum of n positive terms along a path of depth ≤ ⌈n/(NP·256)⌉ + NP + 30 (terms per
      // lane, NP = the kernel's numPartials lanes per finalize thread, two fan-in-16 tree levels)
      // errs by depth·ε relative; the norm halves that, the clip coefficient adds two roundings.
      // Margin ×2.
      const np = kernel.numPartials;
      const depth = Math.ceil(n / (np * 256)) + np + 30;
      const tol = { atol: 1e-300, rtol: 2 * depth * EPS32 };
      const name = `${c.D}×${c.F} scale ${c.zero ? 0 : c.scale} ${hasGrad.length}/${PARAM_NAMES.length} tensors`;
      results.push(check(`norm ${name}`, [st.norm], [norm], tol));
      // The coefficient as Adam applies it: scale·g vs the reference's clipped gradients.
      const scaled = flat((name) => Float64Array.from(g[name], (x) => x * st.scale));
      results.push(
        check(
          `clipped ${name}`,
          scaled,
          flat((name) => ref[name]!),
          tol,
        ),
      );
    }
    const expectedSteps = stepsBefore.map((s, i) =>
      finite && hasGrad.includes(PARAM_NAMES[i]) ? s + 1 : s,
    );
    return {
      results,
      scale: st.scale,
      nonFinite: st.nonFinite,
      expectedNonFinite: !finite,
      steps,
      expectedSteps,
      skipped: st.skipped,
      expectedSkipped: finite ? 2 : 3,
    };
  } finally {
    destroySet(grads);
    for (const b of [segBuf, status, loss]) b.destroy();
    kernel.destroy();
  }
}
