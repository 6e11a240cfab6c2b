/**
 * The page's long-lived objects, outside React: the engine and ingestion workers and the file
 * loader. Created once by the App (React may mount twice in development: `dispose` ends
 * everything the first one started). Startup asks the engine for the built-in datasets, so the
 * app opens with the demo selected, and checks WebGPU on the page first: without
 * `navigator.gpu` the engine is not asked to probe, but it still holds datasets for browsing.
 */
import { HOW_TO_ENABLE } from '../gpu/device';
import { useAppStore } from '../store';
import { EngineClient } from './engineClient';
import type { BuiltinDataset, EngineRequest } from '../workers/protocol';
import { putDataset } from './datasets';
import { IngestClient } from './ingestClient';
import { LabelsPersistence, opfsLabelsStorage } from './labels';
import { DatasetLoader } from './loader';
import { builtinEntries } from './summaries';
import { localSweepStorage } from './sweep';
import { SweepRunner } from './sweepRunner';

/** What the Data panel may ask of the loader. */
export type LoaderActions = Pick<DatasetLoader, 'load' | 'cancel' | 'answer'>;

/** What the Train panel may ask of the sweep runner. */
export type SweepActions = Pick<SweepRunner, 'start' | 'resume' | 'stop' | 'clear'>;

export interface AppSession {
  send(request: EngineRequest): void;
  loader: DatasetLoader;
  sweeps: SweepRunner;
  dispose(): void;
}

const BUILTINS: BuiltinDataset[] = ['demo', 'quick'];

export function createAppSession(): AppSession {
  const engine = new EngineClient();
  const ingest = new IngestClient();
  const loader = new DatasetLoader(ingest, engine);
  // A sweep the last page load left running shows as interrupted, ready to continue.
  const sweeps = new SweepRunner((r) => engine.send(r), localSweepStorage);
  sweeps.restore();
  // Feature labels: read with each run, written back after each edit (src/session/labels.ts).
  const labels = new LabelsPersistence(
    typeof navigator !== 'undefined' && 'getDirectory' in (navigator.storage ?? {})
      ? opfsLabelsStorage
      : null,
  );
  let disposed = false;

  if (typeof navigator === 'undefined' || !navigator.gpu) {
    useAppStore
      .getState()
      .setGpuUnavailable(
        `This browser exposes no navigator.gpu: WebGPU is turned off or not supported. ${HOW_TO_ENABLE}`,
      );
  } else {
    // `?limits=default` runs the engine with WebGPU's default limits, as on a small GPU.
    const defaultLimits = new URLSearchParams(location.search).get('limits') === 'default';
    engine.send({ type: 'probe', defaultLimits });
  }

  // Saved runs for the resume offer; a checkpoint whenever the page is hidden or closed (the
  // worker dies with the page, so the write may not finish: the previous generation stays).
  engine.send({ type: 'checkpoint-list' });
  const saveNow = () => {
    engine.send({ type: 'checkpoint-now' });
    void labels.flush();
  };
  const onVisibility = () => document.visibilityState === 'hidden' && saveNow();
  window.addEventListener('pagehide', saveNow);
  document.addEventListener('visibilitychange', onVisibility);

  void (async () => {
    for (const id of BUILTINS) {
      try {
        const reply = await engine.dataset({ type: 'dataset-builtin', id });
        if (disposed) return;
        const { entry, view } = builtinEntries(reply);
        putDataset(entry);
        const s = useAppStore.getState();
        s.datasetAdded(view, id === 'demo' && s.dataset.activeId === null);
      } catch (e) {
        if (disposed) return;
        const message = e instanceof Error ? e.message : String(e);
        useAppStore.getState().ingestFailed({ file: id, message: `${id}: ${message}` });
      }
    }
  })();

  return {
    send: (r) => engine.send(r),
    loader,
    sweeps,
    dispose() {
      disposed = true;
      window.removeEventListener('pagehide', saveNow);
      document.removeEventListener('visibilitychange', onVisibility);
      loader.cancel();
      sweeps.dispose();
      labels.dispose();
      engine.terminate();
      ingest.terminate();
    },
  };
}
