/**
 * Training-step benchmark: one full step (forward, backward, optimizer) of SoftSAE, TopK and
 * BatchTopK on our engine, the same SoftSAE step in plain TensorFlow.js (bench/tfjsSoftsae.ts) on the same
 * device, and one dense rows×D×F GEMM as the unit: a step's "GEMM equivalents" is its time over
 * the GEMM's, a machine-independent cost. Same clock for all (submit → onSubmittedWorkDone).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { createBuffer } from '../src/gpu/buffers';
import type { GpuContext } from '../src/gpu/device';
import { createKernelContext, submitPass } from '../src/gpu/kernels/context';
import { Gemm } from '../src/gpu/kernels/gemm';
import { resolveConfig } from '../src/model/config';
import { initParams } from '../src/model/params';
import { randomFloat32 } from '../src/reference/random';
import { GpuTrainer } from '../src/sae/trainer';
import { setupTf } from './gemm';
import { median } from './stats';
import { createTfSoftSae } from './tfjsSoftsae';

export interface StepBenchRow {
  D: number;
  F: number;
  rows: number;
  gemmMs: number;
  softsaeMs: number;
  topkMs: number;
  batchtopkMs: number;
  /** SoftSAE with the aux-k term active (a dead-feature threshold of one batch). */
  softsaeAuxMs: number;
  tfjsMs: number;
}

export async function benchSteps(
  gpu: GpuContext,
  shapes: [number, number, number][],
  opts: { reps: number; warmup: number; log: (s: string) => void },
): Promise<StepBenchRow[]> {
  const { device } = gpu;
  const ctx = createKernelContext(device);
  const backend: WebGPUBackend = await setupTf(gpu);
  const flushTf = () => {
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.submitQueue();
  };
  const time = async (run: () => void) => {
    const samples: number[] = [];
    for (let i = 0; i < opts.warmup + opts.reps; i++) {
      const t0 = performance.now();
      run();
      await device.queue.onSubmittedWorkDone();
      if (i >= opts.warmup) samples.push(performance.now() - t0);
    }
    return median(samples);
  };
  const out: StepBenchRow[] = [];
  for (const [D, F, rows] of shapes) {
    const k = 32;
    const x = randomFloat32(rows * D, 5);
    const gemm = await Gemm.create(ctx, {
      layout: 'nt',
      M: rows,
      N: F,
      K: D,
      label: 'Bench.stepGemm',
    });
    const bufs = {
      a: createBuffer(device, 'Bench.a', rows * D * 4),
      b: createBuffer(device, 'Bench.b', F * D * 4),
      c: createBuffer(device, 'Bench.c', rows * F * 4),
    };
    const gemmMs = await time(() => submitPass(device, 'Bench.gemm', (p) => gemm.encode(p, bufs)));
    gemm.destroy();
    Object.values(bufs).forEach((b) => b.destroy());

    const stepMs = async (arch: 'softsae' | 'topk' | 'batchtopk', aux = false) => {
      const config = resolveConfig(
        {
          arch,
          dict_size: F,
          k,
          k_max: 2 * k,
          soft_topk_alpha: 0.01,
          steps: 100000,
          batch_size: rows,
          warmup_steps: 10,
          // Default: no feature can be dead for 10M rows, so the aux kernels are not encoded.
          dead_feature_threshold: aux ? rows : undefined,
        },
        D,
      );
      const init = initParams({ D, F, k, kMax: 2 * k, alpha: 0.01, seed: 1 });
      const trainer = await GpuTrainer.create(ctx, config, D, init.tensors, {
        normFactor: 1,
        shift: new Float32Array(D),
      });
      trainer.trainStep(x); // step 0 also computes the b_dec median on the CPU: not timed
      await trainer.flush();
      const ms = await time(() => trainer.trainStep(x));
      await trainer.flush();
      trainer.destroy();
      return ms;
    };
    const softsaeMs = await stepMs('softsae');
    const topkMs = await stepMs('topk');
    const batchtopkMs = await stepMs('batchtopk');
    const softsaeAuxMs = await stepMs('softsae', true);

    const peer = createTfSoftSae(D, F, 2 * k, k, 0.01);
    const tx = tf.tensor2d(x, [rows, D]);
    const tfjsMs = await time(() => {
      peer.step(tx);
      flushTf();
    });
    tx.dispose();
    peer.dispose();
    const row = { D, F, rows, gemmMs, softsaeMs, topkMs, batchtopkMs, softsaeAuxMs, tfjsMs };
    opts.log(`step (D ${D}, F ${F}, rows ${rows}): ${JSON.stringify(row)}`);
    out.push(row);
  }
  return out;
}
