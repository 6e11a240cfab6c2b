import { useEffect } from 'react';
import { featureTableCsv, rowAnalysisCsv } from '../export/csv';
import { downloadText } from '../export/image';
import { connectQueries } from '../session/queries';
import { installTestHook } from '../session/testHook';
import { useAppStore } from '../store';
import type { EngineRequest } from '../workers/protocol';
import { ErrorCharts } from './inspect/ErrorCharts';
import { FeaturePage } from './inspect/FeaturePage';
import { FeatureTable } from './inspect/FeatureTable';
import { GroundTruth } from './inspect/GroundTruth';
import { RowDetails } from './inspect/RowDetails';
import { SaeFiles } from './inspect/SaeFiles';
import { PromptPanel } from './prompt/PromptPanel';
import { FeatureDensity, QualityMetrics } from './inspect/QualityMetrics';
import { SparsityCharts } from './inspect/SparsityCharts';
import { TokenView } from './inspect/TokenView';
import { useStages } from './inspect/useStages';
import { runLabel } from './runLabel';
import { useAnalysis, useDataset } from './useRegistry';

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '—');

/**
 * Inspect one evaluated run: sparsity and error distributions, tokens, features, exports.
 * `active`: the panel's tab is shown. Hidden, it mounts none of its sections, so an evaluation
 * arriving while the user watches training costs the main thread nothing; the sections mount
 * (one per task) when the tab is opened.
 */
export function InspectPanel({
  send,
  active = true,
}: {
  send: (r: EngineRequest) => void;
  active?: boolean;
}) {
  const runs = useAppStore((s) => s.runs);
  const runId = useAppStore((s) => s.inspect.runId);
  const paused = useAppStore((s) => s.training.state === 'paused');
  const selectRun = useAppStore((s) => s.selectRun);

  useEffect(() => {
    connectQueries(send);
    // Development, or a build made with VITE_TEST_HOOK=1 (benchmarks of the production bundle);
    // never in a build users get.
    if (import.meta.env.DEV || import.meta.env.VITE_TEST_HOOK === '1') installTestHook(send);
  }, [send]);

  const index = runs.findIndex((r) => r.runId === runId);
  const run = index >= 0 ? runs[index] : undefined;
  const a = useAnalysis(run?.runId);
  const ds = useDataset(a?.datasetId);
  // Sections mount one per task (see useStages): summary, sparsity, error, tokens, features.
  const stage = useStages(active ? a : undefined, 5);

  return (
    <section className="panel wide" aria-labelledby="inspect-title" data-testid="inspect.panel">
      <h2 id="inspect-title">Inspect</h2>
      <div className="controls">
        {runs.length > 0 && (
          <label>
            Run{' '}
            <select
              value={runId ?? ''}
              onChange={(e) => selectRun(e.target.value)}
              data-testid="inspect.run"
            >
              {runs.map((r, i) => (
                <option key={r.runId} value={r.runId}>
                  {runLabel(r, i)}
                </option>
              ))}
            </select>
          </label>
        )}
        <SaeFiles runId={run ? run.runId : null} />
        {paused && (
          <button
            type="button"
            onClick={() => send({ type: 'eval-request' })}
            data-testid="inspect.evalNow"
          >
            Evaluate the paused model
          </button>
        )}
        {a && (
          <>
            <button
              type="button"
              data-testid="inspect.exportRows"
              onClick={() =>
                downloadText(
                  rowAnalysisCsv(a, ds?.tokens ?? null),
                  `${a.runId}-rows.csv`,
                  'text/csv',
                )
              }
            >
              Per-row CSV
            </button>
            <button
              type="button"
              data-testid="inspect.exportFeatures"
              onClick={() =>
                downloadText(
                  featureTableCsv(a, useAppStore.getState().labels[a.runId]),
                  `${a.runId}-features.csv`,
                  'text/csv',
                )
              }
            >
              Feature table CSV
            </button>
          </>
        )}
      </div>
      {!a || !run ? (
        <p className="muted" data-testid="inspect.empty">
          Train a model, or load an existing SAE: when training finishes (or when you evaluate a
          paused model, or an SAE is loaded), every input is run through it and its features can be
          explored here.
        </p>
      ) : (
        <>
          <p data-testid="inspect.summary">
            {a.rows.toLocaleString('en-US')} inputs · FVU {fmt(a.fvu)} · mean L0 {fmt(a.meanL0)}
            {a.kHat && ` · mean k̂ ${fmt(a.kHatMean)}`} · dead features {fmt(100 * a.deadFraction)} %
          </p>
          <QualityMetrics a={a} />
          {a.truth && (
            <>
              <h3>Against the ground truth</h3>
              {stage >= 2 && <GroundTruth runId={a.runId} truth={a.truth} />}
            </>
          )}
          <h3>Active features per input</h3>
          {stage >= 2 && <SparsityCharts a={a} />}
          <h3>Feature density</h3>
          {stage >= 2 && <FeatureDensity a={a} />}
          <h3>Reconstruction error</h3>
          {stage >= 3 && <ErrorCharts a={a} />}
          <h3>Tokens</h3>
          {stage >= 4 && (
            <div className="split">
              <TokenView a={a} ds={ds} />
              <RowDetails a={a} ds={ds} />
            </div>
          )}
          <h3>Prompts and contrast</h3>
          {stage >= 4 && <PromptPanel a={a} ds={ds} />}
          <h3>Features</h3>
          {stage >= 5 && (
            <div className="split">
              <FeatureTable a={a} ds={ds} />
              <FeaturePage a={a} ds={ds} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
