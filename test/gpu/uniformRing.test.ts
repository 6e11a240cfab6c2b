import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIFORM_SLOT_BYTES, UniformRing } from '../../src/gpu/uniformRing';
import { parseUniformLayout } from '../../src/gpu/uniforms';

/** The few device calls UniformRing makes, recorded. */
function fakeDevice() {
  const writes: { offset: number; data: ArrayBuffer }[] = [];
  const buffer = { destroy() {} } as unknown as GPUBuffer;
  const device = {
    createBuffer: (d: GPUBufferDescriptor) => Object.assign(buffer, { size: d.size }),
    queue: {
      writeBuffer: (_b: GPUBuffer, offset: number, data: ArrayBuffer) =>
        writes.push({ offset, data }),
    },
  } as unknown as GPUDevice;
  return { device, writes, buffer };
}

describe('UniformRing', () => {
  const g = globalThis as { GPUBufferUsage?: unknown };
  const had = 'GPUBufferUsage' in g;
  beforeAll(() => {
    if (!had) g.GPUBufferUsage = { UNIFORM: 0x40, COPY_DST: 0x8 };
  });
  afterAll(() => {
    if (!had) delete g.GPUBufferUsage;
  });

  it('gives each push its own 256-byte slot and wraps after `slots` pushes', () => {
    const { device, writes, buffer } = fakeDevice();
    const layout = parseUniformLayout('struct P { B: u32, rowOffset: u32 }', 'P');
    const ring = new UniformRing(device, layout, 'Test.params', 3);
    expect(buffer.size).toBe(3 * UNIFORM_SLOT_BYTES);
    const slots = [0, 1, 2, 3].map((i) => ring.push({ B: 10 + i, rowOffset: 100 * i }));
    expect(slots).toEqual([0, 1, 2, 0]);
    expect(writes.map((w) => w.offset)).toEqual([0, 256, 512, 0]);
    expect([...new Uint32Array(writes[2].data, 0, 2)]).toEqual([12, 200]);
    expect(ring.binding(2)).toEqual({ buffer, offset: 512, size: 16 });
  });
});
