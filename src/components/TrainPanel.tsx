import { useState } from 'react';
import { validateConfig } from '../reference/sae/config';
import { useAppStore } from '../store';
import type { EngineRequest } from '../workers/protocol';
import { TRAIN_PRESETS } from './trainPresets';

/** Settings editable in the form (the rest come from the preset). */
const FIELDS = [
  ['dict_size', 'Dictionary size F', 1],
  ['k', 'Target mean k', 1],
  ['k_max', 'k_max', 1],
  ['soft_topk_alpha', 'Soft top-k α', 0.001],
  ['lr', 'Learning rate', 0.0001],
  ['steps', 'Steps', 1],
  ['batch_size', 'Batch size', 1],
  ['hard_topk_steps', 'Hard-phase steps', 1],
] as const;

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toPrecision(digits) : String(v));

/** Train a SoftSAE on a built-in dataset: settings, controls and live progress. */
export function TrainPanel({ send }: { send: (r: EngineRequest) => void }) {
  const gpuReady = useAppStore((s) => s.gpuStatus === 'ready');
  const t = useAppStore((s) => s.training);
  const [presetId, setPresetId] = useState(TRAIN_PRESETS[0].id);
  const preset = TRAIN_PRESETS.find((p) => p.id === presetId)!;
  const [values, setValues] = useState<Record<string, string>>({});
  const config = { ...preset.config };
  for (const [key, v] of Object.entries(values)) if (v !== '') config[key] = Number(v);
  const errors = validateConfig(config, preset.D);
  if ((config.batch_size as number) > preset.rows)
    errors.push(`batch_size must not exceed the ${preset.rows} rows of the data`);
  const active = t.state === 'running' || t.state === 'paused' || t.state === 'starting';
  const progress = t.steps ? t.step / t.steps : 0;
  const m = t.latest;

  return (
    <section className="panel" aria-labelledby="train-title" data-testid="train.panel">
      <h2 id="train-title">Train</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (errors.length === 0) send({ type: 'train-start', dataset: preset.dataset, config });
        }}
      >
        <label>
          Data and preset{' '}
          <select
            value={presetId}
            onChange={(e) => {
              setPresetId(e.target.value);
              setValues({});
            }}
            data-testid="train.preset"
            disabled={active}
          >
            {TRAIN_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <div className="fields">
          {FIELDS.map(([key, label, step]) => (
            <label key={key}>
              {label}
              <input
                type="number"
                step={step}
                value={values[key] ?? String(preset.config[key] ?? '')}
                onChange={(e) => setValues({ ...values, [key]: e.target.value })}
                data-testid={`train.${key}`}
                disabled={active}
              />
            </label>
          ))}
        </div>
        {errors.length > 0 && (
          <ul role="alert" className="errors" data-testid="train.errors">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
        <div className="controls">
          <button
            type="submit"
            disabled={!gpuReady || active || errors.length > 0}
            data-testid="train.start"
          >
            Start
          </button>
          {t.state === 'running' && (
            <button
              type="button"
              onClick={() => send({ type: 'train-pause' })}
              data-testid="train.pause"
            >
              Pause
            </button>
          )}
          {t.state === 'paused' && (
            <button
              type="button"
              onClick={() => send({ type: 'train-resume' })}
              data-testid="train.resume"
            >
              Resume
            </button>
          )}
          {active && (
            <button
              type="button"
              onClick={() => send({ type: 'train-stop' })}
              data-testid="train.stop"
            >
              Stop
            </button>
          )}
        </div>
      </form>
      <p data-testid="train.state" aria-live="polite">
        {t.state === 'idle' ? 'Not started.' : `${t.state}${t.message ? `: ${t.message}` : ''}`}
      </p>
      <progress
        max={1}
        value={progress}
        aria-label="training progress"
        data-testid="train.progress"
      />
      <p data-testid="train.step">
        step {t.step} / {t.steps}
        {t.rowsPerSec > 0 && ` · ${Math.round(t.rowsPerSec).toLocaleString('en-US')} rows/s`}
      </p>
      {m && (
        <table className="metrics" data-testid="train.metrics">
          <tbody>
            <tr>
              <th scope="row">loss</th>
              <td data-testid="train.loss">{fmt(m.loss)}</td>
              <th scope="row">L2</th>
              <td>{fmt(m.l2)}</td>
            </tr>
            <tr>
              <th scope="row">k̂ mean / min / max</th>
              <td data-testid="train.kHat">
                {fmt(m.kMean, 3)} / {fmt(m.kMin, 3)} / {fmt(m.kMax, 3)}
              </td>
              <th scope="row">dead</th>
              <td>{m.deadCount}</td>
            </tr>
            <tr>
              <th scope="row">learning rate</th>
              <td>{fmt(m.lr, 3)}</td>
              <th scope="row">‖g‖ (before clip)</th>
              <td>{fmt(m.gradNorm, 3)}</td>
            </tr>
            <tr>
              <th scope="row">mode</th>
              <td>{m.mode}</td>
              <th scope="row">skipped steps</th>
              <td>{m.skipped}</td>
            </tr>
          </tbody>
        </table>
      )}
      {t.evaluation && (
        <table className="metrics" data-testid="train.evaluation">
          <caption>
            Evaluation over all {t.evaluation.rows.toLocaleString('en-US')} rows (hard path)
          </caption>
          <tbody>
            <tr>
              <th scope="row">FVU</th>
              <td data-testid="eval.fvu">{fmt(t.evaluation.fvu)}</td>
              <th scope="row">mean L0</th>
              <td data-testid="eval.meanL0">{fmt(t.evaluation.meanL0, 3)}</td>
            </tr>
            <tr>
              <th
                scope="row"
                title="rank correlation with each row's true number of active concepts"
              >
                Spearman(k̂, true count)
              </th>
              <td data-testid="eval.spearmanKHat">
                {t.evaluation.spearmanKHat === null ? '—' : fmt(t.evaluation.spearmanKHat, 3)}
              </td>
              <th scope="row">Spearman(L0, true count)</th>
              <td data-testid="eval.spearmanL0">
                {t.evaluation.spearmanL0 === null ? '—' : fmt(t.evaluation.spearmanL0, 3)}
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
