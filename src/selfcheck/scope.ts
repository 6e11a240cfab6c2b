/** Labelled buffers for one check, destroyed together; readbacks as plain number arrays. */
import { createBuffer, createBufferFrom, readbackF32, readbackU32 } from '../gpu/buffers';

type Arr = ArrayLike<number>;

export function scope(device: GPUDevice, prefix = 'SelfCheck') {
  const bufs: GPUBuffer[] = [];
  return {
    from(label: string, data: Arr, u32 = false) {
      const b = createBufferFrom(
        device,
        `${prefix}.${label}`,
        u32 ? Uint32Array.from(data) : Float32Array.from(data),
      );
      bufs.push(b);
      return b;
    },
    /** n floats, at least `min` (a zero-sized binding is invalid). */
    empty(label: string, n: number, min = 1) {
      const b = createBuffer(device, `${prefix}.${label}`, Math.max(n, min) * 4);
      bufs.push(b);
      return b;
    },
    f32: async (b: GPUBuffer, n: number) => [...(await readbackF32(device, b, n))],
    u32: async (b: GPUBuffer, n: number) => [...(await readbackU32(device, b, n))],
    done: () => bufs.forEach((b) => b.destroy()),
  };
}
