/** Typed messages between the page and the engine worker (which owns the GPUDevice). */
import type { AdapterSummary } from '../gpu/device';
import type { GpuEvent } from '../gpu/events';
import type { CheckResult } from '../selfcheck/kernels';

export type EngineRequest = { type: 'probe' } | { type: 'selfcheck' };

export type EngineMessage =
  | { type: 'gpu-ready'; summary: AdapterSummary; deviceFeatures: string[] }
  | { type: 'gpu-unavailable'; message: string }
  | { type: 'gpu-event'; event: GpuEvent }
  | { type: 'selfcheck-start'; total: number }
  | { type: 'selfcheck-result'; index: number; result: CheckResult }
  | { type: 'selfcheck-error'; index: number; name: string; message: string }
  | { type: 'selfcheck-done'; passed: number; total: number; ms: number };
