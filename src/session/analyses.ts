/**
 * Page-side registry of evaluation results by runId: the per-row and per-feature typed arrays the
 * engine transferred in `eval-result`, and per-feature activation columns fetched on demand.
 * Heavy data lives here, never in the zustand store (which keeps only the small run summaries).
 */
import type { EvalResult } from '../workers/inspectProtocol';
import { Registry } from './registry';

export type RunAnalysis = EvalResult;

/** Views read it with `useAnalysis(runId)` (src/components/useRegistry.ts). */
export const analyses = new Registry<RunAnalysis>();
/** Feature activation columns [rows] by `${runId}:${feature}`; a few kept, oldest dropped. */
const featureActs = new Map<string, Float32Array>();
const MAX_FEATURE_COLUMNS = 16;

export function getAnalysis(runId: string | null): RunAnalysis | undefined {
  return analyses.get(runId);
}

export function putAnalysis(a: RunAnalysis): void {
  // A new evaluation of the same run (e.g. after a pause) invalidates its cached columns.
  for (const key of [...featureActs.keys()])
    if (key.startsWith(`${a.runId}:`)) featureActs.delete(key);
  analyses.put(a.runId, a);
}

export function getFeatureActs(runId: string, feature: number): Float32Array | undefined {
  return featureActs.get(`${runId}:${feature}`);
}

export function putFeatureActs(runId: string, feature: number, acts: Float32Array): void {
  featureActs.set(`${runId}:${feature}`, acts);
  while (featureActs.size > MAX_FEATURE_COLUMNS)
    featureActs.delete(featureActs.keys().next().value!);
}

/** Mean activation of feature j over the rows where it fired (0 for a dead feature). */
export function meanActivation(a: RunAnalysis, j: number): number {
  return a.fireCount[j] > 0 ? a.actSum[j] / a.fireCount[j] : 0;
}
