// What every harness check receives: the device, the kernel context and the error log.
import type { GpuContext } from '../../src/gpu/device';
import type { KernelContext } from '../../src/gpu/kernels/context';

export interface HarnessEnv {
  gpu: GpuContext;
  ctx: KernelContext;
  /** Uncaptured GPU errors and device loss, as "error: …" / "lost: …" lines. */
  errors: string[];
}

/** A named check, run in the page by `window.harness.run(name, arg)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HarnessCheck = (env: HarnessEnv, arg: any) => Promise<unknown>;
