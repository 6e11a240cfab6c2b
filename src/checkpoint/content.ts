/**
 * What a training checkpoint holds and how it maps onto the file format of src/io/checkpoint.ts:
 * the JSON header carries the run's metadata (config, step, Adam step counts, RNG state and data
 * cursor, dataset fingerprint, metric history); tensors carry the parameters and Adam moments in
 * the reference layout, the dead-feature counters and the sampler's row order. Pure: runs in
 * Vitest.
 */
import { decodeCheckpoint, encodeCheckpoint, type CheckpointTensor } from '../io/checkpoint.ts';
import { IoError } from '../io/errors.ts';
import type { TrainConfig } from '../model/config.ts';
import { PARAM_NAMES, paramShape, type ParamName } from '../model/params.ts';
import type { RngState } from '../model/rng.ts';
import type { SamplerState } from '../sae/batches.ts';
import type { StepMetrics } from '../sae/stepMetrics.ts';
import type { TrainerSnapshot } from '../sae/trainer.ts';
import type { DatasetFingerprint } from './fingerprint.ts';

export const CHECKPOINT_KIND = 'softsae-training-checkpoint';

/** The checkpoint's JSON metadata. */
export interface CheckpointMeta {
  kind: typeof CHECKPOINT_KIND;
  runId: string;
  /** ISO time of writing. */
  savedAt: string;
  /** Index of the next step (steps completed). */
  step: number;
  config: TrainConfig;
  D: number;
  normFactor: number;
  /** Dataset id when saved (a built-in's id lets a resume find it without the user). */
  datasetId: string;
  dataset: DatasetFingerprint;
  adamSteps: Record<ParamName, number>;
  deadBound: number;
  threshold: number;
  skipped: number;
  /** The data cursor; `window` for a dataset streamed from disk (see SamplerState). */
  sampler: {
    cursor: number;
    epoch: number;
    rng: RngState;
    window?: { first: number; blockRows: number };
  };
  /** The run's checkpoint interval in steps (a resumed run keeps it). */
  checkpointEvery: number;
  /** Step metrics so far (the page's charts), possibly thinned. */
  history: StepMetrics[];
}

/** A decoded checkpoint: metadata, trainer state and sampler state. */
export interface TrainingCheckpoint {
  meta: CheckpointMeta;
  trainer: TrainerSnapshot;
  sampler: SamplerState;
}

type Fields = Omit<
  CheckpointMeta,
  'kind' | 'step' | 'adamSteps' | 'deadBound' | 'threshold' | 'skipped' | 'sampler'
>;

/** Builds the checkpoint of a run from its trainer snapshot and sampler state. */
export function makeCheckpoint(
  fields: Fields,
  trainer: TrainerSnapshot,
  sampler: SamplerState,
): TrainingCheckpoint {
  const { cursor, epoch, rng, window } = sampler;
  const meta: CheckpointMeta = {
    kind: CHECKPOINT_KIND,
    ...fields,
    step: trainer.step,
    adamSteps: trainer.adamSteps,
    deadBound: trainer.deadBound,
    threshold: trainer.threshold,
    skipped: trainer.skipped,
    sampler: window ? { cursor, epoch, rng, window } : { cursor, epoch, rng },
  };
  return { meta, trainer, sampler };
}

// JSON cannot hold NaN/±Inf (a skipped step's loss, θ of non-BatchTopK runs): encode as strings.
const encodeNumber = (_k: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v) ? `__num:${v}` : v;
function decodeNumbers(v: unknown): unknown {
  if (typeof v === 'string' && v.startsWith('__num:')) return Number(v.slice(6));
  if (Array.isArray(v)) return v.map(decodeNumbers);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeNumbers(x)]));
  return v;
}

/** Encodes a checkpoint into file bytes. */
export function encodeTrainingCheckpoint(c: TrainingCheckpoint): Uint8Array<ArrayBuffer> {
  const { D, config } = c.meta;
  const F = config.dict_size;
  const tensors: { name: string; data: CheckpointTensor; shape?: number[] }[] = [];
  for (const [prefix, set] of [
    ['params', c.trainer.params],
    ['adam_m', c.trainer.adamM],
    ['adam_v', c.trainer.adamV],
  ] as const)
    for (const n of PARAM_NAMES)
      tensors.push({ name: `${prefix}/${n}`, data: set[n], shape: paramShape(n, D, F) });
  tensors.push({ name: 'dead/since_fired', data: c.trainer.sinceFired });
  tensors.push({ name: 'sampler/order', data: c.sampler.order });
  const meta = JSON.parse(JSON.stringify(c.meta, encodeNumber)) as unknown;
  return encodeCheckpoint(meta, tensors);
}

/** Verifies and decodes checkpoint bytes (IoError on any problem, naming `file`). */
export function decodeTrainingCheckpoint(bytes: Uint8Array, file: string): TrainingCheckpoint {
  const { meta: raw, tensors } = decodeCheckpoint(bytes, file);
  const meta = decodeNumbers(raw) as CheckpointMeta;
  if (meta?.kind !== CHECKPOINT_KIND)
    throw new IoError(file, 'checkpoint/kind', 'not a training checkpoint');
  const get = <T extends CheckpointTensor>(name: string, type: new (n: number) => T): T => {
    const t = tensors.get(name);
    if (!(t instanceof type)) throw new IoError(file, 'checkpoint/tensor', `no tensor ${name}`);
    return t;
  };
  const set = (prefix: string) =>
    Object.fromEntries(PARAM_NAMES.map((n) => [n, get(`${prefix}/${n}`, Float32Array)])) as Record<
      ParamName,
      Float32Array
    >;
  const m = meta;
  const trainer: TrainerSnapshot = {
    step: m.step,
    params: set('params'),
    adamM: set('adam_m'),
    adamV: set('adam_v'),
    adamSteps: m.adamSteps,
    sinceFired: get('dead/since_fired', Uint32Array),
    deadBound: m.deadBound,
    threshold: m.threshold,
    skipped: m.skipped,
  };
  const sampler: SamplerState = { ...m.sampler, order: get('sampler/order', Uint32Array) };
  return { meta, trainer, sampler };
}
