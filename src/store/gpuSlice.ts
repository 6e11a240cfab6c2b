import type { StateCreator } from 'zustand';
import type { AdapterSummary } from '../gpu/device';
import type { GpuEvent } from '../gpu/events';

export type GpuStatus = 'probing' | 'ready' | 'unavailable' | 'lost';

export interface GpuSlice {
  gpuStatus: GpuStatus;
  adapter: AdapterSummary | null;
  deviceFeatures: string[];
  /** The engine device's limits (what training is checked against). */
  deviceLimits: Record<string, number> | null;
  gpuMessage: string | null;
  /** Recent uncaptured GPU errors (newest last, bounded). */
  gpuErrors: string[];
  setGpuReady(
    adapter: AdapterSummary,
    deviceFeatures: string[],
    deviceLimits: Record<string, number>,
  ): void;
  setGpuUnavailable(message: string): void;
  gpuEvent(event: GpuEvent): void;
}

/** Human-readable adapter name: description, else vendor/architecture. */
export function adapterName(s: AdapterSummary): string {
  const parts = [s.description, [s.vendor, s.architecture].filter(Boolean).join(' ')].filter(
    Boolean,
  );
  return parts.join(' — ') || 'unknown adapter';
}

const MAX_ERRORS = 20;

export const createGpuSlice: StateCreator<GpuSlice, [], [], GpuSlice> = (set) => ({
  gpuStatus: 'probing',
  adapter: null,
  deviceFeatures: [],
  deviceLimits: null,
  gpuMessage: null,
  gpuErrors: [],
  setGpuReady: (adapter, deviceFeatures, deviceLimits) =>
    set({ gpuStatus: 'ready', adapter, deviceFeatures, deviceLimits, gpuMessage: null }),
  setGpuUnavailable: (message) => set({ gpuStatus: 'unavailable', gpuMessage: message }),
  gpuEvent: (event) =>
    set((s) =>
      event.type === 'lost'
        ? { gpuStatus: 'lost', gpuMessage: `GPU device lost (${event.reason}): ${event.message}` }
        : { gpuErrors: [...s.gpuErrors, `${event.kind}: ${event.message}`].slice(-MAX_ERRORS) },
    ),
});
