/** Training configuration: defaults and refusal of invalid values (reliability case 26). */
import { describe, expect, it } from 'vitest';
import { defaultLr, resolveConfig, validateConfig } from '../../src/model/config.ts';

const base = { dict_size: 64, k: 4, steps: 100, batch_size: 32, warmup_steps: 10 };

describe('resolveConfig', () => {
  it('fills the spec defaults', () => {
    const c = resolveConfig({ dict_size: 4096, k: 220, steps: 2000, batch_size: 8 });
    expect(c.arch).toBe('softsae');
    expect(c.k_max).toBe(440);
    expect(c.lr).toBeCloseTo(4e-4, 15); // 2e-4/√(4096/16384) = 2e-4/0.5
    expect(defaultLr(16384)).toBe(2e-4);
    expect(c.soft_topk_alpha).toBe(1e-4);
    expect(c.auxk_alpha).toBe(1 / 32);
    expect(c.k_loss_weight).toBe(1);
    expect(c.warmup_steps).toBe(1000);
    expect(c.decay_start).toBeNull();
    expect(c.hard_topk_steps).toBeNull();
  });

  it('keeps explicit values, null meaning "default"', () => {
    const c = resolveConfig({ ...base, k_max: 30, lr: 0.5, arch: 'topk', k_anneal_steps: null });
    expect([c.k_max, c.lr, c.arch, c.k_anneal_steps]).toEqual([30, 0.5, 'topk', null]);
  });

  it('throws one error naming every problem', () => {
    expect(() => resolveConfig({ ...base, k: 0, lr: -1 })).toThrow(/k must be.*; lr must be/);
  });
});

describe('validateConfig refuses', () => {
  it.each([
    [{ ...base, k: 65 }, /k \(65\) must not exceed dict_size \(64\)/],
    [{ ...base, k: 0 }, /k must be an integer ≥ 1/],
    [{ ...base, k: -3 }, /k must be an integer ≥ 1/],
    [{ ...base, k: 2.5 }, /k must be an integer ≥ 1/],
    [{ ...base, dict_size: 0 }, /dict_size \(F\) must be an integer ≥ 1/],
    [{ ...base, lr: 0 }, /lr must be a finite number > 0/],
    [{ ...base, lr: -1e-3 }, /lr must be a finite number > 0/],
    [{ ...base, lr: NaN }, /lr must be a finite number > 0/],
    [{ ...base, soft_topk_alpha: 0 }, /soft_topk_alpha must be a finite number > 0/],
    [{ ...base, soft_topk_alpha: -0.1 }, /soft_topk_alpha must be a finite number > 0/],
    [{ ...base, learning_rate: 1e-3 }, /unknown config key 'learning_rate'/],
    [{ ...base, arch: 'jumprelu' }, /arch must be one of softsae, topk, batchtopk/],
    [{ ...base, warmup_steps: 100 }, /warmup_steps must be an integer in \[0, steps\)/],
    [{ ...base, decay_start: 5 }, /decay_start must be an integer in \(warmup_steps, steps\)/],
    [{ ...base, k_anneal_steps: 100 }, /k_anneal_steps must be an integer in \[0, steps\)/],
    [{ ...base, hard_topk_steps: 101 }, /hard_topk_steps must be an integer in \[0, steps\]/],
    [{ ...base, batch_size: 0 }, /batch_size must be an integer ≥ 1/],
    [{ ...base, k_max: 0 }, /k_max must be an integer ≥ 1/],
    [{ ...base, auxk_alpha: -1 }, /auxk_alpha must be a finite number ≥ 0/],
    [{ ...base, dead_feature_threshold: 0 }, /dead_feature_threshold must be a number > 0/],
    [{ dict_size: 64, k: 4 }, /steps is required.*|batch_size is required/],
  ])('%o', (input, message) => {
    const errors = validateConfig(input);
    expect(errors.join('\n')).toMatch(message);
  });

  it('requires D > k when k anneals from D', () => {
    expect(validateConfig({ ...base, k_anneal_steps: 10 }, 4).join()).toMatch(
      /D \(4\) must be greater than k \(4\)/,
    );
    expect(validateConfig({ ...base, k_anneal_steps: 10 }, 16)).toEqual([]);
  });

  it('accepts a valid configuration', () => {
    expect(validateConfig(base)).toEqual([]);
    expect(
      validateConfig({ ...base, arch: 'batchtopk', decay_start: 80, hard_topk_steps: 0 }),
    ).toEqual([]);
  });
});
