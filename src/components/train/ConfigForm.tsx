import { useMemo, useState, type ReactNode } from 'react';
import type { TrainConfigInput } from '../../model/config';
import { resolveConfig } from '../../model/config';
import { trainShapeOf } from '../../sae/memoryPlan';
import { useAppStore } from '../../store';
import { PlanView } from './PlanView';
import {
  CONFIG_FIELDS,
  SCHEDULE_KEYS,
  TRAIN_PRESETS,
  configOf,
  formErrors,
  presetValues,
} from './presets';

const ARCHS = [
  ['softsae', 'SoftSAE (adaptive k̂)'],
  ['topk', 'TopK'],
  ['batchtopk', 'BatchTopK'],
] as const;

export interface FormDataset {
  id: string;
  name: string;
  rows: number;
  D: number;
}

function validShape(config: TrainConfigInput, D: number) {
  try {
    return trainShapeOf(resolveConfig(config, D), D);
  } catch {
    return null;
  }
}

/**
 * Architecture, preset and every config key, validated as typed: invalid values are listed
 * with their reason and Start stays disabled (reliability case 26). Mount it with
 * `key={dataset.id}` so a new dataset starts from presets scaled to it.
 */
export function ConfigForm({
  dataset,
  canStart,
  locked,
  onStart,
  children,
  more,
}: {
  dataset: FormDataset;
  /** The GPU is ready and no run is active. */
  canStart: boolean;
  /** A run is active: settings are read-only. */
  locked: boolean;
  onStart: (config: TrainConfigInput) => void;
  /** Further run controls, shown beside Start. */
  children?: ReactNode;
  /** More ways to use the form's config (a sweep), given the config and whether it is valid. */
  more?: (config: TrainConfigInput, valid: boolean) => ReactNode;
}) {
  const [presetId, setPresetId] = useState(TRAIN_PRESETS[0].id);
  const [arch, setArch] = useState<string>('softsae');
  const [values, setValues] = useState(() =>
    presetValues(TRAIN_PRESETS[0].make(dataset.D, dataset.rows)),
  );
  // Fields edited since the preset was applied: a new step count leaves them as typed.
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const preset = TRAIN_PRESETS.find((p) => p.id === presetId)!;
  const edit = (key: string, value: string) => {
    const next = { ...values, [key]: value };
    const steps = Number(value);
    // The preset's schedule is fractions of the run: a new length rescales the schedule fields
    // still holding the preset's values, so the recipe keeps its shape (warm-up, annealing,
    // decay and hard phase in proportion) unless the user set them.
    if (key === 'steps' && Number.isInteger(steps) && steps >= 2) {
      const scaled = presetValues(preset.make(dataset.D, dataset.rows, steps));
      for (const k of SCHEDULE_KEYS) if (!edited.has(k)) next[k] = scaled[k];
    }
    setEdited(new Set(edited).add(key));
    setValues(next);
  };
  const config = configOf(arch, values);
  const maxBufferSize = useAppStore((s) => s.deviceLimits?.maxBufferSize);
  const maxBinding = useAppStore((s) => s.deviceLimits?.maxStorageBufferBindingSize);
  const limits = useMemo(
    () =>
      maxBufferSize !== undefined && maxBinding !== undefined
        ? { maxBufferSize, maxStorageBufferBindingSize: maxBinding }
        : null,
    [maxBufferSize, maxBinding],
  );
  const errors = formErrors(config, dataset, limits);
  // The plan of a config the trainer would accept (its shape is meaningless otherwise).
  const shape = validShape(config, dataset.D);
  const badKeys = new Set(
    CONFIG_FIELDS.filter((f) =>
      errors.some((e) => e.startsWith(`${f.key} `) || e.includes(`(${f.key})`)),
    ).map((f) => f.key),
  );

  return (
    <form
      className="config"
      onSubmit={(e) => {
        e.preventDefault();
        if (canStart && errors.length === 0) onStart(config);
      }}
    >
      <fieldset disabled={locked}>
        <legend>
          Settings for <span data-testid="train.dataset">{dataset.name}</span> ({dataset.rows} rows
          × D = {dataset.D})
        </legend>
        <div className="fields">
          <label>
            Architecture
            <select value={arch} onChange={(e) => setArch(e.target.value)} data-testid="train.arch">
              {ARCHS.map(([id, label]) => (
                <option key={id} value={id}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Preset
            <select
              value={presetId}
              onChange={(e) => {
                const p = TRAIN_PRESETS.find((x) => x.id === e.target.value)!;
                setPresetId(p.id);
                setEdited(new Set());
                setValues(presetValues(p.make(dataset.D, dataset.rows)));
              }}
              data-testid="train.preset"
            >
              {TRAIN_PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="fields">
          {CONFIG_FIELDS.map((f) => (
            <label key={f.key}>
              <span>
                {f.label} <code className="key">{f.key}</code>
              </span>
              <input
                type="number"
                step={f.step}
                value={values[f.key] ?? ''}
                placeholder={f.fallback ? `default: ${f.fallback}` : 'required'}
                required={f.required}
                aria-invalid={badKeys.has(f.key) || undefined}
                onChange={(e) => edit(f.key, e.target.value)}
                data-testid={`train.${f.key}`}
              />
            </label>
          ))}
        </div>
        <p className="hint" data-testid="train.presetNote">
          {preset.note}
        </p>
      </fieldset>
      {shape && <PlanView shape={shape} limits={limits} />}
      {errors.length > 0 && (
        <ul role="alert" className="errors" data-testid="train.errors">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <div className="controls">
        <button type="submit" disabled={!canStart || errors.length > 0} data-testid="train.start">
          Start
        </button>
        {children}
      </div>
      {more?.(config, errors.length === 0)}
    </form>
  );
}
