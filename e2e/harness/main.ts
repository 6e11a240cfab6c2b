// Test-only page: acquires a device and exposes the kernel checks to Playwright as window.harness.
import { acquireGpu, adapterName, type AdapterSummary } from '../../src/gpu/device';
import { createKernelContext } from '../../src/gpu/kernels/context';
import { Gemm } from '../../src/gpu/kernels/gemm';
import { createBuffer } from '../../src/gpu/buffers';
import { GpuTimer } from '../../src/gpu/timer';
import {
  checkAxpy,
  checkGemm,
  checkReduce,
  type AxpyCase,
  type CheckResult,
  type GemmCase,
  type ReduceCase,
} from '../../src/selfcheck/kernels';

export interface Harness {
  adapter: AdapterSummary;
  adapterName: string;
  deviceFeatures: string[];
  gemm(c: GemmCase): Promise<CheckResult>;
  reduce(c: ReduceCase): Promise<CheckResult>;
  axpy(c: AxpyCase): Promise<CheckResult>;
  errors: string[];
  /** Times one GEMM with the GpuTimer. */
  timeGemm(M: number, N: number, K: number): Promise<{ usesTimestamps: boolean; ms: number }>;
  /** Pipeline cache sizes after creating kernels with equal and different constants. */
  cacheSizes(): Promise<number[]>;
  /** The error raised for a shader that does not compile. */
  compileError(): Promise<{ name: string; message: string }>;
  /** Provokes an uncaptured validation error on a labelled buffer; resolves once it was seen. */
  provokeValidationError(): Promise<string[]>;
}

declare global {
  interface Window {
    harness?: Harness;
    harnessError?: string;
  }
}

async function main(): Promise<void> {
  const gpu = await acquireGpu({ label: 'Harness.device' });
  const ctx = createKernelContext(gpu.device);
  const errors: string[] = [];
  gpu.events.on((e) => errors.push(`${e.type}: ${e.message}`));
  window.harness = {
    adapter: gpu.summary,
    adapterName: adapterName(gpu.summary),
    deviceFeatures: [...gpu.features],
    gemm: (c) => checkGemm(ctx, c),
    reduce: (c) => checkReduce(ctx, c),
    axpy: (c) => checkAxpy(ctx, c),
    errors,
    async timeGemm(M, N, K) {
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
    async cacheSizes() {
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
    async compileError() {
      try {
        await ctx.pipelines.get('Harness.broken', 'fn main( {', 'main');
        return { name: 'none', message: 'compiled' };
      } catch (e) {
        const err = e as Error;
        return { name: err.name, message: err.message };
      }
    },
    async provokeValidationError() {
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
      return errors.slice(before);
    },
  };
  document.getElementById('status')!.textContent = 'ready';
}

main().catch((e: unknown) => {
  window.harnessError = e instanceof Error ? e.message : String(e);
  document.getElementById('status')!.textContent = `error: ${window.harnessError}`;
});
