/**
 * Adapter and device acquisition. Requests the larger limits the engine needs (up to what the
 * adapter offers) and the optional features that speed it up, and turns `uncapturederror` and
 * `device.lost` into {@link GpuEvents}.
 */
import { GpuEvents, errorKind } from './events';
import { BufferLedger } from './ledger';

/** Limits the engine raises above the WebGPU defaults when the adapter allows. */
export const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
] as const;

/** Optional features used when present. */
export const OPTIONAL_FEATURES: GPUFeatureName[] = ['subgroups', 'timestamp-query', 'shader-f16'];

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
}

export interface GpuContext {
  adapter: GPUAdapter;
  device: GPUDevice;
  summary: AdapterSummary;
  features: ReadonlySet<string>;
  /** The device's limits (the adapter's, or WebGPU's defaults with `defaultLimits`). */
  limits: Record<string, number>;
  /** Live GPU buffer bytes; refuses buffers over the limits (src/gpu/ledger.ts). */
  ledger: BufferLedger;
  events: GpuEvents;
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Request the WebGPU default limits instead of the adapter's (tests the limit checks). */
  defaultLimits?: boolean;
  label?: string;
}

/** Thrown when WebGPU is missing or no adapter is available; the message says how to enable it. */
export class WebGpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGpuUnavailableError';
  }
}

export const HOW_TO_ENABLE =
  'Use a recent Chrome/Edge (113+) or Chromium. On Linux start it with --enable-unsafe-webgpu ' +
  '(and --enable-features=Vulkan for a hardware GPU); in Firefox Nightly set dom.webgpu.enabled; ' +
  'Safari 26+ has WebGPU on by default.';

function limitsRecord(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  // GPUSupportedLimits exposes its members as prototype getters.
  for (const key in limits) {
    const v = (limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out;
}

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean })?.isFallbackAdapter),
    features: [...adapter.features].sort(),
    limits: limitsRecord(adapter.limits),
  };
}

/** Acquires an adapter and a device with the engine's limits and features. */
export async function acquireGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) throw new WebGpuUnavailableError(`WebGPU is not available here. ${HOW_TO_ENABLE}`);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
  if (!adapter)
    throw new WebGpuUnavailableError(`WebGPU has no adapter on this machine. ${HOW_TO_ENABLE}`);

  const requiredLimits: Record<string, number> = {};
  if (!options.defaultLimits) {
    for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    label: options.label ?? 'SoftSAE.device',
    requiredLimits,
    requiredFeatures,
  });

  const events = new GpuEvents();
  device.addEventListener('uncapturederror', (ev) => {
    const error = (ev as GPUUncapturedErrorEvent).error;
    events.emit({ type: 'error', kind: errorKind(error), message: error.message });
  });
  void device.lost.then((info) => {
    events.emit({ type: 'lost', reason: info.reason, message: info.message });
  });

  return {
    adapter,
    device,
    summary: summarizeAdapter(adapter),
    features: new Set([...device.features]),
    limits: limitsRecord(device.limits),
    ledger: new BufferLedger(device),
    events,
  };
}
