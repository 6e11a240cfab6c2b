/**
 * The paper's second claim (spec §7): at equal mean L0, SoftSAE reconstructs at least as well as
 * TopK. Runs of different sparsity are not comparable (FVU falls as L0 grows), so each SoftSAE
 * run is paired with the TopK run on the same data whose mean L0 is closest, and the pair counts
 * as matched only when TopK keeps k = round(SoftSAE's mean L0) features (TopK's L0 is exactly k
 * on every input that has k positive pre-activations), i.e. |ΔL0| ≤ 0.5.
 */
import type { RunSummary } from '../../store/runsSlice';

export interface EqualL0Pair {
  soft: RunSummary;
  /** The closest TopK run by mean L0 on the same data (null: none trained yet). */
  topk: RunSummary | null;
  /** k of a TopK run at this SoftSAE's L0: round(mean L0), at least 1. */
  matchingK: number;
  /** |mean L0 difference| ≤ 0.5, so the FVUs compare like for like. */
  matched: boolean;
  /** SoftSAE's FVU ≤ TopK's (null without a matched TopK run). */
  softWins: boolean | null;
}

/** Pairs every SoftSAE run on `datasetId` with its nearest TopK run by mean L0. */
export function equalL0Pairs(runs: readonly RunSummary[], datasetId: string | null): EqualL0Pair[] {
  const here = runs.filter((r) => r.datasetId === datasetId);
  const topks = here.filter((r) => r.arch === 'topk');
  return here
    .filter((r) => r.arch === 'softsae')
    .map((soft) => {
      let topk: RunSummary | null = null;
      for (const t of topks)
        if (!topk || Math.abs(t.meanL0 - soft.meanL0) < Math.abs(topk.meanL0 - soft.meanL0))
          topk = t;
      const matched = topk !== null && Math.abs(topk.meanL0 - soft.meanL0) <= 0.5;
      return {
        soft,
        topk,
        matchingK: Math.max(1, Math.round(soft.meanL0)),
        matched,
        softWins: matched ? soft.fvu <= topk!.fvu : null,
      };
    });
}
