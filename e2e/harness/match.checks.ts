// Cross-SAE feature matching on the GPU (src/sae/decoderMatch.ts) on decoders sent from the
// test; the test computes the float64 reference in Node (src/reference/match.ts).
import { decoderMatch } from '../../src/sae/decoderMatch';
import type { HarnessCheck } from './env';

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

export const checks: Record<string, HarnessCheck> = {
  async decoderMatch(env, a: MatchArg): Promise<{ aToB: MatchSide; bToA: MatchSide }> {
    const m = await decoderMatch(
      env.ctx,
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
  },
};
