// A training checkpoint's content (src/checkpoint/content.ts) and the dataset fingerprint.
import { describe, expect, it } from 'vitest';
import {
  decodeTrainingCheckpoint,
  encodeTrainingCheckpoint,
  makeCheckpoint,
} from '../../src/checkpoint/content';
import { fingerprintMismatch, fingerprintRows } from '../../src/checkpoint/fingerprint';
import { resolveConfig } from '../../src/model/config';
import { PARAM_NAMES, initParams, type ParamName } from '../../src/model/params';
import { BatchSampler } from '../../src/sae/batches';

describe('training checkpoint content', () => {
  const D = 6;
  const F = 8;
  const rows = 40;
  const x = Float32Array.from({ length: rows * D }, (_, i) => Math.sin(i));
  const config = resolveConfig(
    { dict_size: F, k: 2, steps: 50, batch_size: 4, warmup_steps: 5 },
    D,
  );
  const p = initParams({ D, F, k: 2, kMax: config.k_max, alpha: 1, seed: 3 });
  const f32 = (scale: number) =>
    Object.fromEntries(
      PARAM_NAMES.map((n) => [n, Float32Array.from(p.tensors[n], (v) => v * scale)]),
    ) as Record<ParamName, Float32Array>;
  const sampler = new BatchSampler(x, rows, D, 4, 11);
  for (let i = 0; i < 13; i++) sampler.next();

  it('round-trips parameters, moments, counters, RNG and cursor, history with NaN', () => {
    const trainer = {
      step: 13,
      params: f32(1),
      adamM: f32(0.1),
      adamV: f32(0.01),
      adamSteps: Object.fromEntries(PARAM_NAMES.map((n, i) => [n, 13 - i])) as Record<
        ParamName,
        number
      >,
      sinceFired: Uint32Array.from({ length: F }, (_, i) => i * 4),
      deadBound: 52,
      threshold: -1,
      skipped: 2,
    };
    const history = [{ step: 0, loss: NaN, threshold: NaN, gradNorm: Infinity }];
    const c = makeCheckpoint(
      {
        runId: 'run-a',
        savedAt: '2026-01-01T00:00:00.000Z',
        config,
        D,
        normFactor: 1.25,
        datasetId: 'quick',
        dataset: fingerprintRows(x, rows, D, 'toy'),
        history: history as never,
        checkpointEvery: 10,
      },
      trainer,
      sampler.save(),
    );
    const back = decodeTrainingCheckpoint(encodeTrainingCheckpoint(c), 'gen-1.ckpt');
    expect(back.trainer).toEqual(trainer);
    expect(back.meta.history).toEqual(history);
    expect(back.meta.config).toEqual(config);
    const straight = new BatchSampler(x, rows, D, 4, 11, sampler.save());
    const resumed = new BatchSampler(x, rows, D, 4, 0, back.sampler);
    for (let i = 0; i < 20; i++) expect(resumed.next()).toEqual(straight.next());
  });

  it('fingerprints tell the same rows from a changed value, other rows, another shape', () => {
    const fp = fingerprintRows(x, rows, D, 'a');
    expect(fingerprintMismatch(fp, fingerprintRows(x.slice(), rows, D, 'b'))).toBeNull();
    const changed = x.slice();
    changed[(rows - 1) * D + 3] += 1; // the last row is always sampled
    expect(fingerprintMismatch(fp, fingerprintRows(changed, rows, D, 'b'))).toMatch(
      /has the run's shape \(40 × 6\) but different values/,
    );
    expect(fingerprintMismatch(fp, fingerprintRows(x, rows - 1, D, 'c'))).toBe(
      "the run was trained on 40 rows × D = 6 ('a'), the chosen data has 39 rows × D = 6 ('c')",
    );
  });
});
