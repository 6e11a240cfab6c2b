// Co-occurrence counts on the GPU (src/sae/cooccurrence.ts) for CSR codes sent from the test
// (e2e/cooccur.spec.ts), which computes the float64 reference in Node.
import { CooccurrenceCounter } from '../../src/sae/cooccurrence';
import type { HarnessCheck } from './env';

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

export const checks: Record<string, HarnessCheck> = {
  async cooccur(env, a: CooccurArg): Promise<CooccurOut> {
    const codes = {
      rows: a.rows,
      rowPtr: Uint32Array.from(a.rowPtr),
      col: Uint32Array.from(a.col),
    };
    const counter = await CooccurrenceCounter.create(env.ctx, codes, a.F, {
      maxEntries: a.maxEntries,
      label: 'Harness.cooccur',
    });
    try {
      const fire = [...(await counter.fire())];
      const co: number[][] = [];
      for (const j of a.features) co.push([...(await counter.cooccur(j))]);
      return { fire, co };
    } finally {
      counter.destroy();
    }
  },
};
