/**
 * The largest shape of issue 13, (D, F, batch) = (2304, 16384, 1024): the memory plan and two
 * SoftSAE training steps on random rows, set up as the engine's training run sets them up
 * (src/workers/training.ts: the same limit check, initParams, normalisation and GpuTrainer), once
 * on a device with the adapter's own limits and once on one with WebGPU's default limits (the
 * app's `?limits=default`), where the plan's refusal is what the engine would report.
 */
import { acquireGpu, type GpuContext } from '../src/gpu/device';
import { adapterName } from '../src/store/gpuSlice';
import { createKernelContext } from '../src/gpu/kernels/context';
import { resolveConfig } from '../src/model/config';
import { initParams } from '../src/model/params';
import { randomFloat32 } from '../src/reference/random';
import { normFactorOf } from '../src/sae/batches';
import {
  largestBatch,
  limitProblem,
  planRows,
  trainingMemory,
  trainShapeOf,
  type PlanRow,
} from '../src/sae/memoryPlan';
import { GpuTrainer, type StepMetrics } from '../src/sae/trainer';

export interface LargestOptions {
  D: number;
  F: number;
  B: number;
  steps: number;
  log: (s: string) => void;
}

export interface DevicePlan {
  adapter: string;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  /** The engine's refusal (null: the plan fits). */
  problem: string | null;
  largestBatch: number;
}

export interface LargestReport {
  rows: PlanRow[];
  total: number;
  adapterLimits: DevicePlan;
  defaultLimits: DevicePlan;
  /** Steps on the adapter-limits device (absent when refused). */
  run?: {
    /** GpuTrainer.create: buffers, pipelines, parameter upload (ms). */
    createMs: number;
    /** Per step: host time to encode and submit (step 0 includes the geometric median on the
     *  CPU) and submit → onSubmittedWorkDone wall time. */
    steps: { hostMs: number; totalMs: number }[];
    /** Live GPU buffer bytes by the device's ledger after the trainer was created. */
    ledgerBytes: number;
    ledgerBuffers: number;
    largest: { label: string; bytes: number }[];
    metrics: StepMetrics[];
    gpuErrors: string[];
  };
}

function devicePlan(gpu: GpuContext, shape: ReturnType<typeof trainShapeOf>): DevicePlan {
  const limits = gpu.device.limits;
  return {
    adapter: adapterName(gpu.summary),
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    problem: limitProblem(shape, limits)?.message ?? null,
    largestBatch: largestBatch(shape, limits),
  };
}

export async function benchLargest(o: LargestOptions): Promise<LargestReport> {
  const { D, F, B } = o;
  const config = resolveConfig(
    { arch: 'softsae', dict_size: F, k: 32, k_max: 64, batch_size: B, steps: 10000 },
    D,
  );
  const shape = trainShapeOf(config, D);
  const plan = trainingMemory(shape);
  const report: Partial<LargestReport> = { rows: planRows(plan), total: plan.total };

  // WebGPU's default limits first: only the plan is asked (the engine refuses before allocating).
  const small = await acquireGpu({ label: 'Bench.largestDefaultLimits', defaultLimits: true });
  report.defaultLimits = devicePlan(small, shape);
  small.device.destroy();

  const gpu = await acquireGpu({ label: 'Bench.largestDevice' });
  const gpuErrors: string[] = [];
  gpu.events.on((e) => {
    gpuErrors.push(`${e.type}: ${e.message}`);
    o.log(`GPU ${e.type}: ${e.message}`);
  });
  report.adapterLimits = devicePlan(gpu, shape);
  if (report.adapterLimits.problem) return report as LargestReport;

  o.log(`initialising ${D}×${F} parameters on the CPU …`);
  const rows = Math.max(B * o.steps, 8 * B);
  const x = randomFloat32(rows * D, 11);
  const normFactor = normFactorOf(x, Math.min(rows, 8 * B), D);
  const params = initParams({
    D,
    F,
    k: config.k,
    kMax: config.k_max,
    alpha: config.soft_topk_alpha,
    seed: config.seed,
  }).tensors;
  const metrics: StepMetrics[] = [];
  const ctx = createKernelContext(gpu.device);
  let t0 = performance.now();
  const trainer = await GpuTrainer.create(
    ctx,
    config,
    D,
    params,
    { normFactor, shift: new Float32Array(D) },
    (m) => metrics.push(m),
  );
  await gpu.device.queue.onSubmittedWorkDone();
  const createMs = performance.now() - t0;
  const ledger = gpu.ledger.snapshot(6);
  o.log(`trainer created in ${(createMs / 1000).toFixed(1)} s; ${ledger.bytes} bytes on the GPU`);
  const steps: { hostMs: number; totalMs: number }[] = [];
  try {
    for (let s = 0; s < o.steps; s++) {
      const batch = x.subarray(s * B * D, (s + 1) * B * D);
      t0 = performance.now();
      trainer.trainStep(batch);
      const hostMs = performance.now() - t0;
      await gpu.device.queue.onSubmittedWorkDone();
      steps.push({ hostMs, totalMs: performance.now() - t0 });
      o.log(`step ${s} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    await trainer.flush();
  } finally {
    trainer.destroy();
  }
  report.run = {
    createMs,
    steps,
    ledgerBytes: ledger.bytes,
    ledgerBuffers: ledger.buffers,
    largest: ledger.largest,
    metrics,
    gpuErrors,
  };
  return report as LargestReport;
}
