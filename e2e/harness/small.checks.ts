// The small kernels of the SAE step (elementwise maps, batch loss scalars, dead-feature counters)
// run on inputs sent from the test.
import { createBufferFrom, createBuffer, readbackF32, readbackU32 } from '../../src/gpu/buffers';
import { submitPass } from '../../src/gpu/kernels/context';
import { DeadFeatures } from '../../src/gpu/kernels/dead';
import { Elementwise, type ElementwiseOp } from '../../src/gpu/kernels/elementwise';
import { BatchLoss } from '../../src/gpu/kernels/loss';
import type { HarnessCheck } from './env';

export interface ElementwiseArg {
  op: ElementwiseOp;
  x: number[];
  y: number[];
  D: number;
  scale: number;
  /** Initial contents of `out` (maskNonzeroAdd accumulates into it); zeros when absent. */
  out0?: number[];
}

export interface BatchLossArg {
  sqErr: number[];
  kHat: number[] | null;
  k: number;
  kLossWeight: number;
}

export interface DeadArg {
  B: number;
  F: number;
  threshold: number;
  /** Codes of successive batches. */
  batches: number[][];
}

export const checks: Record<string, HarnessCheck> = {
  async elementwise({ gpu, ctx }, a: ElementwiseArg) {
    const dev = gpu.device;
    const k = await Elementwise.create(ctx, a.op, a.x.length, a.D, a.scale, 'Harness.elementwise');
    const x = createBufferFrom(dev, 'Harness.x', Float32Array.from(a.x));
    const y = createBufferFrom(dev, 'Harness.y', Float32Array.from(a.y));
    const out = a.out0
      ? createBufferFrom(dev, 'Harness.out', Float32Array.from(a.out0))
      : createBuffer(dev, 'Harness.out', a.x.length * 4);
    submitPass(dev, 'Harness.elementwise', (p) => k.encode(p, { x, y, out }));
    const r = [...(await readbackF32(dev, out, a.x.length))];
    [x, y, out].forEach((b) => b.destroy());
    k.destroy();
    return r;
  },

  async batchLoss({ gpu, ctx }, a: BatchLossArg) {
    const dev = gpu.device;
    const B = a.sqErr.length;
    const k = await BatchLoss.create(ctx, { B, hasKHat: a.kHat !== null, label: 'Harness.loss' });
    k.setTarget(a.k, a.kLossWeight);
    const sqErr = createBufferFrom(dev, 'Harness.sqErr', Float32Array.from(a.sqErr));
    const kHat = a.kHat
      ? createBufferFrom(dev, 'Harness.kHat', Float32Array.from(a.kHat))
      : undefined;
    const scalars = createBuffer(dev, 'Harness.scalars', 32);
    const kLossGrad = createBuffer(dev, 'Harness.kLossGrad', 4);
    submitPass(dev, 'Harness.loss', (p) => k.encode(p, { sqErr, kHat, scalars, kLossGrad }));
    const r = {
      scalars: [...(await readbackF32(dev, scalars, 6))],
      kLossGrad: (await readbackF32(dev, kLossGrad, 1))[0],
    };
    [sqErr, kHat, scalars, kLossGrad].forEach((b) => b?.destroy());
    k.destroy();
    return r;
  },

  async dead({ gpu, ctx }, a: DeadArg) {
    const dev = gpu.device;
    const k = await DeadFeatures.create(ctx, {
      B: a.B,
      F: a.F,
      threshold: a.threshold,
      label: 'Harness.dead',
    });
    const f = createBuffer(dev, 'Harness.f', a.B * a.F * 4);
    const sinceFired = createBuffer(dev, 'Harness.sinceFired', a.F * 4);
    const dead = createBuffer(dev, 'Harness.dead', a.F * 4);
    const deadCount = createBuffer(dev, 'Harness.deadCount', 4);
    const counts: number[] = [];
    for (const batch of a.batches) {
      dev.queue.writeBuffer(f, 0, Float32Array.from(batch));
      const enc = dev.createCommandEncoder({ label: 'Harness.deadEncoder' });
      enc.clearBuffer(deadCount);
      const pass = enc.beginComputePass({ label: 'Harness.deadPass' });
      k.encode(pass, { f, sinceFired, dead, deadCount });
      pass.end();
      dev.queue.submit([enc.finish()]);
      counts.push((await readbackU32(dev, deadCount, 1))[0]);
    }
    const r = {
      sinceFired: [...(await readbackU32(dev, sinceFired, a.F))],
      dead: [...(await readbackU32(dev, dead, a.F))],
      counts,
    };
    [f, sinceFired, dead, deadCount].forEach((b) => b.destroy());
    k.destroy();
    return r;
  },
};
