// Train-form presets: every preset is valid for the data it is scaled to (checked by the
// trainer's own validateConfig), and the form refuses what only the data can tell.
import { describe, expect, it } from 'vitest';
import {
  TRAIN_PRESETS,
  configOf,
  formErrors,
  presetValues,
} from '../../src/components/train/presets.ts';
import { resolveConfig } from '../../src/reference/sae/config.ts';

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

  it('keeps the dictionary 8× the width for the scaled defaults', () => {
    const scaled = TRAIN_PRESETS.find((p) => p.id === 'scaled')!;
    expect(scaled.make(64, 1000).dict_size).toBe(512);
    expect(scaled.make(768, 1000).dict_size).toBe(6144);
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
