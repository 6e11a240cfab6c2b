// Train-form presets: every preset is valid for the data it is scaled to (checked by the
// trainer's own validateConfig), and the form refuses what only the data can tell.
import { describe, expect, it } from 'vitest';
import {
  TRAIN_PRESETS,
  configOf,
  formErrors,
  presetValues,
} from '../../src/components/train/presets.ts';
import { resolveConfig } from '../../src/model/config.ts';

const SHAPES = [
  { D: 16, rows: 2048 },
  { D: 24, rows: 657 },
  { D: 64, rows: 16384 },
  { D: 768, rows: 100_000 },
  { D: 2304, rows: 1_000_000 },
];

describe('train presets', () => {
  for (const p of TRAIN_PRESETS) {
    it(`${p.id} is valid for every shape and round-trips through the form`, () => {
      for (const { D, rows } of SHAPES) {
        const config = p.make(D, rows);
        const data = { name: 'data', D, rows };
        expect(formErrors(config, data), `${p.id} D=${D}`).toEqual([]);
        expect(config.batch_size as number).toBeLessThanOrEqual(rows);
        expect(config.k as number).toBeLessThanOrEqual(config.dict_size as number);
        // What the form shows and sends back is the same configuration.
        const back = configOf(String(config.arch), presetValues(config));
        expect(resolveConfig(back, D)).toEqual(resolveConfig(config, D));
      }
    });
  }

  it('keeps the dictionary 8× the width as written, 4× for the tuned default', () => {
    const scaled = TRAIN_PRESETS.find((p) => p.id === 'scaled')!;
    expect(scaled.make(64, 1000).dict_size).toBe(512);
    expect(scaled.make(768, 1000).dict_size).toBe(6144);
    expect(TRAIN_PRESETS[0].id).toBe('tuned');
    expect(TRAIN_PRESETS[0].make(64, 1000).dict_size).toBe(256);
    expect(TRAIN_PRESETS[0].make(768, 1000).dict_size).toBe(3072);
  });
});

describe('formErrors', () => {
  const data = { name: 'acts.npy', D: 8, rows: 100 };
  const values = presetValues(TRAIN_PRESETS[0].make(8, 100));

  it('refuses a batch larger than the data, naming both', () => {
    const errors = formErrors(configOf('softsae', { ...values, batch_size: '101' }), data);
    expect(errors).toEqual(['batch_size (101) must not exceed the 100 rows of acts.npy']);
  });

  it('reports k > F and a missing required value with the trainer’s reasons', () => {
    const errors = formErrors(configOf('topk', { ...values, k: '1000', steps: '' }), data);
    expect(errors).toContain('steps is required');
    const k = formErrors(configOf('topk', { ...values, k: '1000' }), data);
    expect(k).toContain(`k (1000) must not exceed dict_size (${values.dict_size})`);
  });

  it('leaves empty optional fields to the defaults', () => {
    const c = configOf('softsae', { ...values, lr: '', k_max: '' });
    expect([c.lr, c.k_max]).toEqual([null, null]);
    const r = resolveConfig(c, 8);
    expect(r.k_max).toBe(2 * r.k);
  });
});

describe('the reference recipe (issue 14)', () => {
  const byId = (id: string) => TRAIN_PRESETS.find((p) => p.id === id)!;
  const [tuned, quick, scaled] = ['tuned', 'quick', 'scaled'].map(byId);

  it('is the spec §5 recipe scaled to the demo (D = 64, 16 384 rows): values by hand', () => {
    const c = resolveConfig(scaled.make(64, 16384), 64);
    // F = 8·64; k = round(6.4); α fixed at 1e-4; lr = 2e-4/√(512/16384) = 2e-4·√32.
    expect([c.dict_size, c.k, c.k_max, c.soft_topk_alpha]).toEqual([512, 6, 12, 1e-4]);
    expect(c.lr).toBeCloseTo(2e-4 * Math.sqrt(32), 12);
    expect(c.alpha_anneal_steps).toBeNull();
    // 2000 steps: warm-up 5 % = 100, k annealed over 2 % = 40, decay from 80 % = 1600, hard
    // phase 15 % = 300.
    expect([c.steps, c.warmup_steps, c.k_anneal_steps, c.decay_start, c.hard_topk_steps]).toEqual([
      2000, 100, 40, 1600, 300,
    ]);
    expect(c.dead_feature_threshold).toBe(50 * 256);
  });

  it('the tuned default departs from it in F, the learning rate and α only: values by hand', () => {
    const c = resolveConfig(tuned.make(64, 16384), 64);
    const r = resolveConfig(scaled.make(64, 16384, 3000), 64);
    // F = 4·64; lr = 2.5 · 2e-4/√(256/16384) = 2.5 · 2e-4 · 8 = 4e-3; α = 1e-2 against 1e-4.
    expect([c.dict_size, c.lr, c.soft_topk_alpha]).toEqual([256, 4e-3, 0.01]);
    expect(r.soft_topk_alpha).toBe(0.0001);
    expect([c.k, c.k_max, c.alpha_anneal_steps]).toEqual([6, 12, null]);
    // 3000 steps: warm-up 150, k annealed over 60, decay from 2400, hard phase 450.
    expect([c.steps, c.warmup_steps, c.k_anneal_steps, c.decay_start, c.hard_topk_steps]).toEqual([
      3000, 150, 60, 2400, 450,
    ]);
    const same = { ...c, dict_size: r.dict_size, lr: r.lr, soft_topk_alpha: r.soft_topk_alpha };
    expect(same).toEqual(r);
    expect(tuned.note).toMatch(/Reference recipe/);
  });

  it('quick is the tuned recipe, shortened, and each preset says where its values come from', () => {
    const a = tuned.make(64, 16384);
    const b = quick.make(64, 16384);
    for (const key of ['dict_size', 'k', 'k_max', 'soft_topk_alpha', 'lr', 'alpha_anneal_steps'])
      expect(b[key], key).toEqual(a[key]);
    const steps = b.steps as number;
    expect(steps).toBeLessThan(a.steps as number);
    expect(b.decay_start).toBe(Math.round(0.8 * steps));
    expect(b.hard_topk_steps).toBe(Math.round(0.15 * steps));
    for (const p of TRAIN_PRESETS) expect(p.note.length, p.id).toBeGreaterThan(40);
    expect(scaled.note).toMatch(/collapses k̂ to ≈ 1/);
  });

  it('rescales its schedule with the run length', () => {
    const c = scaled.make(64, 16384, 120);
    expect([c.warmup_steps, c.k_anneal_steps, c.decay_start, c.hard_topk_steps]).toEqual([
      6, 2, 96, 18,
    ]);
    expect(formErrors(c, { name: 'demo', D: 64, rows: 16384 })).toEqual([]);
  });
});
