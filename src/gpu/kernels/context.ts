/** What every kernel host class needs: the device, the shared pipeline cache, a dummy buffer. */
import { PipelineCache } from '../pipelines';

export interface KernelContext {
  device: GPUDevice;
  pipelines: PipelineCache;
  /** A 16-byte storage buffer bound where a kernel's optional input is absent. */
  empty: GPUBuffer;
}

export function createKernelContext(device: GPUDevice): KernelContext {
  return {
    device,
    pipelines: new PipelineCache(device),
    empty: device.createBuffer({
      label: 'KernelContext.empty',
      size: 16,
      usage: GPUBufferUsage.STORAGE,
    }),
  };
}

/** Splits a 1-D workgroup count over x and y so that neither exceeds the 65535 per-dimension limit. */
export function dispatch2d(workgroups: number, maxPerDim = 65535): [number, number] {
  if (workgroups <= maxPerDim) return [Math.max(1, workgroups), 1];
  const y = Math.ceil(workgroups / maxPerDim);
  return [Math.ceil(workgroups / y), y];
}

/**
 * Remembers the bind group of the last set of buffers, so a kernel encoded repeatedly on the same
 * buffers (the training loop) creates it once.
 */
export class BindGroupCache {
  private lastKey: readonly GPUBuffer[] = [];
  private last?: GPUBindGroup;

  /**
   * @param bindings binding numbers of `buffers` (default 0, 1, 2, …), for entry points whose
   *   auto layout skips bindings they do not use.
   */
  get(
    device: GPUDevice,
    label: string,
    layout: GPUBindGroupLayout,
    buffers: readonly GPUBuffer[],
    bindings?: readonly number[],
  ): GPUBindGroup {
    const same =
      this.last &&
      buffers.length === this.lastKey.length &&
      buffers.every((b, i) => b === this.lastKey[i]);
    if (same && this.last) return this.last;
    this.last = device.createBindGroup({
      label,
      layout,
      entries: buffers.map((buffer, i) => ({ binding: bindings?.[i] ?? i, resource: { buffer } })),
    });
    this.lastKey = [...buffers];
    return this.last;
  }
}

/** Sets a pipeline and its bind group 0 and dispatches the grid. */
export function dispatch(
  pass: GPUComputePassEncoder,
  pipeline: GPUComputePipeline,
  bindGroup: GPUBindGroup,
  grid: readonly [number, number] | readonly [number, number, number],
): void {
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(grid[0], grid[1], grid[2] ?? 1);
}

/** Encodes `work` into one labelled compute pass and submits it. */
export function submitPass(
  device: GPUDevice,
  label: string,
  work: (pass: GPUComputePassEncoder) => void,
): void {
  const encoder = device.createCommandEncoder({ label: `${label}.encoder` });
  const pass = encoder.beginComputePass({ label: `${label}.pass` });
  work(pass);
  pass.end();
  device.queue.submit([encoder.finish()]);
}
