import type { StateCreator } from 'zustand';

/** What colours the tokens of the token view. */
export type ColourMode = 'khat' | 'error' | 'feature';
export type FeatureSortKey = 'feature' | 'count' | 'frequency' | 'mean' | 'max';

/** A rectangle of the k̂ (or L0) vs error scatter, in data units. */
export interface BrushRange {
  x: [number, number];
  y: [number, number];
}

export interface InspectSlice {
  inspect: {
    runId: string | null;
    row: number | null;
    feature: number | null;
    brush: BrushRange | null;
    colour: ColourMode;
    sort: { key: FeatureSortKey; descending: boolean };
    search: string;
  };
  /** Selecting another run clears what was selected in the previous one. */
  selectRun(runId: string | null): void;
  selectRow(row: number | null): void;
  selectFeature(feature: number | null): void;
  setBrush(brush: BrushRange | null): void;
  setColour(colour: ColourMode): void;
  /** Sorting by the current key again flips the direction. */
  sortFeatures(key: FeatureSortKey): void;
  searchFeatures(search: string): void;
}

export const createInspectSlice: StateCreator<InspectSlice, [], [], InspectSlice> = (set) => ({
  inspect: {
    runId: null,
    row: null,
    feature: null,
    brush: null,
    colour: 'khat',
    sort: { key: 'count', descending: true },
    search: '',
  },
  selectRun: (runId) =>
    set((s) => ({
      inspect:
        runId === s.inspect.runId
          ? s.inspect
          : { ...s.inspect, runId, row: null, feature: null, brush: null },
    })),
  selectRow: (row) => set((s) => ({ inspect: { ...s.inspect, row } })),
  selectFeature: (feature) => set((s) => ({ inspect: { ...s.inspect, feature } })),
  setBrush: (brush) => set((s) => ({ inspect: { ...s.inspect, brush } })),
  setColour: (colour) => set((s) => ({ inspect: { ...s.inspect, colour } })),
  sortFeatures: (key) =>
    set((s) => ({
      inspect: {
        ...s.inspect,
        sort: {
          key,
          descending: s.inspect.sort.key === key ? !s.inspect.sort.descending : key !== 'feature',
        },
      },
    })),
  searchFeatures: (search) => set((s) => ({ inspect: { ...s.inspect, search } })),
});
