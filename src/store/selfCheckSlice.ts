import type { StateCreator } from 'zustand';

/** One row of the kernel self-check as the page shows it (small, serialisable). */
export interface SelfCheckRow {
  name: string;
  status: 'pass' | 'fail' | 'error';
  maxAbsError?: number;
  worstRatio?: number;
  values?: number;
  message?: string;
}

export interface SelfCheckSlice {
  selfCheck: {
    state: 'idle' | 'running' | 'done';
    total: number;
    rows: SelfCheckRow[];
    passed: number;
    ms: number;
  };
  selfCheckStarted(total: number): void;
  selfCheckRow(index: number, row: SelfCheckRow): void;
  selfCheckDone(passed: number, ms: number): void;
}

export const createSelfCheckSlice: StateCreator<SelfCheckSlice, [], [], SelfCheckSlice> = (
  set,
) => ({
  selfCheck: { state: 'idle', total: 0, rows: [], passed: 0, ms: 0 },
  selfCheckStarted: (total) =>
    set({ selfCheck: { state: 'running', total, rows: [], passed: 0, ms: 0 } }),
  selfCheckRow: (index, row) =>
    set((s) => {
      const rows = [...s.selfCheck.rows];
      rows[index] = row;
      return { selfCheck: { ...s.selfCheck, rows } };
    }),
  selfCheckDone: (passed, ms) =>
    set((s) => ({ selfCheck: { ...s.selfCheck, state: 'done', passed, ms } })),
});
