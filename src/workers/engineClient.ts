/**
 * The page's side of the engine worker: starts it, sends requests and turns its messages into
 * store updates. Nothing here touches the GPU.
 */
import { ingestDatasetTokens, ingestEvalResult } from '../session/ingest';
import { resolveQuery } from '../session/queries';
import { useAppStore } from '../store';
import type { EngineMessage, EngineRequest } from './protocol';

export class EngineClient {
  private readonly worker: Worker;

  constructor() {
    this.worker = new Worker(new URL('./engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'softsae-engine',
    });
    this.worker.onmessage = (ev: MessageEvent<EngineMessage>) => route(ev.data);
    this.worker.onerror = (ev) =>
      useAppStore.getState().setGpuUnavailable(`The engine worker failed to start: ${ev.message}`);
  }

  send(request: EngineRequest): void {
    this.worker.postMessage(request);
  }

  terminate(): void {
    this.worker.terminate();
  }
}

function route(msg: EngineMessage): void {
  const s = useAppStore.getState();
  switch (msg.type) {
    case 'gpu-ready':
      return s.setGpuReady(msg.summary, msg.deviceFeatures);
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
    case 'train-progress':
      return s.trainingProgress(msg.step, msg.steps, msg.rowsPerSec, msg.metrics);
    case 'eval-result':
      return ingestEvalResult(msg);
    case 'dataset-tokens':
      return ingestDatasetTokens(msg);
    case 'row-features-result':
    case 'feature-acts-result':
    case 'feature-neighbors-result':
    case 'run-model-result':
    case 'query-error':
      return resolveQuery(msg);
  }
}
