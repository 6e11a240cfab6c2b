/**
 * Turns the engine's inspection messages into page state: heavy arrays into the session
 * registries, a small summary into the store.
 */
import { integerCounts } from '../charts/bins';
import { useAppStore } from '../store';
import type { EvalResult, InspectMessage } from '../workers/inspectProtocol';
import { putAnalysis } from './analyses';
import { getDataset, putDataset } from './datasets';

/** Registers an evaluation and selects its run for inspection. */
export function ingestEvalResult(r: EvalResult): void {
  putAnalysis(r);
  const s = useAppStore.getState();
  s.runEvaluated({
    runId: r.runId,
    arch: r.arch,
    config: r.config,
    datasetId: r.datasetId,
    rows: r.rows,
    step: r.step,
    final: r.final,
    fvu: r.fvu,
    meanL0: r.meanL0,
    deadFraction: r.deadFraction,
    l0Hist: integerCounts(r.l0),
    truth: r.truth ? { spearmanKHat: r.truth.spearmanKHat, recovery: r.truth.recovery } : undefined,
  });
  s.selectRun(r.runId);
}

/** Registers a built-in corpus's tokens unless a dataset with that id is already loaded. */
export function ingestDatasetTokens(m: Extract<InspectMessage, { type: 'dataset-tokens' }>): void {
  if (getDataset(m.id)) return;
  const tokens = Array.from(m.wordOfRow, (w) => m.vocabulary[w]);
  putDataset({ id: m.id, name: m.id, rows: m.rows, D: m.D, tokens, seq: m.seq, pos: m.pos });
}
