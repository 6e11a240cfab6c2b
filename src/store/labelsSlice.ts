/**
 * Feature labels and notes by run (small text a person types; src/io/labels.ts). The page's
 * persistence (src/session/labels.ts) loads a run's labels from storage into here and writes them
 * back after each edit, reporting where that stands in `labelsSave`.
 */
import type { StateCreator } from 'zustand';
import { cleanLabel, type FeatureLabel, type FeatureLabels } from '../io/labels';

/** Where a run's labels stand against storage. */
export type LabelsSaveState =
  | { state: 'saving' }
  | { state: 'saved' }
  /** Kept in this page only (an imported SAE has no saved run), with the reason. */
  | { state: 'memory'; reason: string }
  | { state: 'error'; message: string };

export interface LabelsSlice {
  labels: Record<string, FeatureLabels>;
  labelsSave: Record<string, LabelsSaveState>;
  /** Sets feature j's label and note (cut to the limits); both empty removes the entry. */
  setFeatureLabel(runId: string, feature: number, label: FeatureLabel): void;
  /**
   * Labels read from storage: entries edited in this page since (already in the store) win over
   * the stored ones.
   */
  labelsLoaded(runId: string, labels: FeatureLabels): void;
  setLabelsSave(runId: string, s: LabelsSaveState): void;
}

export const createLabelsSlice: StateCreator<LabelsSlice, [], [], LabelsSlice> = (set) => ({
  labels: {},
  labelsSave: {},
  setFeatureLabel: (runId, feature, label) =>
    set((s) => {
      const run: Record<number, FeatureLabel> = { ...s.labels[runId] };
      const l = cleanLabel(label);
      if (l.label === '' && l.note === '') delete run[feature];
      else run[feature] = l;
      return { labels: { ...s.labels, [runId]: run } };
    }),
  labelsLoaded: (runId, labels) =>
    set((s) => ({ labels: { ...s.labels, [runId]: { ...labels, ...s.labels[runId] } } })),
  setLabelsSave: (runId, state) =>
    set((s) => ({ labelsSave: { ...s.labelsSave, [runId]: state } })),
});
