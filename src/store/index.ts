/** One bound store made of typed slices. Only small serialisable summaries live here. */
import { create } from 'zustand';
import { createDatasetSlice, type DatasetSlice } from './datasetSlice';
import { createGpuSlice, type GpuSlice } from './gpuSlice';
import { createSelfCheckSlice, type SelfCheckSlice } from './selfCheckSlice';
import { createTrainingSlice, type TrainingSlice } from './trainingSlice';

export type AppState = GpuSlice & SelfCheckSlice & TrainingSlice & DatasetSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createGpuSlice(...a),
  ...createSelfCheckSlice(...a),
  ...createTrainingSlice(...a),
  ...createDatasetSlice(...a),
}));
