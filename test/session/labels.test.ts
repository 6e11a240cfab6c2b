// Label persistence (src/session/labels.ts) with a storage in memory: a run's stored labels are
// read when the run appears, an edit is written back (the stored document read independently
// with JSON.parse), stored labels are never overwritten before they were read, and an imported
// SAE's labels stay in the page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LabelsPersistence, type LabelsStorage } from '../../src/session/labels';
import { useAppStore } from '../../src/store';
import type { RunSummary } from '../../src/store/runsSlice';

const run = (runId: string, config: Record<string, string | number> = { F: 8 }): RunSummary => ({
  runId,
  arch: 'softsae',
  config,
  datasetId: 'quick',
  rows: 10,
  step: 1,
  final: true,
  fvu: 0.5,
  meanL0: 2,
  deadFraction: 0,
  l0Hist: [],
});

class MemoryStorage implements LabelsStorage {
  files = new Map<string, string>();
  writes = 0;
  async read(runId: string) {
    return this.files.get(runId) ?? null;
  }
  async write(runId: string, text: string) {
    this.writes++;
    this.files.set(runId, text);
  }
}

const stored = (s: MemoryStorage, runId: string) => JSON.parse(s.files.get(runId)!);

describe('LabelsPersistence', () => {
  let p: LabelsPersistence | null = null;
  beforeEach(() => {
    vi.useFakeTimers();
    useAppStore.setState({ labels: {}, labelsSave: {}, runs: [] });
  });
  afterEach(() => {
    p?.dispose();
    vi.useRealTimers();
  });

  it('reads a run’s labels when it appears, and writes an edit back once', async () => {
    const storage = new MemoryStorage();
    storage.files.set(
      'run-a',
      '{"format":"softsae-labels","version":1,"run_id":"run-a","features":[{"feature":2,"label":"old","note":"kept"}]}',
    );
    p = new LabelsPersistence(storage, () => null);
    useAppStore.getState().runEvaluated(run('run-a'));
    await vi.waitFor(() => expect(useAppStore.getState().labels['run-a']?.[2]?.label).toBe('old'));

    const s = useAppStore.getState();
    s.setFeatureLabel('run-a', 5, { label: 'n', note: '' });
    s.setFeatureLabel('run-a', 5, { label: 'ne', note: '' });
    s.setFeatureLabel('run-a', 5, { label: 'new', note: 'x' });
    expect(useAppStore.getState().labelsSave['run-a']).toEqual({ state: 'saving' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(storage.writes).toBe(1);
    expect(stored(storage, 'run-a').features).toEqual([
      { feature: 2, label: 'old', note: 'kept' },
      { feature: 5, label: 'new', note: 'x' },
    ]);
    expect(useAppStore.getState().labelsSave['run-a']).toEqual({ state: 'saved' });

    // Clearing both fields removes the entry from the stored document.
    useAppStore.getState().setFeatureLabel('run-a', 2, { label: '', note: '' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(stored(storage, 'run-a').features).toEqual([{ feature: 5, label: 'new', note: 'x' }]);
  });

  it('an edit made before the stored labels were read keeps both', async () => {
    let release: () => void = () => {};
    const storage = new MemoryStorage();
    storage.files.set(
      'run-b',
      '{"format":"softsae-labels","version":1,"run_id":"run-b","features":[{"feature":1,"label":"stored","note":""}]}',
    );
    const slowRead = storage.read.bind(storage);
    storage.read = (id) => new Promise((r) => (release = () => r(slowRead(id))));
    p = new LabelsPersistence(storage, () => null);
    useAppStore.getState().runEvaluated(run('run-b'));
    useAppStore.getState().setFeatureLabel('run-b', 3, { label: 'typed', note: '' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(storage.writes).toBe(0); // waiting for the read
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(stored(storage, 'run-b').features.map((f: { label: string }) => f.label)).toEqual([
      'stored',
      'typed',
    ]);
  });

  it('flush writes a pending edit at once (the page is closing)', async () => {
    const storage = new MemoryStorage();
    p = new LabelsPersistence(storage, () => null);
    useAppStore.getState().runEvaluated(run('run-c'));
    useAppStore.getState().setFeatureLabel('run-c', 0, { label: 'now', note: '' });
    await p.flush();
    expect(stored(storage, 'run-c').features).toEqual([{ feature: 0, label: 'now', note: '' }]);
  });

  it('an imported SAE’s labels stay in the page, with the reason', async () => {
    const storage = new MemoryStorage();
    p = new LabelsPersistence(storage); // the app's rule: config.source marks an import
    useAppStore.getState().runEvaluated(run('import-1', { source: 'saelens', F: 8 }));
    useAppStore.getState().setFeatureLabel('import-1', 0, { label: 'x', note: '' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(storage.writes).toBe(0);
    expect(useAppStore.getState().labelsSave['import-1']).toMatchObject({ state: 'memory' });
  });
});
