/**
 * Pipelined readback of a few bytes (step scalars for the UI) without stalling the step loop:
 * `copy` encodes a copy into a free staging buffer of a small ring; after the submit, `read()`
 * maps it and frees it again. When every staging buffer is still waiting, `copy` returns null and
 * that step simply goes unreported — the loop never waits for the GPU.
 */

/** A pending readback: call {@link PendingRead.read} once, after submitting the encoder. */
export interface PendingRead {
  read(): Promise<ArrayBuffer>;
}

export class ReadbackRing {
  private readonly free: GPUBuffer[] = [];
  private readonly all: GPUBuffer[] = [];

  constructor(
    device: GPUDevice,
    readonly bytes: number,
    label: string,
    depth = 3,
  ) {
    for (let i = 0; i < depth; i++) {
      const buffer = device.createBuffer({
        label: `${label}.staging${i}`,
        size: Math.max(4, Math.ceil(bytes / 4) * 4),
        usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
      });
      this.free.push(buffer);
      this.all.push(buffer);
    }
  }

  /** Encodes a copy of `src[byteOffset, byteOffset + bytes)`; null when no staging buffer is free. */
  copy(encoder: GPUCommandEncoder, src: GPUBuffer, byteOffset = 0): PendingRead | null {
    const staging = this.free.pop();
    if (!staging) return null;
    encoder.copyBufferToBuffer(src, byteOffset, staging, 0, staging.size);
    let used = false;
    return {
      read: async () => {
        if (used) throw new Error('ReadbackRing: read() called twice');
        used = true;
        try {
          await staging.mapAsync(GPUMapMode.READ);
          const out = staging.getMappedRange().slice(0, this.bytes);
          staging.unmap();
          return out;
        } finally {
          this.free.push(staging);
        }
      },
    };
  }

  destroy(): void {
    for (const b of this.all) b.destroy();
  }
}
