import { describe, expect, it } from 'vitest';
import { evalBatch } from '../../src/workers/runEvaluation';

describe('a run evaluation’s batch', () => {
  it('grows to 8192 rows while a [batch, max(F, D)] float32 buffer stays within 32 MiB', () => {
    // 32 MiB / (4 B · 768) = 10922 rows → 8192 (the cap).
    expect(evalBatch(256, 16, 768)).toBe(8192);
    // 32 MiB / (4 B · 4096) = 2048 rows, a multiple of 64.
    expect(evalBatch(64, 4096, 512)).toBe(2048);
    // 32 MiB / (4 B · 3000) = 2796.2 → 2752 (43 · 64).
    expect(evalBatch(64, 3000, 24)).toBe(2752);
  });
  it('never goes below the training batch', () => {
    // 32 MiB / (4 B · 16384) = 512 < 1024.
    expect(evalBatch(1024, 16384, 2304)).toBe(1024);
  });
});
