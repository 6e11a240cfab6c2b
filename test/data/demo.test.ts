/** The built-in presets: documented sizes, varying complexity, speed. */
import { describe, expect, it } from 'vitest';
import { demoDataset, quickDataset } from '../../src/data/demo.ts';

describe('demo presets', () => {
  it('quick: D = 16, G = 32, 2048 rows with 1–6 concepts per token', () => {
    const q = quickDataset();
    expect([q.D, q.G, q.rows]).toEqual([16, 32, 2048]);
    expect(Math.min(...q.activeCount)).toBe(1);
    expect(Math.max(...q.activeCount)).toBe(6);
  });

  // How fast it is generated is a timing: not asserted here (speed lives in benchmarks).
  it('demo: D = 64, G = 128 (2·D), 16 384 rows, every concept fires', () => {
    const d = demoDataset();
    expect([d.D, d.G, d.rows]).toEqual([64, 128, 16384]);
    expect(d.G).toBeLessThanOrEqual(2 * d.D); // recoverable: at most 2·D true atoms
    expect(d.correlatedPairs.length).toBe(0);
    expect(d.x.length).toBe(64 * 16384);
    expect(Math.min(...d.featureFrequency)).toBeGreaterThan(0);
    expect(new Set(d.activeCount).size).toBe(12);
  });
});
