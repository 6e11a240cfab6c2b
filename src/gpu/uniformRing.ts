/**
 * A ring of uniform slots in one buffer, for kernels whose parameters change between dispatches
 * encoded before the same submit (e.g. one evaluation batch after another, each with its own row
 * count and row offset). `queue.writeBuffer` lands before the next submit, not between encoded
 * commands, so one uniform rewritten per dispatch would leave every dispatch of a command buffer
 * with the last values; each slot here is written once per use and bound at its own offset.
 * Contract: at most `slots` pushes between two submits that use them.
 */
import { packUniform, type UniformLayout } from './uniforms';

/** Uniform-binding offsets must be multiples of minUniformBufferOffsetAlignment (≤ 256). */
export const UNIFORM_SLOT_BYTES = 256;

export class UniformRing {
  readonly buffer: GPUBuffer;
  private next = 0;

  constructor(
    private readonly device: GPUDevice,
    readonly layout: UniformLayout,
    label: string,
    readonly slots = 64,
  ) {
    if (layout.size > UNIFORM_SLOT_BYTES) throw new Error(`${label}: uniform larger than a slot`);
    this.buffer = device.createBuffer({
      label,
      size: slots * UNIFORM_SLOT_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** Writes `values` into the next slot and returns the slot index. */
  push(values: Record<string, number>): number {
    const slot = this.next;
    this.next = (this.next + 1) % this.slots;
    this.device.queue.writeBuffer(
      this.buffer,
      slot * UNIFORM_SLOT_BYTES,
      packUniform(this.layout, values),
    );
    return slot;
  }

  binding(slot: number): GPUBufferBinding {
    return { buffer: this.buffer, offset: slot * UNIFORM_SLOT_BYTES, size: this.layout.size };
  }

  destroy(): void {
    this.buffer.destroy();
  }
}
