// Dense kernels (GEMM, reductions, axpy) and GPU runtime checks.
import { createBuffer } from '../../src/gpu/buffers';
import { Gemm } from '../../src/gpu/kernels/gemm';
import { GpuTimer } from '../../src/gpu/timer';
import {
  checkAxpy,
  checkGemm,
  checkReduce,
  type AxpyCase,
  type GemmCase,
  type ReduceCase,
} from '../../src/selfcheck/kernels';
import type { HarnessCheck, HarnessEnv } from './env';

export const checks: Record<string, HarnessCheck> = {
  gemm: ({ ctx }, c: GemmCase) => checkGemm(ctx, c),
  reduce: ({ ctx }, c: ReduceCase) => checkReduce(ctx, c),
  axpy: ({ ctx }, c: AxpyCase) => checkAxpy(ctx, c),

  /** Times one GEMM with the GpuTimer. */
  async timeGemm({ gpu, ctx }: HarnessEnv, [M, N, K]: [number, number, number]) {
    const timer = new GpuTimer(gpu.device);
    const gemm = await Gemm.create(ctx, { layout: 'nn', M, N, K });
    const bufs = {
      a: createBuffer(gpu.device, 'Harness.a', M * K * 4),
      b: createBuffer(gpu.device, 'Harness.b', K * N * 4),
      c: createBuffer(gpu.device, 'Harness.c', M * N * 4),
    };
    const ms = await timer.time('gemm', (pass) => gemm.encode(pass, bufs));
    timer.destroy();
    gemm.destroy();
    Object.values(bufs).forEach((b) => b.destroy());
    return { usesTimestamps: timer.usesTimestamps, ms };
  },

  /** Pipeline cache sizes after creating kernels with equal and different constants. */
  async cacheSizes({ ctx }: HarnessEnv) {
    const sizes = [ctx.pipelines.size];
    const opts = { layout: 'nt', M: 3, N: 5, K: 7 } as const;
    (await Gemm.create(ctx, opts)).destroy();
    sizes.push(ctx.pipelines.size);
    (await Gemm.create(ctx, opts)).destroy();
    sizes.push(ctx.pipelines.size);
    (await Gemm.create(ctx, { ...opts, relu: true })).destroy();
    sizes.push(ctx.pipelines.size);
    return sizes;
  },

  /** The error raised for a shader that does not compile. */
  async compileError({ ctx }: HarnessEnv) {
    try {
      await ctx.pipelines.get('Harness.broken', 'fn main( {', 'main');
      return { name: 'none', message: 'compiled' };
    } catch (e) {
      const err = e as Error;
      return { name: err.name, message: err.message };
    }
  },

  /** Provokes an uncaptured validation error on a labelled buffer; resolves once it was seen. */
  async provokeValidationError({ gpu, errors }: HarnessEnv) {
    const before = errors.length;
    const buf = gpu.device.createBuffer({
      label: 'Harness.badBuffer',
      size: 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE, // invalid combination
    });
    buf.destroy();
    // Errors are delivered asynchronously; flushing the queue lets Chromium report them.
    for (let i = 0; i < 100 && errors.length === before; i++) {
      await gpu.device.queue.onSubmittedWorkDone();
      await new Promise((r) => setTimeout(r, 20));
    }
    const seen = errors.slice(before);
    errors.length = before; // provoked on purpose: not a failure of later checks
    return seen;
  },
};
