/** One bound store made of typed slices. Only small serialisable summaries live here. */
import { create } from 'zustand';
import { createDatasetSlice, type DatasetSlice } from './datasetSlice';
import { createGpuSlice, type GpuSlice } from './gpuSlice';
import { createInspectSlice, type InspectSlice } from './inspectSlice';
import { createLabelsSlice, type LabelsSlice } from './labelsSlice';
import { createRunsSlice, type RunsSlice } from './runsSlice';
import { createSelfCheckSlice, type SelfCheckSlice } from './selfCheckSlice';
import { createSweepSlice, type SweepSlice } from './sweepSlice';
import { createTrainingSlice, type TrainingSlice } from './trainingSlice';

export type AppState = GpuSlice &
  SelfCheckSlice &
  TrainingSlice &
  DatasetSlice &
  RunsSlice &
  InspectSlice &
  SweepSlice &
  LabelsSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createGpuSlice(...a),
  ...createSelfCheckSlice(...a),
  ...createTrainingSlice(...a),
  ...createRunsSlice(...a),
  ...createInspectSlice(...a),
  ...createDatasetSlice(...a),
  ...createSweepSlice(...a),
  ...createLabelsSlice(...a),
}));
