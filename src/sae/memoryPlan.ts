/**
 * GPU memory a training run will allocate, worked out from its shape before any GPU work, so a
 * model or batch too large for the device is refused up front with the numbers (reliability
 * case 28) — in the form, and again in the engine before it allocates anything.
 *
 * The large buffers, all float32 or u32 (4 bytes per entry):
 *   per tensor × {parameters, gradient, Adam m, Adam v}   its size (src/sae/paramBuffers.ts):
 *     W_enc, W_dec (stored [F, D]), W₁: F·D each; b_enc, b₁, w₂: F; b_dec: D; b₂: 1
 *   [B, F] workspace (h, z, f, ∂f, ∂pre, ∂z, aux-k z)     B·F each
 *   sparse lists (2 list sets: codes f and ∂pre)          sparseCapacity(B, F, k) entries per array
 *   [B, D] workspace                                      B·D each
 * Small buffers (uniforms, [B] and [F] vectors, status words) are left out: the total is a lower
 * bound. Every storage buffer is bound whole by some kernel, and never more than one tensor per
 * binding, so each buffer must fit one binding (`maxStorageBufferBindingSize`) as well as
 * `maxBufferSize`; a tensor is never split across bindings.
 */
import type { TrainConfig } from '../model/config';
import { PARAM_NAMES, type ParamName } from '../model/params';
import { deviceShape, PARAM_KINDS, tensorLabel, type ParamKind } from './arena';

/**
 * Entries per list set: up to a quarter of B·F (beyond that the sparse products stop paying
 * for their lists on SwiftShader — docs/sparse.md), and at least 4·k_max per row.
 */
export function sparseCapacity(B: number, F: number, kMax: number): number {
  return B * Math.min(F, Math.max(4 * Math.ceil(kMax), Math.ceil(F / 4)));
}

export interface PlannedBuffer {
  /** The engine's label (src/sae/paramBuffers.ts, buffers.ts, sparseLists.ts). */
  label: string;
  bytes: number;
  /** How its size comes about, for messages. */
  why: string;
  /** `model`: sized by (D, F) alone; `batch`: proportional to the batch B. */
  group: 'model' | 'batch';
  /** The row of the plan's table it is counted in: its tensor, or its kind of workspace. */
  row: string;
  /** Its shape, for the table. */
  shape: string;
}

export interface MemoryPlan {
  buffers: PlannedBuffer[];
  /** Every planned buffer, in bytes (a lower bound of what the run holds). */
  total: number;
  largest: PlannedBuffer;
}

export interface TrainShape {
  D: number;
  F: number;
  B: number;
  /** k_max for SoftSAE, k otherwise (sizes the sparse lists). */
  kMax: number;
}

/** The shape that sizes a run's GPU buffers. */
export function trainShapeOf(c: TrainConfig, D: number): TrainShape {
  return { D, F: c.dict_size, B: c.batch_size, kMax: c.arch === 'softsae' ? c.k_max : c.k };
}

const TENSOR_WORDS: Record<ParamName, string> = {
  'encoder.weight': 'the encoder weight',
  'encoder.bias': 'the encoder bias',
  'decoder.weight': 'the decoder weight (stored transposed)',
  b_dec: 'the decoder bias',
  'k_estimator.0.weight': "the k-estimator's hidden weight",
  'k_estimator.0.bias': "the k-estimator's hidden bias",
  'k_estimator.2.weight': "the k-estimator's output weight",
  'k_estimator.2.bias': "the k-estimator's output bias",
};
const KIND_WORDS: Record<ParamKind, string> = {
  params: '',
  grads: 'gradient of ',
  adamM: 'Adam m of ',
  adamV: 'Adam v of ',
};

export function trainingMemory({ D, F, B, kMax }: TrainShape): MemoryPlan {
  const bf = B * F * 4;
  const capacity = sparseCapacity(B, F, kMax) * 4;
  const batch = (row: string, shape: string, label: string, bytes: number, why: string) => ({
    label,
    bytes,
    why,
    group: 'batch' as const,
    row,
    shape,
  });
  const listShape = `${sparseCapacity(B, F, kMax)}`;
  const buffers: PlannedBuffer[] = [
    ...PARAM_KINDS.flatMap((kind) =>
      PARAM_NAMES.map((tensor) => {
        const shape = deviceShape(tensor, D, F);
        return {
          label: tensorLabel(kind, tensor),
          // One float32 per entry, at least 4 bytes (src/gpu/buffers.ts alignedSize).
          bytes: shape.reduce((a, b) => a * b, 1) * 4,
          why: `${KIND_WORDS[kind]}${TENSOR_WORDS[tensor]}, [${shape.join(', ')}] float32`,
          group: 'model' as const,
          row: tensor,
          shape: `[${shape.join(', ')}]`,
        };
      }),
    ),
    ...['h', 'z', 'f', 'df', 'dpre', 'dz', 'aux.zAux'].map((n) =>
      batch('[B, F] workspace', `[${B}, ${F}]`, `Sae.${n}`, bf, `batch ${B} × dictionary ${F}`),
    ),
    ...['f', 'p'].flatMap((list) =>
      ['col', 'valA', 'cscRow', 'cscEntry'].map((n) =>
        batch(
          'sparse code lists',
          `[${listShape}]`,
          `Sae.sparse.${list}Lists.${n}`,
          capacity,
          `sparse lists of up to ${capacity / 4} active codes per batch`,
        ),
      ),
    ),
    ...['x', 'xn', 'xc', 'xHat', 'resid', 'gxHat', 'aux.rec'].map((n) =>
      batch('[B, D] workspace', `[${B}, ${D}]`, `Sae.${n}`, B * D * 4, `batch ${B} × width ${D}`),
    ),
  ];
  const total = buffers.reduce((a, b) => a + b.bytes, 0);
  const largest = buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return { buffers, total, largest };
}

export interface PlanRow {
  /** A tensor name, or a kind of workspace. */
  row: string;
  shape: string;
  /** Bytes of each buffer of the row, how many buffers, and their sum. */
  each: number;
  count: number;
  bytes: number;
  /** Buffer labels (for titles). */
  labels: string[];
}

/**
 * The plan as a table: one row per tensor (its parameters, gradient and two moments, 4 buffers
 * of the same size) and one per kind of workspace, in the plan's order.
 */
export function planRows(plan: MemoryPlan): PlanRow[] {
  const rows = new Map<string, PlanRow>();
  for (const b of plan.buffers) {
    const r = rows.get(b.row);
    if (r) {
      r.count++;
      r.bytes += b.bytes;
      r.labels.push(b.label);
    } else
      rows.set(b.row, {
        row: b.row,
        shape: b.shape,
        each: b.bytes,
        count: 1,
        bytes: b.bytes,
        labels: [b.label],
      });
  }
  return [...rows.values()];
}

/** The two limits that bound one buffer (a subset of GPUSupportedLimits). */
export interface BufferLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** The bytes one buffer may hold on this device, and the limit that says so. */
export function bufferLimit(limits: BufferLimits): { bytes: number; name: string } {
  const binding = limits.maxStorageBufferBindingSize <= limits.maxBufferSize;
  return binding
    ? { bytes: limits.maxStorageBufferBindingSize, name: 'maxStorageBufferBindingSize' }
    : { bytes: limits.maxBufferSize, name: 'maxBufferSize' };
}

export const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 24 ? 2 : 0)} MiB`;
const exact = (n: number) => n.toLocaleString('en-US');

/**
 * The largest batch whose buffers all fit `limits` (0 if none does: the model alone is too
 * large). Every batch buffer is proportional to B, so it is the limit over the largest per-row size.
 */
export function largestBatch(shape: TrainShape, limits: BufferLimits): number {
  const limit = bufferLimit(limits).bytes;
  const one = trainingMemory({ ...shape, B: 1 }).buffers;
  if (one.some((b) => b.group === 'model' && b.bytes > limit)) return 0;
  const perRow = Math.max(...one.filter((b) => b.group === 'batch').map((b) => b.bytes));
  return Math.floor(limit / perRow);
}

/** The largest dictionary size at this batch whose buffers all fit `limit` bytes (0 if none). */
function largestDictionary(shape: TrainShape, limit: number): number {
  const fits = (F: number) =>
    trainingMemory({ ...shape, F }).buffers.every((b) => b.bytes <= limit);
  let lo = 0;
  let hi = shape.F;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface LimitProblem {
  /** The setting to change. */
  key: 'batch_size' | 'dict_size';
  /** The buffer, its size and cause, the limit by name and value, and what would fit. */
  message: string;
}

/** Why this shape does not fit the device (null when it does). */
export function limitProblem(shape: TrainShape, limits: BufferLimits): LimitProblem | null {
  const { bytes: limit, name } = bufferLimit(limits);
  const plan = trainingMemory(shape);
  const over = plan.buffers.filter((b) => b.bytes > limit);
  if (over.length === 0) return null;
  const model = over.filter((b) => b.group === 'model');
  if (model.length > 0) {
    // A tensor over the limit: no batch helps, and a matrix is never split across bindings.
    const worst = model.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const more = model.length - 1;
    const F = largestDictionary(shape, limit);
    return {
      key: 'dict_size',
      message:
        `${worst.label} needs ${mib(worst.bytes)} (${worst.why}: ${exact(worst.bytes)} bytes) ` +
        `but this GPU allows ${mib(limit)} per buffer (${name} = ${exact(limit)} bytes)` +
        (more > 0 ? `, and so do ${more} more of the model's buffers` : '') +
        `; a tensor is never split across buffers: ` +
        (F >= 1 ? `use a dictionary of at most ${F} atoms.` : 'use a smaller dictionary size.'),
    };
  }
  const worst = over.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const head =
    `${worst.label} needs ${mib(worst.bytes)} (${worst.why}) but this GPU allows ` +
    `${mib(limit)} per buffer (${name})`;
  const B = largestBatch(shape, limits);
  return B >= 1
    ? { key: 'batch_size', message: `${head}: use a batch of at most ${B}.` }
    : { key: 'dict_size', message: `${head}: use a smaller dictionary size.` };
}
