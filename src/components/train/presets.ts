/**
 * Training presets, scaled to the active dataset's width D and row count; the first is the
 * form's default. The reference
 * configurations (softsae-spec §5) were tuned for D = 512 (CLIP) and D = 2304 (Gemma); here the
 * dictionary and k keep their ratio to D, and batch sizes are capped by the rows available.
 */
import { resolveConfig, validateConfig, type TrainConfigInput } from '../../reference/sae/config';
import { limitProblem, trainShapeOf, type BufferLimits } from '../../sae/memoryPlan';

export interface TrainPreset {
  id: string;
  label: string;
  make(D: number, rows: number): TrainConfigInput;
}

/** Rounds to a multiple of `m` (at least `m`). */
const roundTo = (v: number, m: number) => Math.max(m, Math.round(v / m) * m);
const clampK = (k: number, D: number) => Math.max(1, Math.min(Math.round(k), D));

export const TRAIN_PRESETS: readonly TrainPreset[] = [
  {
    id: 'scaled',
    label: 'Defaults for this data (F = 8·D, 2000 steps)',
    make: (D, rows) => {
      const k = clampK(D / 10, D);
      return {
        arch: 'softsae',
        dict_size: roundTo(8 * D, 16),
        k,
        k_max: 4 * k,
        soft_topk_alpha: 0.01,
        lr: 1e-3,
        steps: 2000,
        batch_size: Math.min(256, rows),
        warmup_steps: 100,
        hard_topk_steps: 200,
        dead_feature_threshold: 1e7,
        seed: 1,
      };
    },
  },
  {
    // Minutes even on a software adapter: small dictionary, few hundred steps, a large α
    // (the soft top-k is smooth enough to learn from in so few steps).
    id: 'quick',
    label: 'Quick demo (300 steps, small dictionary)',
    make: (D, rows) => {
      const k = clampK(D / 4, D);
      return {
        arch: 'softsae',
        dict_size: roundTo(6 * D, 16),
        k,
        k_max: 4 * k,
        soft_topk_alpha: 0.01,
        lr: 3e-3,
        steps: 300,
        batch_size: Math.min(128, rows),
        warmup_steps: 20,
        hard_topk_steps: 30,
        dead_feature_threshold: 1e7,
        seed: 1,
      };
    },
  },
  {
    // Reference CLIP ViT-B/16 run: D = 512, F = 4096, k = 220, k_max = 2·D.
    id: 'clip',
    label: 'CLIP-like (reference CLIP run, 40 000 steps)',
    make: (D, rows) => ({
      arch: 'softsae',
      dict_size: roundTo(8 * D, 16),
      k: clampK((220 / 512) * D, D - 1),
      k_max: 2 * D,
      soft_topk_alpha: 1e-4,
      lr: 6e-4,
      steps: 40_000,
      batch_size: Math.min(8192, rows),
      warmup_steps: 1900,
      decay_start: 6500,
      k_anneal_steps: 1600,
      hard_topk_steps: 6000,
      auxk_alpha: 1 / 32,
      dead_feature_threshold: 400_000,
      seed: 1,
    }),
  },
  {
    // Reference Gemma-2-2B layer-12 run: D = 2304, F = 16 384, k = 64 of the {20…640} sweep.
    id: 'llm',
    label: 'LLM-like (reference Gemma run, 50 000 steps)',
    make: (D, rows) => {
      const steps = 50_000;
      const k = clampK((64 / 2304) * D, D - 1);
      return {
        arch: 'softsae',
        dict_size: roundTo((16_384 / 2304) * D, 16),
        k,
        k_max: 2 * k,
        soft_topk_alpha: 1e-4,
        lr: 3e-4,
        steps,
        batch_size: Math.min(2048, rows),
        warmup_steps: 1000,
        decay_start: 0.8 * steps,
        k_anneal_steps: 0.01 * steps,
        alpha_anneal_steps: 2500,
        hard_topk_steps: 10_000,
        auxk_alpha: 1 / 32,
        dead_feature_threshold: 10_000_000,
        seed: 1,
      };
    },
  },
];

/** The form's fields: every config key of the spec (softsae-spec §5, config.ts). */
export const CONFIG_FIELDS: readonly {
  key: string;
  label: string;
  step: number;
  required?: boolean;
  /** Shown as the placeholder when empty: what `resolveConfig` fills in. */
  fallback?: string;
}[] = [
  { key: 'dict_size', label: 'Dictionary size F', step: 1, required: true },
  { key: 'k', label: 'Target k', step: 1, required: true },
  { key: 'k_max', label: 'k_max (k̂ scale)', step: 1, fallback: '2·k' },
  { key: 'soft_topk_alpha', label: 'Soft top-k α', step: 0.0001, fallback: '1e-4' },
  { key: 'lr', label: 'Learning rate', step: 0.0001, fallback: '2e-4/√(F/16384)' },
  { key: 'batch_size', label: 'Batch size', step: 1, required: true },
  { key: 'steps', label: 'Steps', step: 1, required: true },
  { key: 'warmup_steps', label: 'Warm-up steps', step: 1, fallback: '1000' },
  { key: 'decay_start', label: 'LR decay start', step: 1, fallback: 'no decay' },
  { key: 'k_anneal_steps', label: 'k anneal steps', step: 1, fallback: 'no annealing' },
  { key: 'alpha_anneal_steps', label: 'α anneal steps', step: 1, fallback: 'no annealing' },
  { key: 'hard_topk_steps', label: 'Hard top-k steps', step: 1, fallback: 'none' },
  { key: 'auxk_alpha', label: 'Aux-k weight λ_aux', step: 0.001, fallback: '1/32' },
  { key: 'k_loss_weight', label: 'k-loss weight λ_k', step: 0.1, fallback: '1' },
  { key: 'dead_feature_threshold', label: 'Dead after rows', step: 1, fallback: '10 000 000' },
  { key: 'seed', label: 'Seed', step: 1, fallback: '0' },
];

/** A preset's values as the form's strings (empty: use the default). */
export function presetValues(config: TrainConfigInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key } of CONFIG_FIELDS) {
    const v = config[key];
    out[key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

/** The form's strings as a config: empty optional fields are left to the defaults. */
export function configOf(arch: string, values: Record<string, string>): TrainConfigInput {
  const config: TrainConfigInput = { arch };
  for (const { key, required } of CONFIG_FIELDS) {
    const v = (values[key] ?? '').trim();
    if (v === '') {
      if (!required) config[key] = null;
    } else config[key] = Number(v);
  }
  return config;
}

/**
 * Every reason the form refuses `config` for this dataset: the trainer's own validation
 * (`validateConfig`, the single source of truth) plus what only the data and the device can
 * tell: a batch larger than the data, a buffer larger than the GPU's limits.
 */
export function formErrors(
  config: TrainConfigInput,
  data: { name: string; rows: number; D: number },
  limits?: BufferLimits | null,
): string[] {
  const errors = validateConfig(config, data.D);
  const b = config.batch_size;
  if (typeof b === 'number' && b > data.rows)
    errors.push(`batch_size (${b}) must not exceed the ${data.rows} rows of ${data.name}`);
  if (errors.length === 0 && limits) {
    const c = resolveConfig(config, data.D);
    const problem = limitProblem(trainShapeOf(c, data.D), limits);
    if (problem) errors.push(`${problem.key} (${c[problem.key]}) is too large: ${problem.message}`);
  }
  return errors;
}
