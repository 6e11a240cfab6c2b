import { describe, expect, it } from 'vitest';
import { equalL0Pairs } from '../../src/components/compare/equalL0.ts';
import type { RunSummary } from '../../src/store/runsSlice.ts';

const run = (
  runId: string,
  arch: 'softsae' | 'topk',
  meanL0: number,
  fvu: number,
  datasetId = 'demo',
) =>
  ({
    runId,
    arch,
    meanL0,
    fvu,
    datasetId,
    config: {},
    rows: 10,
    step: 1,
    final: true,
    deadFraction: 0,
    l0Hist: [],
  }) as RunSummary;

describe('equalL0Pairs', () => {
  it('pairs each SoftSAE run with the nearest TopK run on the same data', () => {
    const runs = [
      run('s', 'softsae', 4.76, 0.21),
      run('t4', 'topk', 4, 0.25),
      run('t5', 'topk', 5, 0.23),
      run('other', 'topk', 4.8, 0.1, 'quick'),
    ];
    const [p] = equalL0Pairs(runs, 'demo');
    // |5 − 4.76| = 0.24 < |4 − 4.76| = 0.76; the run on other data is ignored.
    expect(p.topk?.runId).toBe('t5');
    expect(p.matchingK).toBe(5);
    expect(p.matched).toBe(true);
    expect(p.softWins).toBe(true); // 0.21 ≤ 0.23
  });

  it('does not call a pair of different sparsity matched', () => {
    const [p] = equalL0Pairs([run('s', 'softsae', 4.2, 0.3), run('t6', 'topk', 6, 0.2)], 'demo');
    expect(p.matched).toBe(false);
    expect(p.softWins).toBeNull();
    expect(p.matchingK).toBe(4);
    const [alone] = equalL0Pairs([run('s', 'softsae', 0.2, 0.9)], 'demo');
    expect([alone.topk, alone.matchingK]).toEqual([null, 1]);
  });
});
