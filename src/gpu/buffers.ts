/** Buffer creation, upload and readback. Every buffer carries a label naming its owner. */

export const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Rounds a byte size up to WebGPU's 4-byte granularity (and at least 4 bytes). */
export function alignedSize(bytes: number): number {
  return Math.max(4, Math.ceil(bytes / 4) * 4);
}

export function createBuffer(
  device: GPUDevice,
  label: string,
  bytes: number,
  usage: GPUBufferUsageFlags = STORAGE,
): GPUBuffer {
  return device.createBuffer({ label, size: alignedSize(bytes), usage });
}

/** Creates a storage buffer holding `data`. */
export function createBufferFrom(
  device: GPUDevice,
  label: string,
  data: Float32Array | Uint32Array | Int32Array,
  usage: GPUBufferUsageFlags = STORAGE,
): GPUBuffer {
  const buffer = createBuffer(device, label, data.byteLength, usage);
  upload(device, buffer, data);
  return buffer;
}

export function upload(
  device: GPUDevice,
  buffer: GPUBuffer,
  data: Float32Array | Uint32Array | Int32Array,
  byteOffset = 0,
): void {
  if (data.byteLength === 0) return;
  device.queue.writeBuffer(buffer, byteOffset, data.buffer, data.byteOffset, data.byteLength);
}

/** Copies `bytes` from `buffer` into a mappable staging buffer and returns the raw bytes. */
export async function readbackBytes(
  device: GPUDevice,
  buffer: GPUBuffer,
  bytes = buffer.size,
  byteOffset = 0,
): Promise<ArrayBuffer> {
  const size = alignedSize(bytes);
  const staging = device.createBuffer({
    label: `${buffer.label}.readback`,
    size,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  try {
    const encoder = device.createCommandEncoder({ label: `${buffer.label}.readbackEncoder` });
    encoder.copyBufferToBuffer(buffer, byteOffset, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0, bytes);
  } finally {
    staging.destroy();
  }
}

export async function readbackF32(
  device: GPUDevice,
  buffer: GPUBuffer,
  count: number,
  offset = 0,
): Promise<Float32Array> {
  return new Float32Array(await readbackBytes(device, buffer, count * 4, offset * 4));
}

export async function readbackU32(
  device: GPUDevice,
  buffer: GPUBuffer,
  count: number,
  offset = 0,
): Promise<Uint32Array> {
  return new Uint32Array(await readbackBytes(device, buffer, count * 4, offset * 4));
}
