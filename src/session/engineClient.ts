/**
 * The page's side of the engine worker: starts it, sends requests and turns its messages into
 * store updates. Nothing here touches the GPU.
 */
import { ingestDatasetTokens, ingestEvalResult } from './ingest';
import { resolveQuery } from './queries';
import { useAppStore } from '../store';
import type { EngineMessage, EngineRequest } from '../workers/protocol';

/** The engine's reply to a dataset request. */
export type DatasetLoaded = Extract<EngineMessage, { type: 'dataset-loaded' }>;
type DatasetRequest = Extract<
  EngineRequest,
  { type: 'dataset-load' | 'dataset-stream' | 'dataset-builtin' }
>;

export class EngineClient {
  private readonly worker: Worker;
  /** Dataset requests awaiting their reply, by dataset id. */
  private readonly waiting = new Map<
    string,
    { resolve: (m: DatasetLoaded) => void; reject: (e: Error) => void }
  >();

  constructor() {
    this.worker = new Worker(new URL('../workers/engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'softsae-engine',
    });
    this.worker.onmessage = (ev: MessageEvent<EngineMessage>) => {
      const msg = ev.data;
      if (msg.type === 'dataset-loaded' || msg.type === 'dataset-error') this.settle(msg);
      else route(msg);
    };
    this.worker.onerror = (ev) =>
      useAppStore.getState().setGpuUnavailable(`The engine worker failed to start: ${ev.message}`);
  }

  /** Posts a request; `transfer` hands buffers over (e.g. a dataset's rows) without a copy. */
  send(request: EngineRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(request, transfer);
  }

  /**
   * Sends a dataset to the engine (`dataset-load`, its rows transferred) or asks for a built-in
   * one, and resolves with the engine's summary; rejects with the engine's reason.
   */
  dataset(request: DatasetRequest): Promise<DatasetLoaded> {
    const id = request.id;
    this.waiting.get(id)?.reject(new Error(`dataset '${id}' was requested again`));
    return new Promise<DatasetLoaded>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const transfer =
        request.type === 'dataset-load'
          ? [request.x.buffer]
          : request.type === 'dataset-stream'
            ? [request.port]
            : [];
      this.send(request, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const w of this.waiting.values()) w.reject(new Error('the engine worker was stopped'));
    this.waiting.clear();
  }

  private settle(msg: Extract<EngineMessage, { type: 'dataset-loaded' | 'dataset-error' }>): void {
    const id = msg.type === 'dataset-loaded' ? msg.summary.id : msg.id;
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    if (msg.type === 'dataset-loaded') w.resolve(msg);
    else w.reject(new Error(msg.message));
  }
}

function route(msg: EngineMessage): void {
  const s = useAppStore.getState();
  switch (msg.type) {
    case 'gpu-ready':
      return s.setGpuReady(msg.summary, msg.deviceFeatures, msg.deviceLimits);
    case 'gpu-unavailable':
      return s.setGpuUnavailable(msg.message);
    case 'gpu-event':
      return s.gpuEvent(msg.event);
    case 'selfcheck-start':
      return s.selfCheckStarted(msg.total);
    case 'selfcheck-result': {
      const { result } = msg;
      const c = result.comparison;
      return s.selfCheckRow(msg.index, {
        name: result.name,
        status: result.ok ? 'pass' : 'fail',
        maxAbsError: c.maxAbsError,
        worstRatio: c.worstRatio,
        values: c.count,
      });
    }
    case 'selfcheck-error':
      return s.selfCheckRow(msg.index, { name: msg.name, status: 'error', message: msg.message });
    case 'selfcheck-done':
      return s.selfCheckDone(msg.passed, msg.ms);
    case 'train-started':
      return s.trainingStarted(msg.dataset, msg.config, msg.runId);
    case 'train-state':
      return s.trainingState(msg.state, msg.message);
    case 'train-eval':
      return s.trainingEvaluated({
        rows: msg.rows,
        fvu: msg.fvu,
        meanL0: msg.meanL0,
        spearmanKHat: msg.spearmanKHat,
        spearmanL0: msg.spearmanL0,
      });
    case 'train-restored':
      return s.trainingRestored(msg.step, msg.steps, msg.history, msg.reason);
    case 'checkpoint-saved':
      return s.checkpointSaved(msg.runId, msg);
    case 'checkpoint-problem':
      return s.checkpointProblem(msg.message);
    case 'checkpoint-list-result':
      return s.savedRunsListed(msg.runs);
    case 'checkpoint-refused':
      return s.resumeRefusedWith(msg.message);
    case 'train-progress':
      return s.trainingProgress(msg);
    case 'dataset-epoch-result':
      return s.dataEpochChecked(msg.epoch, msg.seconds, msg.message);
    case 'eval-result':
      return ingestEvalResult(msg);
    case 'eval-progress':
      return s.evalProgressed(msg.runId, msg.done, msg.total, performance.now());
    case 'dataset-tokens':
      return ingestDatasetTokens(msg);
    case 'row-features-result':
    case 'feature-acts-result':
    case 'feature-neighbors-result':
    case 'feature-bands-result':
    case 'feature-cooccur-result':
    case 'run-model-result':
    case 'sae-import-result':
    case 'run-export-result':
    case 'run-codes-result':
    case 'selection-features-result':
    case 'match-runs-result':
    case 'query-error':
      return resolveQuery(msg);
  }
}
