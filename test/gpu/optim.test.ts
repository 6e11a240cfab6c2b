/** CPU-side logic of the optimizer kernels: tables, bit masks, struct layouts, readback ring. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseUniformLayout, packUniform } from '../../src/gpu/uniforms';
import { geometricMedian } from '../../src/model/geometricMedian';
import { ADAM, lrFactor } from '../../src/model/schedules';
import { PARAM_NAMES } from '../../src/model/params';
import { resolveConfig } from '../../src/model/config';
import { createRng } from '../../src/model/rng';
import { arenaLayout } from '../../src/sae/arena';

const shader = (name: string) =>
  readFileSync(new URL(`../../shaders/${name}.wgsl`, import.meta.url), 'utf8');

// The host modules read GPUBufferUsage / GPUMapMode at call time; Node has no WebGPU.
beforeAll(() => {
  Object.assign(globalThis, {
    GPUBufferUsage: { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 },
    GPUMapMode: { READ: 1 },
  });
});

describe('Adam bias-correction table', () => {
  it('holds f32(1 − β₁ᵗ), f32(√(1 − β₂ᵗ)) for t = 1… and ends where both are exactly 1 in f32', async () => {
    const { biasCorrectionTable } = await import('../../src/gpu/kernels/adam');
    const table = biasCorrectionTable(ADAM.beta1, ADAM.beta2);
    const T = table.length / 2;
    // √(1 − β₂ᵗ) ≈ 1 − β₂ᵗ/2 rounds to 1 once β₂ᵗ/2 ≤ 2⁻²⁵ (half an ulp below 1), i.e. from
    // t ≈ 24·ln 2/−ln 0.999 ≈ 16 627; 1 − β₁ᵗ gets there long before.
    expect(T).toBeGreaterThan(16600);
    expect(T).toBeLessThan(16650);
    for (const t of [1, 2, 3, 10, 1000, T]) {
      expect(table[2 * (t - 1)], `t=${t}`).toBe(Math.fround(1 - 0.9 ** t));
      expect(table[2 * (t - 1) + 1], `t=${t}`).toBe(Math.fround(Math.sqrt(1 - 0.999 ** t)));
    }
    expect(table[1]).toBeCloseTo(Math.sqrt(0.001), 8);
    // Past the table the kernel uses (1, 1): exact for every later t (both terms are monotone).
    for (let t = T + 1; t < T + 50_000; t += 997) {
      expect(Math.fround(1 - 0.9 ** t)).toBe(1);
      expect(Math.fround(Math.sqrt(1 - 0.999 ** t))).toBe(1);
    }
  });
});

describe('optimizer struct layouts', () => {
  it('declares OptimStatus and Segment identically in every shader that reads them', () => {
    const status = parseUniformLayout(shader('gradnorm'), 'OptimStatus');
    for (const f of ['adam', 'atoms'])
      expect(parseUniformLayout(shader(f), 'OptimStatus'), f).toEqual(status);
    expect(parseUniformLayout(shader('adam'), 'Segment')).toEqual(
      parseUniformLayout(shader('gradnorm'), 'Segment'),
    );
    expect(status.fields.map((f) => f.name)).toEqual(['scale', 'norm', 'nonFinite', 'skipped']);
  });

  it('packs segments with step counts and reads the counts and the status back', async () => {
    const { packSegments, unpackSegmentSteps, decodeStatus, STATUS_LAYOUT } =
      await import('../../src/gpu/kernels/gradnorm');
    const segs = [{ size: 70 }, { size: 3 }];
    const img = packSegments(segs, [5, 17]);
    // {size, step, pad0, pad1} per segment, 16 bytes each
    expect([...img]).toEqual([70, 5, 0, 0, 3, 17, 0, 0]);
    expect(unpackSegmentSteps(img.buffer as ArrayBuffer, 2)).toEqual([5, 17]);
    const bytes = packUniform(STATUS_LAYOUT, { scale: 0.25, norm: 4, nonFinite: 1, skipped: 3 });
    expect(decodeStatus(bytes)).toEqual({ scale: 0.25, norm: 4, nonFinite: true, skipped: 3 });
  });
});

describe('gradient masks and tensor segments', () => {
  it('sets bit i for PARAM_NAMES[i] and refuses indices outside a u32', async () => {
    const { gradMask } = await import('../../src/sae/optimizer');
    const { segmentMask } = await import('../../src/gpu/kernels/gradnorm');
    expect(gradMask(PARAM_NAMES)).toBe(0xff);
    expect(gradMask(['decoder.weight', 'b_dec'])).toBe(0b1100);
    expect(gradMask([])).toBe(0);
    expect(segmentMask([31])).toBe(0x80000000);
    expect(() => segmentMask([32])).toThrow(/outside/);
    expect(() => segmentMask([-1])).toThrow(/outside/);
  });

  it('lists the tensors in PARAM_NAMES order with their sizes', async () => {
    const { tensorSegments } = await import('../../src/sae/optimizer');
    const segs = tensorSegments(arenaLayout(13, 70));
    // W_enc [70, 13], b_enc [70], W_dec [13, 70], b_dec [13], W₁ [70, 13], b₁ [70], w₂ [70], b₂ [1]
    expect(segs.map((s) => s.size)).toEqual([910, 70, 910, 13, 910, 70, 70, 1]);
  });
});

describe('learning-rate schedule on the host', () => {
  it('is config.lr times the reference lrFactor at every step', async () => {
    const { scheduledLr } = await import('../../src/sae/optimizer');
    const config = resolveConfig({
      dict_size: 64,
      k: 4,
      steps: 100,
      batch_size: 8,
      lr: 3e-3,
      warmup_steps: 10,
      decay_start: 80,
    });
    const got = [0, 5, 10, 79, 80, 90, 99].map((s) => scheduledLr(config, s));
    expect(got).toEqual([0, 5, 10, 79, 80, 90, 99].map((s) => 3e-3 * lrFactor(s, 100, 10, 80)));
    expect(got[1]).toBeCloseTo(1.5e-3, 15);
    expect(got[5]).toBeCloseTo(1.5e-3, 15);
  });
});

describe('b_dec initialisation', () => {
  it('is the reference geometric median of the batch, rounded once to f32', async () => {
    const { decoderBiasInit } = await import('../../src/sae/median');
    const rng = createRng(4);
    const D = 5;
    const x = Float32Array.from({ length: 40 * D }, () => rng.normal() + 3);
    const got = decoderBiasInit(x, D);
    const ref = geometricMedian(Float64Array.from(x), D);
    expect([...got]).toEqual([...ref].map(Math.fround));
    expect(() => decoderBiasInit(x.subarray(0, 7), D)).toThrow(/rows of width/);
  });

  it('writes b_dec into its own buffer, from its start', async () => {
    const { writeDecoderBias } = await import('../../src/sae/median');
    const layout = arenaLayout(3, 70);
    const writes: [unknown, number, number][] = [];
    const device = {
      queue: {
        writeBuffer: (b: unknown, off: number, _d: unknown, _o: number, n: number) =>
          writes.push([b, off, n]),
      },
    } as unknown as GPUDevice;
    const bDec = {} as GPUBuffer;
    writeDecoderBias(device, { b_dec: bDec }, layout, new Float32Array(3));
    expect(writes).toEqual([[bDec, 0, 12]]);
    expect(() => writeDecoderBias(device, { b_dec: bDec }, layout, new Float32Array(4))).toThrow();
  });
});

describe('pipelined status readback ring', () => {
  it('hands out at most `depth` pending reads and frees each one after it is read', async () => {
    const { ReadbackRing } = await import('../../src/gpu/readbackRing');
    const made: { size: number }[] = [];
    const device = {
      createBuffer: ({ size }: { size: number }) => {
        const data = new Uint8Array(size).fill(made.length + 1);
        const b = {
          size,
          mapAsync: async () => undefined,
          getMappedRange: () => data.buffer,
          unmap: () => undefined,
          destroy: () => undefined,
        };
        made.push(b);
        return b;
      },
    } as unknown as GPUDevice;
    const copies: number[] = [];
    const encoder = {
      copyBufferToBuffer: (_s: unknown, _o: number, _d: unknown, _o2: number, n: number) =>
        copies.push(n),
    } as unknown as GPUCommandEncoder;
    const ring = new ReadbackRing(device, 16, 'Test.ring', 2);
    const a = ring.copy(encoder, {} as GPUBuffer);
    const b = ring.copy(encoder, {} as GPUBuffer);
    expect(a && b).toBeTruthy();
    expect(ring.copy(encoder, {} as GPUBuffer)).toBeNull(); // both busy: the step goes unreported
    const bytes = new Uint8Array(await a!.read());
    expect(bytes.length).toBe(16);
    await expect(a!.read()).rejects.toThrow(/twice/);
    expect(ring.copy(encoder, {} as GPUBuffer)).not.toBeNull(); // a's buffer is free again
    expect(copies).toEqual([16, 16, 16]);
  });
});
