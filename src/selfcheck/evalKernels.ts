/**
 * The evaluation accumulator (shaders/evalfeature, evaltopn, evaldims, evalrows through
 * src/sae/eval.ts) run over given batches, returning plain arrays. Shared by the Playwright
 * harness (e2e/eval.spec.ts computes the float64 reference in Node) and the app's self-check
 * (evalChecks.ts).
 */
import { createBuffer, readbackF32, readbackU32, upload } from '../gpu/buffers';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { EvalAccumulator, type EvalSummary } from '../sae/eval';

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

export function plainSummary(s: EvalSummary): PlainSummary {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s))
    out[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  return out as PlainSummary;
}

export async function runEval(ctx: KernelContext, a: EvalRunArg): Promise<EvalRunResult> {
  const dev = ctx.device;
  const acc = await EvalAccumulator.create(
    ctx,
    { F: a.F, D: a.D, bins: a.bins, topN: a.topN },
    'SelfCheck.eval',
  );
  const all = [...(a.before ?? []), ...a.batches];
  const maxB = Math.max(1, ...all.map((b) => b.B));
  const bufs: GPUBuffer[] = [];
  const alloc = (label: string, n: number) => {
    const b = createBuffer(dev, `SelfCheck.eval.${label}`, n * 4);
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
    submitPass(dev, 'SelfCheck.eval', (pass) => acc.encodeBatch(pass, batch));
    if (keep) await keepRows(shared, b.B);
  };

  for (const b of a.before ?? []) await fold(b, false);
  if (a.before) acc.reset();
  if (typeof a.range === 'object') acc.setHistogramRange(a.range.hi);

  let partial: PlainSummary | undefined;
  if (a.oneSubmit) {
    const loaded = a.batches.map((b) => load(b, workspace()));
    submitPass(dev, 'SelfCheck.eval', (pass) => {
      for (const b of loaded) acc.encodeBatch(pass, b);
    });
    for (let i = 0; i < loaded.length; i++) await keepRows(loaded[i], a.batches[i].B);
  } else {
    for (let i = 0; i < a.batches.length; i++) {
      if (i === a.readAfter) partial = plainSummary(await acc.read());
      await fold(a.batches[i], true);
    }
  }
  if (a.range === 'fromMax') {
    submitPass(dev, 'SelfCheck.eval.range', (pass) => acc.encodeRangeFromMax(pass));
    for (const b of a.batches) {
      const batch = load(b);
      submitPass(dev, 'SelfCheck.eval.hist', (pass) => acc.encodeHistogram(pass, batch));
    }
  }
  const summary = plainSummary(await acc.read());
  acc.destroy();
  bufs.forEach((b) => b.destroy());
  return { summary, partial, l0, cosine };
}
