import type { LoaderActions } from '../session/appSession';
import { useAppStore } from '../store';
import { DatasetList, DatasetSummary } from './data/DatasetView';
import { FilePicker } from './data/FilePicker';
import { IngestProgressView, IngestQuestions } from './data/IngestStatus';
import { RowMemory } from './data/RowMemory';

/**
 * Data: the datasets to train on (the built-in demo, and files the user loads), the load in
 * progress and its questions, and the active dataset's summary. Files are read by the ingestion
 * worker; their rows go to the engine worker, never into this component or the store.
 */
export function DataPanel({ loader }: { loader: LoaderActions }) {
  const busy = useAppStore(
    (s) =>
      s.dataset.ingest !== null || s.dataset.tensorChoice !== null || s.dataset.nonFinite !== null,
  );
  const training = useAppStore((s) =>
    ['starting', 'running', 'paused', 'evaluating'].includes(s.training.state),
  );
  return (
    <section className="panel" aria-labelledby="data-title" data-testid="data.panel">
      <h2 id="data-title">Data</h2>
      <div className="grid2">
        <div>
          {/* While a run trains on the active dataset, another one may not replace it. */}
          <FilePicker busy={busy || training} onLoad={(files) => void loader.load(files)} />
          <RowMemory disabled={busy || training} />
          {training && (
            <p className="muted" data-testid="data.training">
              A run is training on the active dataset: loading and switching data wait until it
              ends.
            </p>
          )}
          <IngestProgressView loader={loader} />
          <IngestQuestions loader={loader} />
          <DatasetList disabled={busy || training} />
        </div>
        <DatasetSummary />
      </div>
    </section>
  );
}
