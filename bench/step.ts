/**
 * Training-step benchmark, on the steps a user's run actually takes: each architecture is trained
 * with the reference recipe (src/components/train/presets.ts, k annealed from D) on structured
 * data (a synthetic lab dataset with ground truth, src/data/synthetic.ts), and two phases are
 * timed:
 *   first  — the first steps from initialisation, while k is still annealed down from D;
 *   steady — steps after `trainSteps` of training, past the annealing.
 * For each timed step the engine's own report says which route its products took (sparse lists
 * or dense GEMMs) and how many codes were active. The unit is one dense rows×D×F GEMM of ours
 * (x·W_encᵀ, the encoder's shape): a step's "GEMM equivalents" is its time over the GEMM's, a
 * machine-independent cost. The same SoftSAE step written plainly in TensorFlow.js
 * (bench/tfjsSoftsae.ts) runs on the same device and clock (submit → onSubmittedWorkDone).
 * With `profile`, one more step of each phase is recorded and its dispatches replayed alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { referenceRecipe } from '../src/components/train/presets';
import { generateLab } from '../src/data/synthetic';
import { createBuffer } from '../src/gpu/buffers';
import type { GpuContext } from '../src/gpu/device';
import { createKernelContext, submitPass, type KernelContext } from '../src/gpu/kernels/context';
import { Gemm } from '../src/gpu/kernels/gemm';
import { SoftTopK, type ThresholdSearch } from '../src/gpu/kernels/softtopk';
import { resolveConfig, type Arch } from '../src/model/config';
import { initParams } from '../src/model/params';
import { GpuTrainer, type StepMetrics } from '../src/sae/trainer';
import { setupTf } from './gemm';
import { profileDispatches, type ProfileRow } from './profile';
import { median } from './stats';
import { createTfSoftSae } from './tfjsSoftsae';

export interface StepBenchOptions {
  shapes: [number, number, number][];
  /**
   * Architectures to run; `softsae:newton` is SoftSAE with the previous soft top-k threshold
   * search (Newton over the whole row) for comparison.
   */
  archs: string[];
  /** Target k (TopK/BatchTopK: kept per row; SoftSAE: the budget of mean k̂; k_max = 2k). */
  k: number;
  /** Length of the recipe's run (its schedule: warm-up 5 %, k annealing 2 %, …). */
  recipeSteps: number;
  /** Steps trained before the steady phase (after step 0 and the first phase). */
  trainSteps: number;
  /** Timed steps per phase. */
  reps: number;
  /** Replays per dispatch when profiling (0: no profile). */
  profileReps: number;
  log: (s: string) => void;
}

/** One phase of one architecture: medians over its timed steps. */
export interface PhaseResult {
  /** Step indices timed. */
  steps: number[];
  ms: number;
  /** Budget k each timed step trained with (annealed). */
  k: number[];
  /** Timed steps whose products ran over the sparse lists (the rest: dense GEMMs). */
  sparseSteps: number;
  /** Median active codes per row (nonzero f) over the timed steps. */
  activePerRow: number;
  /** Median of the steps' mean k̂ (SoftSAE) and loss. */
  kHat: number;
  loss: number;
  profile?: ProfileRow[];
  /**
   * SoftSAE: the soft top-k forward alone on this phase's h and k̂, both threshold searches
   * interleaved (median ms of each).
   */
  search?: Record<ThresholdSearch, number>;
}

export interface ArchResult {
  /** The architecture as asked for (e.g. `softsae:newton`). */
  arch: string;
  first: PhaseResult;
  steady: PhaseResult;
  /** Wall seconds of the untimed training between the phases. */
  trainSeconds: number;
}

export interface StepBenchRow {
  D: number;
  F: number;
  rows: number;
  /** The dense GEMM, measured before and after the steps (median of both sets). */
  gemmMs: number;
  archs: ArchResult[];
  tfjsMs: number;
  config: { k: number; kMax: number; alpha: number; kAnnealSteps: number; lr: number };
}

/** Wall time of each call (submit → done) after `warmup` untimed ones; their median. */
async function wallMedian(device: GPUDevice, run: () => void, warmup: number, reps: number) {
  const samples: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    run();
    await device.queue.onSubmittedWorkDone();
    if (i >= warmup) samples.push(performance.now() - t0);
  }
  return samples;
}

async function gemmSamples(ctx: KernelContext, D: number, F: number, rows: number, reps: number) {
  const { device } = ctx;
  const gemm = await Gemm.create(ctx, { layout: 'nt', M: rows, N: F, K: D, label: 'Bench.gemm' });
  const bufs = {
    a: createBuffer(device, 'Bench.a', rows * D * 4),
    b: createBuffer(device, 'Bench.b', F * D * 4),
    c: createBuffer(device, 'Bench.c', rows * F * 4),
  };
  const run = () => submitPass(device, 'Bench.gemm', (p) => gemm.encode(p, bufs));
  const samples = await wallMedian(device, run, 2, reps);
  gemm.destroy();
  Object.values(bufs).forEach((b) => b.destroy());
  return samples;
}

/** Runs one architecture through both phases on `data` (batches of `rows` rows, cycled). */
async function benchArch(
  ctx: KernelContext,
  variant: string,
  shape: { D: number; F: number; rows: number },
  data: { x: Float32Array; batches: number; normFactor: number },
  opts: StepBenchOptions,
): Promise<{ result: ArchResult; config: StepBenchRow['config'] }> {
  const { device } = ctx;
  const { D, F, rows } = shape;
  const [arch, search] = variant.split(':') as [Arch, ThresholdSearch | undefined];
  const recipe = referenceRecipe(D, data.batches * rows, { steps: opts.recipeSteps, batch: rows });
  const config = resolveConfig(
    { ...recipe, arch, dict_size: F, k: opts.k, k_max: 2 * opts.k, hard_topk_steps: null },
    D,
  );
  const init = initParams({
    D,
    F,
    k: config.k,
    kMax: config.k_max,
    alpha: config.soft_topk_alpha,
    seed: 1,
  });
  const metrics = new Map<number, StepMetrics>();
  const trainer = await GpuTrainer.create(
    ctx,
    config,
    D,
    init.tensors,
    { normFactor: data.normFactor, shift: new Float32Array(D) },
    (m) => metrics.set(m.step, m),
    { thresholdSearch: search },
  );
  const batch = (s: number) => {
    const b = s % data.batches;
    return data.x.subarray(b * rows * D, (b + 1) * rows * D);
  };
  const step = () => trainer.trainStep(batch(trainer.step));
  // Both threshold searches on the buffers the last step left (h, k̂; t and f are overwritten).
  const compareSearches = async () => {
    const w = trainer.bufs.ws;
    const make = (search: ThresholdSearch) =>
      SoftTopK.create(ctx, { B: rows, F, alpha: trainer.alpha, label: `Bench.${search}`, search });
    const kernels = { select: await make('select'), newton: await make('newton') };
    const samples: Record<ThresholdSearch, number[]> = { select: [], newton: [] };
    for (let i = 0; i < 1 + opts.reps; i++)
      for (const search of ['select', 'newton'] as const) {
        const ms = await wallMedian(
          device,
          () =>
            submitPass(device, 'Bench.search', (p) =>
              kernels[search].encodeForward(p, { h: w.h, kHat: w.kHat, t: w.t, f: w.f }),
            ),
          0,
          1,
        );
        if (i > 0) samples[search].push(ms[0]);
      }
    kernels.select.destroy();
    kernels.newton.destroy();
    return { select: median(samples.select), newton: median(samples.newton) };
  };
  const phase = async (): Promise<PhaseResult> => {
    const steps: number[] = [];
    const k: number[] = [];
    const samples: number[] = [];
    for (let i = 0; i < opts.reps; i++) {
      steps.push(trainer.step);
      k.push(trainer.k);
      const t0 = performance.now();
      step();
      await device.queue.onSubmittedWorkDone();
      samples.push(performance.now() - t0);
      await trainer.flush();
    }
    const got = steps.map((s) => metrics.get(s)).filter((m) => m !== undefined);
    const result: PhaseResult = {
      steps,
      ms: median(samples),
      k,
      sparseSteps: got.filter((m) => m.sparse).length,
      activePerRow: median(got.map((m) => m.activeCodes / rows)),
      kHat: median(got.map((m) => m.kMean)),
      loss: median(got.map((m) => m.loss)),
    };
    if (arch === 'softsae') result.search = await compareSearches();
    if (opts.profileReps > 0) {
      result.profile = await profileDispatches(device, step, opts.profileReps);
      await trainer.flush();
    }
    return result;
  };

  step(); // step 0 also computes the b_dec median on the CPU: not timed
  await trainer.flush();
  const first = await phase();
  const t0 = performance.now();
  const until = trainer.step + opts.trainSteps;
  while (trainer.step < until) {
    step();
    // Bounded queue: wait for each step (the app pipelines a few; the total is what it is).
    await device.queue.onSubmittedWorkDone();
  }
  await trainer.flush();
  const trainSeconds = (performance.now() - t0) / 1000;
  const steady = await phase();
  trainer.destroy();
  const summary = `${variant}: first ${first.ms.toFixed(0)} ms (k ${first.k.join(',')}, active/row ${first.activePerRow.toFixed(1)}, sparse ${first.sparseSteps}/${opts.reps}); steady ${steady.ms.toFixed(0)} ms (active/row ${steady.activePerRow.toFixed(1)}, k̂ ${steady.kHat.toFixed(2)}, sparse ${steady.sparseSteps}/${opts.reps}); trained ${opts.trainSteps} steps in ${trainSeconds.toFixed(0)} s`;
  opts.log(summary);
  return {
    result: { arch: variant, first, steady, trainSeconds },
    config: {
      k: config.k,
      kMax: config.k_max,
      alpha: config.soft_topk_alpha,
      kAnnealSteps: config.k_anneal_steps ?? 0,
      lr: config.lr,
    },
  };
}

export async function benchSteps(gpu: GpuContext, opts: StepBenchOptions): Promise<StepBenchRow[]> {
  const { device } = gpu;
  const ctx = createKernelContext(device);
  const backend: WebGPUBackend = await setupTf(gpu);
  const out: StepBenchRow[] = [];
  for (const [D, F, rows] of opts.shapes) {
    // Lab data: 4·D true atoms, 1…12 active per row (mean 6.5), Zipf popularity; 8 batches.
    const batches = 8;
    const lab = generateLab({ seed: 7, D, G: 4 * D, rows: batches * rows });
    let sumSq = 0;
    for (const v of lab.x) sumSq += v * v;
    const data = { x: lab.x, batches, normFactor: Math.sqrt(sumSq / lab.rows) };

    const gemm = await gemmSamples(ctx, D, F, rows, opts.reps);
    const archs: ArchResult[] = [];
    let config: StepBenchRow['config'] | undefined;
    for (const arch of opts.archs) {
      const r = await benchArch(ctx, arch, { D, F, rows }, data, opts);
      archs.push(r.result);
      config = r.config;
    }

    // The peer: the same SoftSAE step in TF.js (dense; bisection for the threshold).
    const peer = createTfSoftSae(D, F, 2 * opts.k, opts.k, config?.alpha ?? 1e-4);
    const tx = tf.tensor2d(lab.x.subarray(0, rows * D), [rows, D]);
    const tfjs = await wallMedian(
      device,
      () => {
        peer.step(tx);
        backend.ensureCommandEncoderReady();
        backend.endComputePassEncoder();
        backend.submitQueue();
      },
      1,
      opts.reps,
    );
    tx.dispose();
    peer.dispose();
    gemm.push(...(await gemmSamples(ctx, D, F, rows, opts.reps)));
    const row: StepBenchRow = {
      D,
      F,
      rows,
      gemmMs: median(gemm),
      archs,
      tfjsMs: median(tfjs),
      config: config!,
    };
    opts.log(
      `steps (D ${D}, F ${F}, rows ${rows}): GEMM ${row.gemmMs.toFixed(1)} ms, TF.js ${row.tfjsMs.toFixed(0)} ms`,
    );
    out.push(row);
  }
  return out;
}
