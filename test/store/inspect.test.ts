import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { createInspectSlice, type InspectSlice } from '../../src/store/inspectSlice';
import { createRunsSlice, type RunSummary, type RunsSlice } from '../../src/store/runsSlice';

const store = () =>
  create<InspectSlice & RunsSlice>()((...a) => ({
    ...createInspectSlice(...a),
    ...createRunsSlice(...a),
  }));

const run = (runId: string, step: number): RunSummary => ({
  runId,
  arch: 'softsae',
  config: { F: 8 },
  datasetId: 'quick',
  rows: 10,
  step,
  final: false,
  fvu: 0.5,
  meanL0: 2,
  deadFraction: 0,
  l0Hist: [1, 9],
});

describe('inspect slice', () => {
  it('selecting another run clears row, feature and brush; the same run keeps them', () => {
    const s = store();
    s.getState().selectRun('a');
    s.getState().selectRow(3);
    s.getState().selectFeature(5);
    s.getState().setBrush({ x: [0, 1], y: [0, 2] });
    s.getState().selectRun('a');
    expect(s.getState().inspect).toMatchObject({ row: 3, feature: 5, brush: { x: [0, 1] } });
    s.getState().selectRun('b');
    expect(s.getState().inspect).toMatchObject({
      runId: 'b',
      row: null,
      feature: null,
      brush: null,
    });
  });

  it('sorting by the current key flips the direction; a new key starts descending (index ascending)', () => {
    const s = store();
    expect(s.getState().inspect.sort).toEqual({ key: 'count', descending: true });
    s.getState().sortFeatures('count');
    expect(s.getState().inspect.sort).toEqual({ key: 'count', descending: false });
    s.getState().sortFeatures('max');
    expect(s.getState().inspect.sort).toEqual({ key: 'max', descending: true });
    s.getState().sortFeatures('feature');
    expect(s.getState().inspect.sort).toEqual({ key: 'feature', descending: false });
  });
});

describe('runs slice', () => {
  it('adds runs in order and replaces a run evaluated again', () => {
    const s = store();
    s.getState().runEvaluated(run('a', 10));
    s.getState().runEvaluated(run('b', 5));
    s.getState().runEvaluated({ ...run('a', 20), final: true });
    expect(s.getState().runs.map((r) => [r.runId, r.step, r.final])).toEqual([
      ['a', 20, true],
      ['b', 5, false],
    ]);
  });
});
