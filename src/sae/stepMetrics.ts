/**
 * The per-step scalars a training step reports, and where they sit in the workspace `scalars`
 * buffer that one pipelined readback copies per step (see {@link GpuTrainer}).
 */
import type { OptimStatus } from '../gpu/kernels/gradnorm';
import { LOSS_SCALARS } from '../gpu/kernels/loss';
import type { Arch } from '../model/config';
import { AUX_SCALAR } from './aux';
import type { GpuForwardMode } from './forward';

/** What one step reports once its scalars arrive from the GPU. */
export interface StepMetrics {
  step: number;
  mode: GpuForwardMode;
  lr: number;
  l2: number;
  kLoss: number;
  /** The aux-k term, unweighted (0 while it is inactive). */
  aux: number;
  /** l2 + λ_k·kLoss + λ_aux·aux. */
  loss: number;
  kMean: number;
  kMin: number;
  kMax: number;
  deadCount: number;
  /** BatchTopK θ after this step (−1 until set; NaN for the other architectures). */
  threshold: number;
  gradNorm: number;
  /** Steps skipped so far for a non-finite loss or gradient. */
  skipped: number;
  nonFinite: boolean;
  /** Nonzero codes in the batch (B·F when the products are dense by choice). */
  activeCodes: number;
  /** The decoder products ran over the active codes (false: dense, by choice or on overflow). */
  sparse: boolean;
}

/**
 * Float slots of the workspace scalars: loss.wgsl's (LOSS_SCALARS, 0…5), then the dead count
 * (u32, copied in), aux (auxk.wgsl), the code lists' status [total active, stored, overflow, max
 * per row] (u32, copied in) and θ (copied in). `count` floats are read back.
 */
export const METRIC_SLOTS = {
  deadCount: 6,
  aux: AUX_SCALAR,
  codeStatus: 8,
  threshold: 12,
  count: 13,
} as const;

/**
 * Copies the scalars other kernels left elsewhere into their slots of `scalars`, so that one
 * readback per step carries them all: the dead count, the code lists' status (when the step has
 * lists) and θ.
 */
export function gatherMetrics(
  encoder: GPUCommandEncoder,
  scalars: GPUBuffer,
  from: { deadCount: GPUBuffer; lists: { codeStatus: GPUBuffer } | null; threshold: GPUBuffer },
): void {
  const at = (slot: number) => slot * 4;
  encoder.copyBufferToBuffer(from.deadCount, 0, scalars, at(METRIC_SLOTS.deadCount), 4);
  if (from.lists)
    encoder.copyBufferToBuffer(from.lists.codeStatus, 0, scalars, at(METRIC_SLOTS.codeStatus), 16);
  encoder.copyBufferToBuffer(from.threshold, 0, scalars, at(METRIC_SLOTS.threshold), 4);
}

/** What the host knew about the step when it encoded it. */
export interface StepInfo {
  step: number;
  mode: GpuForwardMode;
  lr: number;
  arch: Arch;
  /** Whether the aux kernels ran (otherwise its slot is stale and aux is 0). */
  auxEncoded: boolean;
  /** Set when the products are dense by choice (no code lists): the number of codes, B·F. */
  denseCodes?: number;
}

/** Decodes the read-back scalars and optimizer status of one step. */
export function decodeStepMetrics(raw: ArrayBuffer, st: OptimStatus, info: StepInfo): StepMetrics {
  const f = new Float32Array(raw);
  const lists = new Uint32Array(raw, METRIC_SLOTS.codeStatus * 4, 4);
  return {
    step: info.step,
    mode: info.mode,
    lr: info.lr,
    l2: f[LOSS_SCALARS.l2],
    kLoss: f[LOSS_SCALARS.kLoss],
    aux: info.auxEncoded ? f[METRIC_SLOTS.aux] : 0,
    loss: f[LOSS_SCALARS.total],
    kMean: f[LOSS_SCALARS.kMean],
    kMin: f[LOSS_SCALARS.kMin],
    kMax: f[LOSS_SCALARS.kMax],
    deadCount: new Uint32Array(raw, METRIC_SLOTS.deadCount * 4, 1)[0],
    threshold: info.arch === 'batchtopk' ? f[METRIC_SLOTS.threshold] : NaN,
    gradNorm: st.norm,
    skipped: st.skipped,
    nonFinite: st.nonFinite,
    activeCodes: info.denseCodes ?? lists[0],
    sparse: info.denseCodes === undefined && lists[2] === 0,
  };
}
