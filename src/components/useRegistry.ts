// Views read the page-side registries (src/session/registry.ts) through useSyncExternalStore, so
// a view re-renders when the entry it shows is written, never showing a stale one.
import { useSyncExternalStore } from 'react';
import { analyses, type RunAnalysis } from '../session/analyses';
import { datasets, type LoadedDataset } from '../session/datasets';

export function useDataset(id: string | null | undefined): LoadedDataset | undefined {
  useSyncExternalStore(datasets.subscribe, datasets.snapshot);
  return datasets.get(id);
}

export function useAnalysis(runId: string | null | undefined): RunAnalysis | undefined {
  useSyncExternalStore(analyses.subscribe, analyses.snapshot);
  return analyses.get(runId);
}
