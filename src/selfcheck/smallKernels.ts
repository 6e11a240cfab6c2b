/**
 * The small kernels of the SAE step (elementwise maps, batch loss scalars, dead-feature counters)
 * run on given inputs, returning plain arrays. Shared by the Playwright harness (the specs compute
 * the float64 references in Node) and the app's self-check (stepChecks.ts).
 */
import { createBufferFrom, createBuffer, readbackF32, readbackU32 } from '../gpu/buffers';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { DeadFeatures } from '../gpu/kernels/dead';
import { Elementwise, type ElementwiseOp } from '../gpu/kernels/elementwise';
import { BatchLoss } from '../gpu/kernels/loss';

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

export interface DeadOut {
  sinceFired: number[];
  dead: number[];
  /** The dead count after each batch. */
  counts: number[];
}

export async function runElementwise(ctx: KernelContext, a: ElementwiseArg): Promise<number[]> {
  const dev = ctx.device;
  const k = await Elementwise.create(ctx, a.op, a.x.length, a.D, a.scale, 'SelfCheck.elementwise');
  const x = createBufferFrom(dev, 'SelfCheck.x', Float32Array.from(a.x));
  const y = createBufferFrom(dev, 'SelfCheck.y', Float32Array.from(a.y));
  const out = a.out0
    ? createBufferFrom(dev, 'SelfCheck.out', Float32Array.from(a.out0))
    : createBuffer(dev, 'SelfCheck.out', a.x.length * 4);
  try {
    submitPass(dev, 'SelfCheck.elementwise', (p) => k.encode(p, { x, y, out }));
    return [...(await readbackF32(dev, out, a.x.length))];
  } finally {
    [x, y, out].forEach((b) => b.destroy());
    k.destroy();
  }
}

/** The six batch scalars and ∂(k-loss)/∂k̂. */
export async function runBatchLoss(
  ctx: KernelContext,
  a: BatchLossArg,
): Promise<{ scalars: number[]; kLossGrad: number }> {
  const dev = ctx.device;
  const B = a.sqErr.length;
  const k = await BatchLoss.create(ctx, { B, hasKHat: a.kHat !== null, label: 'SelfCheck.loss' });
  k.setTarget(a.k, a.kLossWeight);
  const sqErr = createBufferFrom(dev, 'SelfCheck.sqErr', Float32Array.from(a.sqErr));
  const kHat = a.kHat
    ? createBufferFrom(dev, 'SelfCheck.kHat', Float32Array.from(a.kHat))
    : undefined;
  const scalars = createBuffer(dev, 'SelfCheck.scalars', 32);
  const kLossGrad = createBuffer(dev, 'SelfCheck.kLossGrad', 4);
  try {
    submitPass(dev, 'SelfCheck.loss', (p) => k.encode(p, { sqErr, kHat, scalars, kLossGrad }));
    return {
      scalars: [...(await readbackF32(dev, scalars, 6))],
      kLossGrad: (await readbackF32(dev, kLossGrad, 1))[0],
    };
  } finally {
    [sqErr, kHat, scalars, kLossGrad].forEach((b) => b?.destroy());
    k.destroy();
  }
}

/** The dead-feature counters over successive batches, one submit each. */
export async function runDead(ctx: KernelContext, a: DeadArg): Promise<DeadOut> {
  const dev = ctx.device;
  const k = await DeadFeatures.create(ctx, {
    B: a.B,
    F: a.F,
    threshold: a.threshold,
    label: 'SelfCheck.dead',
  });
  const f = createBuffer(dev, 'SelfCheck.f', a.B * a.F * 4);
  const sinceFired = createBuffer(dev, 'SelfCheck.sinceFired', a.F * 4);
  const dead = createBuffer(dev, 'SelfCheck.dead', a.F * 4);
  const deadCount = createBuffer(dev, 'SelfCheck.deadCount', 4);
  try {
    const counts: number[] = [];
    for (const batch of a.batches) {
      dev.queue.writeBuffer(f, 0, Float32Array.from(batch));
      const enc = dev.createCommandEncoder({ label: 'SelfCheck.deadEncoder' });
      enc.clearBuffer(deadCount);
      const pass = enc.beginComputePass({ label: 'SelfCheck.deadPass' });
      k.encode(pass, { f, sinceFired, dead, deadCount });
      pass.end();
      dev.queue.submit([enc.finish()]);
      counts.push((await readbackU32(dev, deadCount, 1))[0]);
    }
    return {
      sinceFired: [...(await readbackU32(dev, sinceFired, a.F))],
      dead: [...(await readbackU32(dev, dead, a.F))],
      counts,
    };
  } finally {
    [f, sinceFired, dead, deadCount].forEach((b) => b.destroy());
    k.destroy();
  }
}
