import { useState } from 'react';
import type { LoaderActions } from '../../session/appSession';
import { useAppStore } from '../../store';
import type { IngestPhase, TensorChoice } from '../../store/datasetSlice';
import { formatBytes, formatInt } from '../../util/format';

const PHASES: Record<IngestPhase, string> = {
  opening: 'Reading headers',
  stats: 'Scanning values (statistics, NaN/Inf census)',
  tokens: 'Reading and aligning tokens',
  transfer: 'Reading rows',
  engine: 'Handing rows to the engine',
};

/** Progress of the load in progress, with Cancel. */
export function IngestProgressView({ loader }: { loader: LoaderActions }) {
  const p = useAppStore((s) => s.dataset.ingest);
  if (!p) return null;
  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0;
  return (
    <div className="ingest" data-testid="data.progress" aria-live="polite">
      <p>
        {PHASES[p.phase]}: <span className="mono">{p.files.join(', ')}</span>
      </p>
      <progress max={1} value={fraction} aria-label="loading progress" />
      <p data-testid="data.progress.bytes">
        {formatBytes(p.bytesDone)} / {formatBytes(p.bytesTotal)}
        {p.bytesPerSecond > 0 && ` · ${formatBytes(p.bytesPerSecond)}/s`}
      </p>
      <button type="button" onClick={() => loader.cancel()} data-testid="data.cancel">
        Cancel
      </button>
    </div>
  );
}

function TensorQuestion({ choice, loader }: { choice: TensorChoice; loader: LoaderActions }) {
  const [name, setName] = useState(choice.options[0]?.name ?? '');
  return (
    <form
      className="question"
      data-testid="data.tensor"
      onSubmit={(e) => {
        e.preventDefault();
        loader.answer(name);
      }}
    >
      <p>
        <span className="mono">{choice.file}</span> holds several arrays. Which one are the
        activations?
      </p>
      {choice.options.length === 0 && <p>It has no 2-D or 3-D array to train on.</p>}
      <label>
        Array{' '}
        <select
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="data.tensor.select"
        >
          {choice.options.map((o) => (
            <option key={o.name} value={o.name}>
              {o.name} — {o.dtype} ({o.shape.join(' × ')})
            </option>
          ))}
        </select>
      </label>
      <div className="controls">
        <button type="submit" disabled={!name} data-testid="data.tensor.load">
          Load this array
        </button>
        <button type="button" className="secondary" onClick={() => loader.answer(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Questions the loader is waiting on, and the last error. */
export function IngestQuestions({ loader }: { loader: LoaderActions }) {
  const choice = useAppStore((s) => s.dataset.tensorChoice);
  const nf = useAppStore((s) => s.dataset.nonFinite);
  const error = useAppStore((s) => s.dataset.error);
  return (
    <>
      {choice && <TensorQuestion key={choice.file} choice={choice} loader={loader} />}
      {nf && (
        <div
          className="question"
          role="alertdialog"
          aria-labelledby="nf-title"
          data-testid="data.nonfinite"
        >
          <p id="nf-title">
            <strong>{formatInt(nf.rows)}</strong> of {formatInt(nf.totalRows)} rows of{' '}
            <span className="mono">{nf.file}</span> hold non-finite values ({formatInt(nf.nanCount)}{' '}
            NaN, {formatInt(nf.infCount)} ±Inf
            {nf.overflowCount > 0 && `, ${formatInt(nf.overflowCount)} beyond float32`}; first rows:{' '}
            {nf.firstRows.join(', ')}). Training cannot use them.
          </p>
          <div className="controls">
            <button
              type="button"
              onClick={() => loader.answer('drop')}
              data-testid="data.nonfinite.drop"
            >
              Drop those rows
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => loader.answer(null)}
              data-testid="data.nonfinite.abort"
            >
              Abort loading
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="errors" data-testid="data.error">
          {error.message}
        </p>
      )}
    </>
  );
}
