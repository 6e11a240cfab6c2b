/**
 * Feature-page and cross-SAE kernels run on given inputs, returning plain arrays: co-occurrence
 * counts (src/sae/cooccurrence.ts) and best-partner matching (src/sae/decoderMatch.ts). Shared by
 * the Playwright harness (the specs compute the float64 references in Node) and the app's
 * self-check (featureChecks.ts).
 */
import type { KernelContext } from '../gpu/kernels/context';
import { CooccurrenceCounter } from '../sae/cooccurrence';
import { decoderMatch } from '../sae/decoderMatch';

export interface CooccurArg {
  rows: number;
  F: number;
  rowPtr: number[];
  col: number[];
  /** Features to query, one after another on the same uploaded codes. */
  features: number[];
  /** Entries per chunk (small: several chunks); default one storage binding's worth. */
  maxEntries?: number;
}

export interface CooccurOut {
  fire: number[];
  co: number[][];
}

export interface MatchArg {
  decA: number[];
  decB: number[];
  D: number;
  FA: number;
  FB: number;
  rowsPerDispatch?: number;
}

export interface MatchSide {
  partner: number[];
  cosine: number[];
  meanMax: number;
}

/** Fire counts [F] and, per queried feature, its co-occurrence counts [F]. */
export async function runCooccur(ctx: KernelContext, a: CooccurArg): Promise<CooccurOut> {
  const codes = { rows: a.rows, rowPtr: Uint32Array.from(a.rowPtr), col: Uint32Array.from(a.col) };
  const counter = await CooccurrenceCounter.create(ctx, codes, a.F, {
    maxEntries: a.maxEntries,
    label: 'SelfCheck.cooccur',
  });
  try {
    const fire = [...(await counter.fire())];
    const co: number[][] = [];
    for (const j of a.features) co.push([...(await counter.cooccur(j))]);
    return { fire, co };
  } finally {
    counter.destroy();
  }
}

/** Each atom's best partner in the other decoder, both ways. */
export async function runDecoderMatch(
  ctx: KernelContext,
  a: MatchArg,
): Promise<{ aToB: MatchSide; bToA: MatchSide }> {
  const m = await decoderMatch(
    ctx,
    Float32Array.from(a.decA),
    Float32Array.from(a.decB),
    a.D,
    a.FA,
    a.FB,
    { rowsPerDispatch: a.rowsPerDispatch },
  );
  const plain = (s: typeof m.aToB): MatchSide => ({
    partner: [...s.partner],
    cosine: [...s.cosine],
    meanMax: s.meanMax,
  });
  return { aToB: plain(m.aToB), bToA: plain(m.bToA) };
}
