/**
 * Development-only handle on the page's session for end-to-end tests (installed when
 * `import.meta.env.DEV`): send engine requests, register datasets and evaluations through the
 * same paths the engine client uses, read a kept model back for an independent reference.
 */
import { useAppStore, type AppState } from '../store';
import type { EngineRequest } from '../workers/protocol';
import type { EvalResult, PostedModel } from '../workers/inspectProtocol';
import { getAnalysis, type RunAnalysis } from './analyses';
import { putDataset, type LoadedDataset } from './datasets';
import { ingestEvalResult } from './ingest';
import { queryModel } from './queries';

export interface SoftsaeTestHook {
  send(r: EngineRequest): void;
  putDataset(ds: LoadedDataset): void;
  ingestEvalResult(r: EvalResult): void;
  getAnalysis(runId: string): RunAnalysis | undefined;
  queryModel(runId: string): Promise<PostedModel>;
  state(): AppState;
}

declare global {
  interface Window {
    __softsae?: SoftsaeTestHook;
  }
}

export function installTestHook(send: (r: EngineRequest) => void): void {
  window.__softsae = {
    send,
    putDataset,
    ingestEvalResult,
    getAnalysis: (id) => getAnalysis(id),
    queryModel,
    state: () => useAppStore.getState(),
  };
}
