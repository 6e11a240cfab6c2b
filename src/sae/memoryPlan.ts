/**
 * GPU memory a training run will allocate, worked out from its shape before any GPU work, so a
 * model or batch too large for the device is refused up front with the numbers (reliability
 * case 28) — in the form, and again in the engine before it allocates anything.
 *
 * The large buffers, all float32 or u32 (4 bytes per entry):
 *   4 arenas (parameters, gradients, Adam m, Adam v)   arenaLayout(D, F).size entries each
 *   [B, F] workspace (h, z, f, ∂f, ∂pre, ∂z, aux-k z)   B·F each
 *   sparse lists (2 list sets: codes f and ∂pre)        sparseCapacity(B, F, k) entries per array
 *   [B, D] workspace and the small buffers               counted in the total, never the largest
 * Every storage buffer is bound whole by some kernel, so each must fit one binding
 * (`maxStorageBufferBindingSize`) as well as `maxBufferSize`.
 */
import type { TrainConfig } from '../reference/sae/config';
import { arenaLayout } from './arena';

/**
 * Entries per list set: up to a quarter of B·F (beyond that the sparse products stop paying
 * for their lists on SwiftShader — docs/sparse.md), and at least 4·k_max per row.
 */
export function sparseCapacity(B: number, F: number, kMax: number): number {
  return B * Math.min(F, Math.max(4 * Math.ceil(kMax), Math.ceil(F / 4)));
}

export interface PlannedBuffer {
  /** The engine's label (src/sae/buffers.ts, sparseLists.ts). */
  label: string;
  bytes: number;
  /** How its size comes about, for messages. */
  why: string;
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

export function trainingMemory({ D, F, B, kMax }: TrainShape): MemoryPlan {
  const arena = arenaLayout(D, F).size * 4;
  const bf = B * F * 4;
  const capacity = sparseCapacity(B, F, kMax) * 4;
  const buffers: PlannedBuffer[] = [
    ...['params', 'grads', 'adamM', 'adamV'].map((k) => ({
      label: `Sae.${k}`,
      bytes: arena,
      why: `the ${k === 'params' ? 'parameters' : k} of a dictionary of ${F} atoms of width ${D}`,
    })),
    ...['h', 'z', 'f', 'df', 'dpre', 'dz', 'aux.zAux'].map((n) => ({
      label: `Sae.${n}`,
      bytes: bf,
      why: `batch ${B} × dictionary ${F}`,
    })),
    ...['f', 'p'].flatMap((list) =>
      ['col', 'valA', 'cscRow', 'cscEntry'].map((n) => ({
        label: `Sae.sparse.${list}Lists.${n}`,
        bytes: capacity,
        why: `sparse lists of up to ${capacity / 4} active codes per batch`,
      })),
    ),
    ...['x', 'xn', 'xc', 'xHat', 'resid', 'gxHat', 'aux.rec'].map((n) => ({
      label: `Sae.${n}`,
      bytes: B * D * 4,
      why: `batch ${B} × width ${D}`,
    })),
  ];
  const total = buffers.reduce((a, b) => a + b.bytes, 0);
  const largest = buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return { buffers, total, largest };
}

/** The two limits that bound one buffer (a subset of GPUSupportedLimits). */
export interface BufferLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 24 ? 2 : 0)} MiB`;

/** The largest batch whose [B, F] buffers and lists fit `limit` bytes (0 if none does). */
function largestBatch(shape: TrainShape, limit: number): number {
  let lo = 0;
  let hi = shape.B;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const plan = trainingMemory({ ...shape, B: mid });
    const batchBound = plan.buffers.filter((b) => !b.label.match(/^Sae\.(params|grads|adam)/));
    if (batchBound.every((b) => b.bytes <= limit)) lo = mid;
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
  const limit = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  const name =
    limits.maxStorageBufferBindingSize <= limits.maxBufferSize
      ? 'maxStorageBufferBindingSize'
      : 'maxBufferSize';
  const plan = trainingMemory(shape);
  const over = plan.buffers.filter((b) => b.bytes > limit);
  if (over.length === 0) return null;
  const worst = over.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const head =
    `${worst.label} needs ${mib(worst.bytes)} (${worst.why}) but this GPU allows ` +
    `${mib(limit)} per buffer (${name})`;
  const arena = plan.buffers[0];
  const B = arena.bytes > limit ? 0 : largestBatch(shape, limit);
  return B >= 1
    ? { key: 'batch_size', message: `${head}: use a batch of at most ${B}.` }
    : { key: 'dict_size', message: `${head}: use a smaller dictionary size.` };
}
