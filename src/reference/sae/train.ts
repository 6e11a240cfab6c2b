/**
 * One full reference training step (spec §5), for SoftSAE, TopK and BatchTopK:
 *  0. step 0 only: b_dec ← geometric median of the normalised batch (Weiszfeld)
 *  1. forward: SoftSAE soft path, or hard top-⌊k̂⌋ when step > steps − hard_topk_steps;
 *     TopK / BatchTopK selections; BatchTopK θ EMA update when step > 1000
 *  2. dead-feature counters (before aux reads them, as in the reference), loss
 *  3. backward   4. decoder-gradient projection   5. global-norm clipping to 1.0
 *  6. Adam with lr·lrFactor(step)   7. k and α annealing   8. decoder columns → unit norm
 * The whole state (parameters, Adam moments and counts, counters) lives in {@link TrainerState},
 * so a GPU step can be compared with one reference step from the same state.
 */
import { backward, computeLoss, type LossResult } from './backward.ts';
import { resolveConfig, type TrainConfig, type TrainConfigInput } from '../../model/config.ts';
import { forward, type ForwardMode, type ForwardResult } from './forward.ts';
import { deadMask, updateDeadCounters } from './loss.ts';
import { geometricMedian } from '../../model/geometricMedian.ts';
import {
  annealedAlpha,
  annealedK,
  BATCHTOPK_THRESHOLD,
  CLIP_NORM,
  lrFactor,
  RENORM_EPS,
} from '../../model/schedules.ts';
import {
  adamStep,
  clipGradNorm,
  createAdamState,
  projectDecoderGrad,
  type AdamState,
} from './optim.ts';
import {
  cloneParams,
  initParams,
  normalizeDecoderColumns,
  normalizeRows,
  type Normalization,
  type ParamGrads,
  type SaeParams,
} from '../../model/params.ts';

/** Everything a training run carries from one step to the next. */
export interface TrainerState {
  config: TrainConfig;
  params: SaeParams;
  adam: AdamState;
  /** Index of the next step (0 before the first). */
  step: number;
  /** Rows since each feature last fired [F]. */
  numTokensSinceFired: Float64Array;
}

/** Options of {@link createTrainer}. */
export interface CreateTrainerOptions {
  /** Input normalisation (default: none, norm_factor 1 and zero shift). */
  normalization?: Normalization;
  /** Start from these parameters instead of a seeded init (they are used, not copied). */
  params?: SaeParams;
}

/**
 * Validates the configuration and builds the initial state. With k annealing the model's k
 * starts at D (reference behaviour); with α annealing α starts at 1.
 */
export function createTrainer(
  input: TrainConfigInput,
  D: number,
  opts: CreateTrainerOptions = {},
): TrainerState {
  const config = resolveConfig(input, D);
  const F = config.dict_size;
  const params =
    opts.params ??
    initParams({
      D,
      F,
      k: config.k,
      kMax: config.k_max,
      alpha: config.soft_topk_alpha,
      seed: config.seed,
    });
  if (params.D !== D || params.F !== F)
    throw new Error('createTrainer: params do not match D / dict_size');
  params.k = config.k_anneal_steps ? D : config.k;
  params.kMax = config.k_max;
  params.alpha = config.alpha_anneal_steps ? 1 : config.soft_topk_alpha;
  if (opts.normalization) {
    params.normFactor = opts.normalization.normFactor;
    params.shiftFactor = opts.normalization.shiftFactor.slice();
  }
  return {
    config,
    params,
    adam: createAdamState(params.tensors),
    step: 0,
    numTokensSinceFired: new Float64Array(F),
  };
}

/** Deep copy of a trainer state (parameters, Adam moments and counts, counters, config). */
export function cloneTrainerState(state: TrainerState): TrainerState {
  const copy = <T extends Record<string, Float64Array>>(o: T): T =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.slice()])) as T;
  return {
    config: { ...state.config },
    params: cloneParams(state.params),
    adam: { m: copy(state.adam.m), v: copy(state.adam.v), step: { ...state.adam.step } },
    step: state.step,
    numTokensSinceFired: state.numTokensSinceFired.slice(),
  };
}

/** The forward mode a step uses. */
export function stepMode(config: TrainConfig, step: number): ForwardMode {
  if (config.arch !== 'softsae') return config.arch;
  const hard = config.hard_topk_steps !== null && config.hard_topk_steps > 0;
  return hard && step > config.steps - config.hard_topk_steps! ? 'hard' : 'soft';
}

/** What one step did (values before the parameter update unless stated). */
export interface StepReport {
  step: number;
  mode: ForwardMode;
  /** Learning rate used by this step's Adam update. */
  lr: number;
  fwd: ForwardResult;
  loss: LossResult;
  /** Global gradient norm after projection, before clipping. */
  gradNorm: number;
  /** Gradients as given to Adam (projected and clipped). */
  grads: ParamGrads;
  /** Number of dead features seen by the aux term. */
  deadCount: number;
}

/** Runs one training step on a raw batch x [B, D] (normalised here with the model's factors). */
export function trainStep(state: TrainerState, xRaw: Float64Array): StepReport {
  const { config, params } = state;
  const { D, F } = params;
  const s = state.step;
  const x = normalizeRows(xRaw, params);
  const B = x.length / D;
  if (s === 0) params.tensors.b_dec.set(geometricMedian(x, D));

  const mode = stepMode(config, s);
  const fwd = forward(params, x, mode);
  if (config.arch === 'batchtopk' && s > BATCHTOPK_THRESHOLD.startStep)
    updateThreshold(params, fwd.f);

  updateDeadCounters(state.numTokensSinceFired, fwd.f, B);
  const dead = deadMask(state.numTokensSinceFired, config.dead_feature_threshold);
  const opts = {
    kLossWeight: mode === 'soft' ? config.k_loss_weight : 0,
    auxAlpha: config.auxk_alpha,
    dead,
  };
  const loss = computeLoss(params, x, fwd, opts);
  const grads = backward(params, x, fwd, loss, opts);

  projectDecoderGrad(params.tensors['decoder.weight'], grads['decoder.weight']!, D, F);
  const gradNorm = clipGradNorm(grads, CLIP_NORM);
  const lr = config.lr * lrFactor(s, config.steps, config.warmup_steps, config.decay_start);
  adamStep(params.tensors, grads, state.adam, lr);

  if (config.k_anneal_steps) params.k = annealedK(s, D, config.k, config.k_anneal_steps);
  if (config.alpha_anneal_steps)
    params.alpha = annealedAlpha(s, config.soft_topk_alpha, config.alpha_anneal_steps);
  normalizeDecoderColumns(params.tensors['decoder.weight'], D, F, RENORM_EPS);
  state.step = s + 1;

  let deadCount = 0;
  for (const v of dead) deadCount += v;
  return { step: s, mode, lr, fwd, loss, gradNorm, grads, deadCount };
}

/**
 * BatchTopK θ: the smallest positive kept value of the batch (0 if none); the first update sets
 * θ, later ones blend θ ← β·θ + (1 − β)·min.
 */
export function updateThreshold(params: SaeParams, f: Float64Array): void {
  let min = Infinity;
  for (const v of f) if (v > 0 && v < min) min = v;
  if (min === Infinity) min = 0;
  const { beta } = BATCHTOPK_THRESHOLD;
  params.threshold = params.threshold < 0 ? min : beta * params.threshold + (1 - beta) * min;
}
