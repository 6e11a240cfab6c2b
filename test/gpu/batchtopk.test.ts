/** Struct layouts shared by the two BatchTopK shaders, and the aux-k kernel's uniform. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseUniformLayout } from '../../src/gpu/uniforms';

const shader = (name: string) =>
  readFileSync(new URL(`../../shaders/${name}.wgsl`, import.meta.url), 'utf8');

describe('BatchTopK shaders', () => {
  it('declare Params and Select identically in both files (one uniform, one state buffer)', () => {
    for (const struct of ['Params', 'Select']) {
      expect(parseUniformLayout(shader('batchtopk-apply'), struct), struct).toEqual(
        parseUniformLayout(shader('batchtopk'), struct),
      );
    }
    const sel = parseUniformLayout(shader('batchtopk'), 'Select');
    expect(sel.fields.map((f) => f.name)).toEqual(['digit', 'prefix', 'remaining', 'total']);
  });
});

describe('conditional gradients', () => {
  it('gradnorm and adam both take condMask and condIndex', () => {
    for (const f of ['gradnorm', 'adam']) {
      const names = parseUniformLayout(shader(f), 'Params').fields.map((x) => x.name);
      expect(names, f).toEqual(expect.arrayContaining(['gradMask', 'condMask', 'condIndex']));
    }
  });
});
