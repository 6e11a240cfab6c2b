/** One bound store made of typed slices. Only small serialisable summaries live here. */
import { create } from 'zustand';
import { createGpuSlice, type GpuSlice } from './gpuSlice';
import { createSelfCheckSlice, type SelfCheckSlice } from './selfCheckSlice';

export type AppState = GpuSlice & SelfCheckSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createGpuSlice(...a),
  ...createSelfCheckSlice(...a),
}));
