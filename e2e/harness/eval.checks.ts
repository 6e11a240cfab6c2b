// The evaluation accumulator run over batches sent from the test; the test computes the float64
// reference in Node (src/reference/eval.ts) and compares. Arrays cross the page as number arrays.
import { createBuffer, readbackF32, readbackU32, upload } from '../../src/gpu/buffers';
import { submitPass } from '../../src/gpu/kernels/context';
import { unpackArena } from '../../src/sae/arena';
import { SaeBuffers } from '../../src/sae/buffers';
import { EvalAccumulator, type EvalSummary } from '../../src/sae/eval';
import { SaeForward, type GpuForwardMode } from '../../src/sae/forward';
import { uploadTensors } from '../../src/sae/paramBuffers';
import type { HarnessCheck } from './env';
import type { ModelPassArg } from './model.checks';

export interface EvalBatchArg {
  B: number;
  rowOffset: number;
  f: number[];
  xn: number[];
  xHat: number[];
  /** k̂ [B] (SoftSAE); omitted for TopK-like runs. */
  kHat?: number[];
}

export interface EvalRunArg {
  F: number;
  D: number;
  bins: number;
  topN: number;
  batches: EvalBatchArg[];
  /** Histogram range: per-feature hi set by the host before the pass, or a second pass. */
  range: { hi: number[] } | 'fromMax' | 'none';
  /** Encode every batch into one pass and one submit (distinct buffers per batch). */
  oneSubmit?: boolean;
  /** Fold these batches in first, then reset: the result must not remember them. */
  before?: EvalBatchArg[];
  /** Also read the summary after this many batches (a live view). */
  readAfter?: number;
}

/** The summary with its typed arrays as plain arrays. */
export type PlainSummary = {
  [K in keyof EvalSummary]: EvalSummary[K] extends ArrayLike<number> ? number[] : EvalSummary[K];
};

export interface EvalRunResult {
  summary: PlainSummary;
  partial?: PlainSummary;
  /** L0 and cos(xn, x̂) per row of every batch, as written to the caller's buffers. */
  l0: number[][];
  cosine: number[][];
}

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

function plain(s: EvalSummary): PlainSummary {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s))
    out[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  return out as PlainSummary;
}

export const checks: Record<string, HarnessCheck> = {
  async evalRun(env, a: EvalRunArg): Promise<EvalRunResult> {
    const dev = env.gpu.device;
    const acc = await EvalAccumulator.create(
      env.ctx,
      { F: a.F, D: a.D, bins: a.bins, topN: a.topN },
      'Harness.eval',
    );
    const all = [...(a.before ?? []), ...a.batches];
    const maxB = Math.max(1, ...all.map((b) => b.B));
    const bufs: GPUBuffer[] = [];
    const alloc = (label: string, n: number) => {
      const b = createBuffer(dev, `Harness.eval.${label}`, n * 4);
      bufs.push(b);
      return b;
    };
    // The workspace of a batch: shared by every batch unless they go into one submit.
    const workspace = () => ({
      f: alloc('f', maxB * a.F),
      xn: alloc('xn', maxB * a.D),
      xHat: alloc('xHat', maxB * a.D),
      kHat: alloc('kHat', maxB),
      l0: alloc('l0', maxB),
      cosine: alloc('cosine', maxB),
    });
    const shared = workspace();
    const load = (b: EvalBatchArg, ws = shared) => {
      upload(dev, ws.f, Float32Array.from(b.f));
      upload(dev, ws.xn, Float32Array.from(b.xn));
      upload(dev, ws.xHat, Float32Array.from(b.xHat));
      if (b.kHat) upload(dev, ws.kHat, Float32Array.from(b.kHat));
      return { ...ws, kHat: b.kHat ? ws.kHat : undefined, rowOffset: b.rowOffset, B: b.B };
    };
    const l0: number[][] = [];
    const cosine: number[][] = [];
    const keepRows = async (ws: { l0: GPUBuffer; cosine: GPUBuffer }, B: number) => {
      l0.push([...(await readbackU32(dev, ws.l0, B))]);
      cosine.push([...(await readbackF32(dev, ws.cosine, B))]);
    };
    const fold = async (b: EvalBatchArg, keep: boolean) => {
      const batch = load(b);
      submitPass(dev, 'Harness.eval', (pass) => acc.encodeBatch(pass, batch));
      if (keep) await keepRows(shared, b.B);
    };

    for (const b of a.before ?? []) await fold(b, false);
    if (a.before) acc.reset();
    if (typeof a.range === 'object') acc.setHistogramRange(a.range.hi);

    let partial: PlainSummary | undefined;
    if (a.oneSubmit) {
      const loaded = a.batches.map((b) => load(b, workspace()));
      submitPass(dev, 'Harness.eval', (pass) => {
        for (const b of loaded) acc.encodeBatch(pass, b);
      });
      for (let i = 0; i < loaded.length; i++) await keepRows(loaded[i], a.batches[i].B);
    } else {
      for (let i = 0; i < a.batches.length; i++) {
        if (i === a.readAfter) partial = plain(await acc.read());
        await fold(a.batches[i], true);
      }
    }
    if (a.range === 'fromMax') {
      submitPass(dev, 'Harness.eval.range', (pass) => acc.encodeRangeFromMax(pass));
      for (const b of a.batches) {
        const batch = load(b);
        submitPass(dev, 'Harness.eval.hist', (pass) => acc.encodeHistogram(pass, batch));
      }
    }
    const summary = plain(await acc.read());
    acc.destroy();
    bufs.forEach((b) => b.destroy());
    return { summary, partial, l0, cosine };
  },

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
      return { summary: plain(await acc.read()), batches };
    } finally {
      acc.destroy();
      fwd.destroy();
      bufs.destroy();
      l0.destroy();
      cosine.destroy();
    }
  },
};
