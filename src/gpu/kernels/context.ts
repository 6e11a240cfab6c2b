/** What every kernel host class needs: the device, the shared pipeline cache, dummy buffers. */
import { PipelineCache } from '../pipelines';

export interface KernelContext {
  device: GPUDevice;
  pipelines: PipelineCache;
  /** A 16-byte storage buffer bound where a kernel's optional input is absent. */
  empty: GPUBuffer;
  /** A 16-byte storage buffer bound read-write where a kernel's optional output is absent. */
  scratch: GPUBuffer;
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
    scratch: device.createBuffer({
      label: 'KernelContext.scratch',
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

/** A whole buffer, or a range of one. */
export type Buf = GPUBuffer | GPUBufferBinding;

function sameBinding(a: Buf, b: Buf): boolean {
  if (a === b) return true;
  if (a instanceof GPUBuffer || b instanceof GPUBuffer) return false;
  return a.buffer === b.buffer && a.offset === b.offset && a.size === b.size;
}

/**
 * Remembers the bind group of the last set of buffers, so a kernel encoded repeatedly on the same
 * buffers (the training loop) creates it once.
 */
export class BindGroupCache {
  private lastKey: readonly Buf[] = [];
  private last?: GPUBindGroup;

  /**
   * @param bindings binding numbers of `buffers` (default 0, 1, 2, …), for entry points that use
   *                 only some of their module's bindings
   */
  get(
    device: GPUDevice,
    label: string,
    layout: GPUBindGroupLayout,
    buffers: readonly Buf[],
    bindings?: readonly number[],
  ): GPUBindGroup {
    const same =
      this.last &&
      buffers.length === this.lastKey.length &&
      buffers.every((b, i) => sameBinding(b, this.lastKey[i]));
    if (same && this.last) return this.last;
    this.last = device.createBindGroup({
      label,
      layout,
      entries: buffers.map((b, i) => ({
        binding: bindings ? bindings[i] : i,
        resource: b instanceof GPUBuffer ? { buffer: b } : b,
      })),
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
  const g: [number, number, number] = [grid[0], grid[1], grid[2] ?? 1];
  const slot = gateScope?.(g);
  if (slot) pass.dispatchWorkgroupsIndirect(slot.buffer, slot.offset);
  else pass.dispatchWorkgroups(...g);
}

/** Where a gated dispatch reads its indirect arguments. */
export interface IndirectSlot {
  buffer: GPUBuffer;
  offset: number;
}

/** Set while {@link withDispatchGate} runs: turns each dispatch's grid into an indirect slot. */
let gateScope: ((grid: [number, number, number]) => IndirectSlot) | null = null;

/**
 * Runs `encode` with every dispatch it makes (through {@link dispatch}) made indirect, its
 * arguments taken from the slot that `slotFor` returns for its grid (see gpu/kernels/gate.ts).
 * Kernels need no change to be gated.
 */
export function withDispatchGate(
  slotFor: (grid: [number, number, number]) => IndirectSlot,
  encode: () => void,
): void {
  if (gateScope) throw new Error('withDispatchGate: gates do not nest');
  gateScope = slotFor;
  try {
    encode();
  } finally {
    gateScope = null;
  }
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
