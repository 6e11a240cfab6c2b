/**
 * GEMM benchmark: our kernel vs TensorFlow.js WebGPU `tf.matMul`, on the same device, the same
 * inputs and the same clock (submit → onSubmittedWorkDone), interleaved per shape so both see the
 * same machine state. Also checks that the two agree numerically.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { createBuffer, createBufferFrom, readbackF32 } from '../src/gpu/buffers';
import type { GpuContext } from '../src/gpu/device';
import { createKernelContext, submitPass } from '../src/gpu/kernels/context';
import { Gemm, type GemmLayout, type GemmTiles } from '../src/gpu/kernels/gemm';
import { randomFloat32 } from '../src/reference/random';
import { median } from './stats';

export interface GemmBenchRow {
  rows: number;
  D: number;
  F: number;
  layout: GemmLayout;
  M: number;
  N: number;
  K: number;
  oursMs: number;
  tfjsMs: number;
  oursGflops: number;
  tfjsGflops: number;
  ratio: number;
  maxAbsDiff: number;
}

/** (M, N, K) of each layout for an SAE shape: forward (nn, nt) and weight gradient (tn). */
export function layoutDims(layout: GemmLayout, rows: number, D: number, F: number) {
  // nn: h = x[rows,D] · W[D,F];  nt: h = x[rows,D] · W_enc[F,D]ᵀ;  tn: ∂W[D,F] = xᵀ · ∂h[rows,F]
  if (layout === 'tn') return { M: D, N: F, K: rows };
  return { M: rows, N: F, K: D };
}

export async function setupTf(gpu: GpuContext): Promise<WebGPUBackend> {
  const backend = new WebGPUBackend(gpu.device);
  // Kernels are registered under the name 'webgpu': replace that backend's factory with one that
  // wraps our device, so both implementations share one queue and one clock.
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend);
  await tf.setBackend('webgpu');
  await tf.ready();
  return backend;
}

export async function benchGemm(
  gpu: GpuContext,
  shapes: [number, number, number][],
  opts: { reps: number; warmup: number; tiles?: GemmTiles; log: (s: string) => void },
): Promise<GemmBenchRow[]> {
  const { device } = gpu;
  const ctx = createKernelContext(device);
  const backend = await setupTf(gpu);
  const rowsOut: GemmBenchRow[] = [];
  const wallTime = async (run: () => void) => {
    const t0 = performance.now();
    run();
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };

  for (const [rows, D, F] of shapes) {
    for (const layout of ['nn', 'nt', 'tn'] as GemmLayout[]) {
      const { M, N, K } = layoutDims(layout, rows, D, F);
      const a = randomFloat32(M * K, 1);
      const b = randomFloat32(K * N, 2);
      const gemm = await Gemm.create(ctx, {
        layout,
        M,
        N,
        K,
        tiles: opts.tiles,
        label: 'Bench.gemm',
      });
      const bufs = {
        a: createBufferFrom(device, 'Bench.a', a),
        b: createBufferFrom(device, 'Bench.b', b),
        c: createBuffer(device, 'Bench.c', M * N * 4),
      };
      // TF.js tensors with the same stored layouts as ours.
      const ta = layout === 'tn' ? tf.tensor2d(a, [K, M]) : tf.tensor2d(a, [M, K]);
      const tb = layout === 'nt' ? tf.tensor2d(b, [N, K]) : tf.tensor2d(b, [K, N]);

      const runOurs = () => submitPass(device, 'Bench.gemm', (pass) => gemm.encode(pass, bufs));
      let last: tf.Tensor | undefined;
      const runTf = () => {
        last?.dispose();
        last = tf.matMul(ta, tb, layout === 'tn', layout === 'nt');
        // TF.js batches dispatches in an open pass: close it and submit, as its own readback does.
        backend.ensureCommandEncoderReady();
        backend.endComputePassEncoder();
        backend.submitQueue();
      };

      const ours: number[] = [];
      const theirs: number[] = [];
      for (let i = 0; i < opts.warmup + opts.reps; i++) {
        const o = await wallTime(runOurs);
        const t = await wallTime(runTf);
        if (i >= opts.warmup) {
          ours.push(o);
          theirs.push(t);
        }
      }
      const got = await readbackF32(device, bufs.c, M * N);
      const want = (await last!.data()) as Float32Array;
      let maxAbsDiff = 0;
      for (let i = 0; i < got.length; i++)
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[i] - want[i]));

      const flops = 2 * M * N * K;
      const oursMs = median(ours);
      const tfjsMs = median(theirs);
      const row: GemmBenchRow = {
        rows,
        D,
        F,
        layout,
        M,
        N,
        K,
        oursMs,
        tfjsMs,
        oursGflops: flops / oursMs / 1e6,
        tfjsGflops: flops / tfjsMs / 1e6,
        ratio: tfjsMs / oursMs,
        maxAbsDiff,
      };
      opts.log(
        `gemm (${rows},${D},${F}) ${layout}: ours ${oursMs.toFixed(2)} ms, tfjs ${tfjsMs.toFixed(2)} ms`,
      );
      rowsOut.push(row);
      last?.dispose();
      ta.dispose();
      tb.dispose();
      gemm.destroy();
      for (const buf of Object.values(bufs)) buf.destroy();
    }
  }
  return rowsOut;
}
