import { useState } from 'react';
import type { SweepActions } from '../session/appSession';
import { useAppStore } from '../store';
import { DEFAULT_CHECKPOINT_EVERY, type EngineRequest } from '../workers/protocol';
import { ConfigForm } from './train/ConfigForm';
import { TrainCharts } from './train/TrainCharts';
import { SavedRuns } from './train/SavedRuns';
import { SweepForm, SweepStatus } from './train/Sweep';
import { CheckpointStatus, TrainNumbers, TrainProgress } from './train/TrainStatus';

let runCounter = 0;
/** A run id unique in this tab; the engine echoes it, and Inspect keys its analyses by it. */
const newRunId = () => `run-${Date.now().toString(36)}-${++runCounter}`;

/** Train an SAE on the active dataset: settings, controls, live progress and charts. */
export function TrainPanel({
  send,
  sweeps,
}: {
  send: (r: EngineRequest) => void;
  sweeps: SweepActions;
}) {
  const gpuReady = useAppStore((s) => s.gpuStatus === 'ready');
  const state = useAppStore((s) => s.training.state);
  const dataset = useAppStore((s) => s.dataset.list.find((d) => d.id === s.dataset.activeId));
  const active = state === 'running' || state === 'paused' || state === 'starting';
  const busy = active || state === 'evaluating';
  const [every, setEvery] = useState(String(DEFAULT_CHECKPOINT_EVERY));
  const checkpointEvery = Number(every);
  const everyOk = Number.isInteger(checkpointEvery) && checkpointEvery >= 1;

  return (
    <section className="panel" aria-labelledby="train-title" data-testid="train.panel">
      <h2 id="train-title">Train</h2>
      {!gpuReady && (
        <p className="muted" data-testid="train.nogpu">
          Training needs WebGPU (see the status at the top of the page).
        </p>
      )}
      {dataset ? (
        <ConfigForm
          key={dataset.id}
          dataset={dataset}
          canStart={gpuReady && !busy && everyOk}
          locked={busy}
          onStart={(config) => {
            // Ask that this origin's storage (the checkpoints) not be evicted under pressure.
            void navigator.storage?.persist?.().catch(() => false);
            send({
              type: 'train-start',
              dataset: { id: dataset.id },
              config,
              runId: newRunId(),
              checkpointEvery,
            });
          }}
          more={(config, valid) => (
            <SweepForm
              base={config}
              dataset={dataset}
              canStart={valid && gpuReady && !busy && everyOk}
              locked={busy}
              onStart={(plan) => sweeps.start({ ...plan, checkpointEvery })}
            />
          )}
        >
          <label className="inline">
            checkpoint every{' '}
            <input
              type="number"
              min={1}
              step={1}
              value={every}
              disabled={busy}
              aria-invalid={!everyOk || undefined}
              onChange={(e) => setEvery(e.target.value)}
              data-testid="train.checkpointEvery"
            />{' '}
            steps
          </label>
          <RunControls send={send} />
        </ConfigForm>
      ) : (
        <p>Choose a dataset in the Data tab.</p>
      )}
      <SweepStatus sweeps={sweeps} canContinue={gpuReady && !busy} />
      <SavedRuns send={send} />
      <TrainProgress />
      <CheckpointStatus />
      <TrainNumbers />
      <TrainCharts />
    </section>
  );
}

/** Pause, resume and stop, shown while they apply. */
function RunControls({ send }: { send: (r: EngineRequest) => void }) {
  const state = useAppStore((s) => s.training.state);
  const active = state === 'running' || state === 'paused' || state === 'starting';
  return (
    <>
      {state === 'running' && (
        <button
          type="button"
          onClick={() => send({ type: 'train-pause' })}
          data-testid="train.pause"
        >
          Pause
        </button>
      )}
      {state === 'paused' && (
        <button
          type="button"
          onClick={() => send({ type: 'train-resume' })}
          data-testid="train.resume"
        >
          Resume
        </button>
      )}
      {active && (
        <button type="button" onClick={() => send({ type: 'train-stop' })} data-testid="train.stop">
          Stop
        </button>
      )}
    </>
  );
}
