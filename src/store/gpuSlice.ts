import type { StateCreator } from 'zustand';
import type { AdapterSummary } from '../gpu/device';
import type { GpuEvent } from '../gpu/events';

export type GpuStatus = 'probing' | 'ready' | 'unavailable' | 'lost';

export interface GpuSlice {
  gpuStatus: GpuStatus;
  adapter: AdapterSummary | null;
  deviceFeatures: string[];
  gpuMessage: string | null;
  /** Recent uncaptured GPU errors (newest last, bounded). */
  gpuErrors: string[];
  setGpuReady(adapter: AdapterSummary, deviceFeatures: string[]): void;
  setGpuUnavailable(message: string): void;
  gpuEvent(event: GpuEvent): void;
}

const MAX_ERRORS = 20;

export const createGpuSlice: StateCreator<GpuSlice, [], [], GpuSlice> = (set) => ({
  gpuStatus: 'probing',
  adapter: null,
  deviceFeatures: [],
  gpuMessage: null,
  gpuErrors: [],
  setGpuReady: (adapter, deviceFeatures) =>
    set({ gpuStatus: 'ready', adapter, deviceFeatures, gpuMessage: null }),
  setGpuUnavailable: (message) => set({ gpuStatus: 'unavailable', gpuMessage: message }),
  gpuEvent: (event) =>
    set((s) =>
      event.type === 'lost'
        ? { gpuStatus: 'lost', gpuMessage: `GPU device lost (${event.reason}): ${event.message}` }
        : { gpuErrors: [...s.gpuErrors, `${event.kind}: ${event.message}`].slice(-MAX_ERRORS) },
    ),
});
