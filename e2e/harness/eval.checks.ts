// The evaluation accumulator run over batches sent from the test; the test computes the float64
// reference in Node (src/reference/eval.ts) and compares. Arrays cross the page as number arrays.
// The batch runner lives in src/selfcheck/evalKernels.ts (the app's self-check uses it too).
import { createBuffer, readbackF32, readbackU32, upload } from '../../src/gpu/buffers';
import { submitPass } from '../../src/gpu/kernels/context';
import { unpackArena } from '../../src/sae/arena';
import { SaeBuffers } from '../../src/sae/buffers';
import { EvalAccumulator } from '../../src/sae/eval';
import { SaeForward, type GpuForwardMode } from '../../src/sae/forward';
import { uploadTensors } from '../../src/sae/paramBuffers';
import {
  plainSummary,
  runEval,
  type EvalBatchArg,
  type EvalRunArg,
  type PlainSummary,
} from '../../src/selfcheck/evalKernels';
import type { HarnessCheck } from './env';
import type { ModelPassArg } from './model.checks';

export type {
  EvalBatchArg,
  EvalRunArg,
  EvalRunResult,
  PlainSummary,
} from '../../src/selfcheck/evalKernels';

/** A dataset streamed through the forward pass in workspace-sized batches (the last one short). */
export interface EvalModelArg extends Omit<ModelPassArg, 'B'> {
  /** Workspace rows B; x holds any number of rows. */
  B: number;
  mode: GpuForwardMode;
}

export interface EvalModelResult {
  summary: PlainSummary;
  /** Per batch, the first `rows` rows of the workspace as the evaluation saw them. */
  batches: (EvalBatchArg & { kHat: number[]; l0: number[]; cosine: number[]; l0Hard: number[] })[];
}

export const checks: Record<string, HarnessCheck> = {
  evalRun: ({ ctx }, a: EvalRunArg) => runEval(ctx, a),

  async evalModel(env, a: EvalModelArg): Promise<EvalModelResult> {
    const dev = env.gpu.device;
    const { B, D, F } = a;
    const bufs = new SaeBuffers(dev, D, F, B);
    const fwd = await SaeForward.create(env.ctx, bufs, a);
    const acc = await EvalAccumulator.create(env.ctx, { F, D, bins: 8, topN: 4 }, 'Harness.eval');
    const l0 = createBuffer(dev, 'Harness.eval.l0', B * 4);
    const cosine = createBuffer(dev, 'Harness.eval.cosine', B * 4);
    const ws = bufs.ws;
    const f32 = async (buf: GPUBuffer, n: number) => [...(await readbackF32(dev, buf, n))];
    const u32 = async (buf: GPUBuffer, n: number) => [...(await readbackU32(dev, buf, n))];
    try {
      fwd.setKTarget(a.k, a.kLossWeight);
      const image = unpackArena(bufs.layout, Float32Array.from(a.arena));
      uploadTensors(dev, bufs.tensors.params, bufs.layout, image);
      upload(dev, bufs.shift, Float32Array.from(a.shift));
      const total = a.x.length / D;
      const batches: EvalModelResult['batches'] = [];
      for (let rowOffset = 0; rowOffset < total; rowOffset += B) {
        const rows = Math.min(B, total - rowOffset);
        // Only the first `rows` rows are new; the rest of the workspace holds the last batch.
        upload(dev, ws.x, Float32Array.from(a.x.slice(rowOffset * D, (rowOffset + rows) * D)));
        submitPass(dev, 'Harness.evalModel', (pass) => {
          fwd.encode(pass, a.mode);
          acc.encodeBatch(pass, {
            f: ws.f,
            xn: ws.xn,
            xHat: ws.xHat,
            kHat: ws.kHat,
            rowOffset,
            B: rows,
            l0,
            cosine,
          });
        });
        batches.push({
          B: rows,
          rowOffset,
          f: await f32(ws.f, rows * F),
          xn: await f32(ws.xn, rows * D),
          xHat: await f32(ws.xHat, rows * D),
          kHat: await f32(ws.kHat, rows),
          l0: await u32(l0, rows),
          cosine: await f32(cosine, rows),
          l0Hard: a.mode === 'hard' ? await u32(ws.l0, rows) : [],
        });
      }
      return { summary: plainSummary(await acc.read()), batches };
    } finally {
      acc.destroy();
      fwd.destroy();
      bufs.destroy();
      l0.destroy();
      cosine.destroy();
    }
  },
};
