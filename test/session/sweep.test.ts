// L0 sweeps (issue 14): the plan, each run's config, and the runner's order, continuation after
// a reload and stop, with the engine's replies played into the store by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseKList,
  planRuns,
  runConfig,
  type SweepPlan,
  type SweepState,
} from '../../src/session/sweep';
import { SweepRunner } from '../../src/session/sweepRunner';
import { useAppStore } from '../../src/store';
import type { EngineRequest } from '../../src/workers/protocol';
import { resolveConfig } from '../../src/model/config';

const plan: SweepPlan = {
  id: 'sw',
  datasetId: 'quick',
  datasetName: 'Quick',
  base: { arch: 'softsae', dict_size: 64, k: 8, k_max: 16, steps: 30, batch_size: 32, seed: 3 },
  ks: [4, 12],
  archs: ['softsae', 'topk'],
  checkpointEvery: 10,
};

describe('the plan', () => {
  it('parses k lists, refusing what is not one', () => {
    expect(parseKList(' 8, 16,32 ')).toEqual([8, 16, 32]);
    expect(parseKList('8 16')).toEqual([8, 16]);
    expect(parseKList('')).toMatch(/at least one k/);
    expect(parseKList('8, 0')).toMatch(/positive integer, got '0'/);
    expect(parseKList('8, 2.5')).toMatch(/got '2.5'/);
    expect(parseKList('8, 8')).toMatch(/k = 8 is listed twice/);
  });

  it('gives each run the base with its arch and k; k_max keeps its ratio to k', () => {
    expect(runConfig(plan.base, 'softsae', 4)).toEqual({ ...plan.base, k: 4, k_max: 8 });
    expect(runConfig(plan.base, 'topk', 12)).toEqual({
      ...plan.base,
      arch: 'topk',
      k: 12,
      k_max: 24,
    });
    // k_max is never below k; without a base k_max the trainer's default applies.
    expect(runConfig({ ...plan.base, k_max: 9 }, 'softsae', 1).k_max).toBe(1);
    expect(runConfig({ dict_size: 64, k: 8 }, 'softsae', 4)).toEqual({
      dict_size: 64,
      arch: 'softsae',
      k: 4,
    });
  });

  it('orders runs k by k, architecture by architecture, with ids and folder names', () => {
    expect(planRuns(plan).map((r) => [r.name, r.runId, r.state])).toEqual([
      ['softsae-k4', 'sw-softsae-k4', 'queued'],
      ['topk-k4', 'sw-topk-k4', 'queued'],
      ['softsae-k12', 'sw-softsae-k12', 'queued'],
      ['topk-k12', 'sw-topk-k12', 'queued'],
    ]);
  });
});

/** A run's config as the engine resolves it (D = 4, the quick lab's rows). */
const cfg = (input: Record<string, unknown>) =>
  resolveConfig({ dict_size: 64, k: 2, batch_size: 4, steps: 10, warmup_steps: 1, ...input }, 4);

/** Plays the engine's side of one run into the store, as the engine client would. */
function finishRun(runId: string, fvu: number, meanL0: number) {
  const s = useAppStore.getState();
  s.trainingStarted({ id: 'quick', name: 'Quick', rows: 10, D: 4 }, cfg({ dict_size: 64 }), runId);
  s.trainingState('running');
  s.trainingState('evaluating');
  s.trainingEvaluated({ fvu, meanL0 } as never);
  s.trainingState('done');
}

describe('the runner', () => {
  let sent: EngineRequest[];
  let saved: SweepState | null;
  const storage = { load: () => saved, save: (s: SweepState | null) => void (saved = s) };
  // Each test's runners stop following the store when it ends (as a closed page's do).
  const runners: SweepRunner[] = [];
  const make = (...a: ConstructorParameters<typeof SweepRunner>) => {
    const r = new SweepRunner(...a);
    runners.push(r);
    return r;
  };
  afterEach(() => runners.splice(0).forEach((r) => r.dispose()));
  beforeEach(() => {
    sent = [];
    saved = null;
    useAppStore.getState().sweepChanged(null);
    useAppStore.getState().trainingReset();
    useAppStore.getState().savedRunsListed([]);
  });

  it('starts each run when the one before is done, recording its final FVU and L0', async () => {
    const ended: string[] = [];
    const runner = make(
      (r) => sent.push(r),
      storage,
      async (r) => {
        ended.push(`${r.name} ${r.state} ${r.fvu}`);
      },
    );
    runner.start(plan);
    expect(sent.map((r) => (r.type === 'train-start' ? r.runId : r.type))).toEqual([
      'sw-softsae-k4',
    ]);
    for (const [i, id] of [
      'sw-softsae-k4',
      'sw-topk-k4',
      'sw-softsae-k12',
      'sw-topk-k12',
    ].entries()) {
      finishRun(id, 0.5 - i / 10, 4 + i);
      await new Promise((r) => setTimeout(r, 0)); // onRunEnd's promise
    }
    expect(
      sent.map((r) => (r.type === 'train-start' ? `${r.runId} k=${r.config.k}` : r.type)),
    ).toEqual(['sw-softsae-k4 k=4', 'sw-topk-k4 k=4', 'sw-softsae-k12 k=12', 'sw-topk-k12 k=12']);
    expect(ended).toEqual([
      'softsae-k4 done 0.5',
      'topk-k4 done 0.4',
      'softsae-k12 done 0.3',
      'topk-k12 done 0.2',
    ]);
    const s = useAppStore.getState().sweep!;
    expect(s.state).toBe('done');
    expect(s.runs.map((r) => [r.fvu, r.meanL0])).toEqual([
      [0.5, 4],
      [0.4, 5],
      [0.3, 6],
      [0.2, 7],
    ]);
    expect(saved).toEqual(s); // kept for the next page load
  });

  it('after a reload, continues the interrupted run from its checkpoint, then the rest', async () => {
    const before = make((r) => sent.push(r), storage);
    before.start(plan);
    finishRun('sw-softsae-k4', 0.5, 4);
    await new Promise((r) => setTimeout(r, 0));
    before.dispose();
    // The page goes away while sw-topk-k4 trains; its checkpoint of step 20 is saved.
    useAppStore.getState().sweepChanged(null);
    useAppStore.getState().trainingReset();
    useAppStore.getState().savedRunsListed([{ runId: 'sw-topk-k4', step: 20 } as never]);
    sent = [];
    const runner = make((r) => sent.push(r), storage);
    runner.restore();
    expect(useAppStore.getState().sweep!.state).toBe('interrupted');
    expect(useAppStore.getState().sweep!.runs.map((r) => r.state)).toEqual([
      'done',
      'queued',
      'queued',
      'queued',
    ]);
    runner.resume('quick');
    expect(sent).toEqual([
      { type: 'train-restore', runId: 'sw-topk-k4', dataset: { id: 'quick' } },
    ]);
    finishRun('sw-topk-k4', 0.4, 5);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent.at(-1)).toMatchObject({ type: 'train-start', runId: 'sw-softsae-k12' });
  });

  it('a run stopped from the run controls stops the sweep; a failed run does not', async () => {
    const runner = make((r) => sent.push(r), storage);
    runner.start(plan);
    const s = useAppStore.getState();
    s.trainingStarted({ id: 'quick', name: 'Quick', rows: 10, D: 4 }, cfg({}), 'sw-softsae-k4');
    s.trainingState('running');
    s.trainingState('failed', 'device lost twice');
    await new Promise((r) => setTimeout(r, 0));
    expect(useAppStore.getState().sweep!.runs[0]).toMatchObject({
      state: 'failed',
      message: 'device lost twice',
    });
    expect(sent.at(-1)).toMatchObject({ type: 'train-start', runId: 'sw-topk-k4' });
    // Started under the failed run's state: not a failure of this run.
    s.trainingStarted({ id: 'quick', name: 'Quick', rows: 10, D: 4 }, cfg({}), 'sw-topk-k4');
    expect(useAppStore.getState().sweep!.runs[1].state).toBe('running');
    s.trainingState('running');
    s.trainingState('stopped');
    expect(useAppStore.getState().sweep!.state).toBe('stopped');
    expect(sent).toHaveLength(2);
  });
});
