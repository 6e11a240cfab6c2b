/**
 * Training configuration: the reference trainer's keys (snake_case, as in its config JSON),
 * spec defaults, and validation that refuses bad values with a message per problem.
 */

/** Architectures the reference trainer implements. */
export type Arch = 'softsae' | 'topk' | 'batchtopk';

/** A complete, validated configuration. */
export interface TrainConfig {
  arch: Arch;
  /** F, the dictionary size. */
  dict_size: number;
  /** Target k (budget of mean k̂ for SoftSAE; kept entries per row for TopK / BatchTopK). */
  k: number;
  /**
   * Upper scale of k̂ (default 2·k, per the spec; the reference CLIP script, which builds its
   * model with k = D when annealing, ends up with 2·D — set it explicitly to reproduce that).
   */
  k_max: number;
  /** Target Laplace scale α (default 1e-4). */
  soft_topk_alpha: number;
  /** Base learning rate (default 2e-4/√(F/2¹⁴)). */
  lr: number;
  steps: number;
  batch_size: number;
  /** Linear LR warm-up length (default 1000; must be < steps). */
  warmup_steps: number;
  /** Step where the linear LR decay to 0 starts (null: no decay). */
  decay_start: number | null;
  /** Steps over which k anneals from D down to k (null or 0: no annealing, k fixed). */
  k_anneal_steps: number | null;
  /** Steps over which α anneals from 1 to soft_topk_alpha (null or 0: α fixed). */
  alpha_anneal_steps: number | null;
  /** Final steps trained with the hard top-⌊k̂⌋ path (SoftSAE; null or 0: none). */
  hard_topk_steps: number | null;
  /** λ_aux (default 1/32). */
  auxk_alpha: number;
  /** λ_k (default 1). */
  k_loss_weight: number;
  /** Rows without firing after which a feature counts as dead (default 10 000 000). */
  dead_feature_threshold: number;
  seed: number;
}

/** User input: required keys plus any subset of the optional ones (null = use the default). */
export type TrainConfigInput = Record<string, unknown>;

const KEYS: readonly (keyof TrainConfig)[] = [
  'arch',
  'dict_size',
  'k',
  'k_max',
  'soft_topk_alpha',
  'lr',
  'steps',
  'batch_size',
  'warmup_steps',
  'decay_start',
  'k_anneal_steps',
  'alpha_anneal_steps',
  'hard_topk_steps',
  'auxk_alpha',
  'k_loss_weight',
  'dead_feature_threshold',
  'seed',
];

const ARCHS: readonly Arch[] = ['softsae', 'topk', 'batchtopk'];

/** Default learning rate for dictionary size F: 2e-4/√(F/2¹⁴). */
export function defaultLr(F: number): number {
  return 2e-4 / Math.sqrt(F / 2 ** 14);
}

/** Fills defaults without validating (see {@link resolveConfig}). */
function withDefaults(input: TrainConfigInput): TrainConfig {
  const get = <T>(key: keyof TrainConfig, fallback: T): T =>
    input[key] === undefined || input[key] === null ? fallback : (input[key] as T);
  const F = input.dict_size as number;
  const k = input.k as number;
  return {
    arch: get('arch', 'softsae'),
    dict_size: F,
    k,
    k_max: get('k_max', 2 * k),
    soft_topk_alpha: get('soft_topk_alpha', 1e-4),
    lr: get('lr', defaultLr(F)),
    steps: input.steps as number,
    batch_size: input.batch_size as number,
    warmup_steps: get('warmup_steps', 1000),
    decay_start: get('decay_start', null),
    k_anneal_steps: get('k_anneal_steps', null),
    alpha_anneal_steps: get('alpha_anneal_steps', null),
    hard_topk_steps: get('hard_topk_steps', null),
    auxk_alpha: get('auxk_alpha', 1 / 32),
    k_loss_weight: get('k_loss_weight', 1),
    dead_feature_threshold: get('dead_feature_threshold', 10_000_000),
    seed: get('seed', 0),
  };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Returns every problem with `input` (empty when valid). `inputDim` (D), when known, enables the
 * checks that need it (k annealing starts at k = D, so it requires D > k).
 */
export function validateConfig(input: TrainConfigInput, inputDim?: number): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(input)) {
    if (!(KEYS as readonly string[]).includes(key)) errors.push(`unknown config key '${key}'`);
  }
  for (const key of ['dict_size', 'k', 'steps', 'batch_size'] as const) {
    if (input[key] === undefined || input[key] === null) errors.push(`${key} is required`);
  }
  if (errors.length > 0) return errors;
  const c = withDefaults(input);
  const F = c.dict_size;
  if (!ARCHS.includes(c.arch))
    errors.push(`arch must be one of ${ARCHS.join(', ')}, got ${String(c.arch)}`);
  if (!isInt(F) || F < 1) errors.push(`dict_size (F) must be an integer ≥ 1, got ${String(F)}`);
  if (!isInt(c.k) || c.k < 1) errors.push(`k must be an integer ≥ 1, got ${String(c.k)}`);
  else if (isInt(F) && c.k > F) errors.push(`k (${c.k}) must not exceed dict_size (${F})`);
  if (!isInt(c.k_max) || c.k_max < 1)
    errors.push(`k_max must be an integer ≥ 1, got ${String(c.k_max)}`);
  if (!isNum(c.soft_topk_alpha) || c.soft_topk_alpha <= 0)
    errors.push(`soft_topk_alpha must be a finite number > 0, got ${String(c.soft_topk_alpha)}`);
  if (!isNum(c.lr) || c.lr <= 0) errors.push(`lr must be a finite number > 0, got ${String(c.lr)}`);
  if (!isInt(c.steps) || c.steps < 1)
    errors.push(`steps must be an integer ≥ 1, got ${String(c.steps)}`);
  if (!isInt(c.batch_size) || c.batch_size < 1)
    errors.push(`batch_size must be an integer ≥ 1, got ${String(c.batch_size)}`);
  if (!isInt(c.warmup_steps) || c.warmup_steps < 0 || c.warmup_steps >= c.steps)
    errors.push(`warmup_steps must be an integer in [0, steps), got ${String(c.warmup_steps)}`);
  if (
    c.decay_start !== null &&
    (!isInt(c.decay_start) || c.decay_start <= c.warmup_steps || c.decay_start >= c.steps)
  )
    errors.push(
      `decay_start must be an integer in (warmup_steps, steps), got ${String(c.decay_start)}`,
    );
  for (const key of ['k_anneal_steps', 'alpha_anneal_steps'] as const) {
    const v = c[key];
    if (v !== null && (!isInt(v) || v < 0 || v >= c.steps))
      errors.push(`${key} must be an integer in [0, steps), got ${String(v)}`);
  }
  if (c.k_anneal_steps && inputDim !== undefined && !(inputDim > c.k))
    errors.push(`k annealing starts at k = D, so D (${inputDim}) must be greater than k (${c.k})`);
  if (
    c.hard_topk_steps !== null &&
    (!isInt(c.hard_topk_steps) || c.hard_topk_steps < 0 || c.hard_topk_steps > c.steps)
  )
    errors.push(
      `hard_topk_steps must be an integer in [0, steps], got ${String(c.hard_topk_steps)}`,
    );
  for (const key of ['auxk_alpha', 'k_loss_weight'] as const) {
    if (!isNum(c[key]) || c[key] < 0)
      errors.push(`${key} must be a finite number ≥ 0, got ${String(c[key])}`);
  }
  if (!isNum(c.dead_feature_threshold) || c.dead_feature_threshold <= 0)
    errors.push(
      `dead_feature_threshold must be a number > 0, got ${String(c.dead_feature_threshold)}`,
    );
  if (!isInt(c.seed)) errors.push(`seed must be an integer, got ${String(c.seed)}`);
  return errors;
}

/** Validates `input` and fills the defaults; throws one Error listing every problem. */
export function resolveConfig(input: TrainConfigInput, inputDim?: number): TrainConfig {
  const errors = validateConfig(input, inputDim);
  if (errors.length > 0) throw new Error(`invalid training config: ${errors.join('; ')}`);
  return withDefaults(input);
}
