import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packUniform, parseUniformLayout } from '../../src/gpu/uniforms';

const shaderDir = new URL('../../shaders/', import.meta.url);

describe('uniform layouts read from WGSL', () => {
  it('parses offsets of flat scalar structs and pads to 16 bytes', () => {
    const layout = parseUniformLayout(
      'struct P {\n  a: u32,\n  // comment\n  b: f32,\n  c: i32,\n}',
      'P',
    );
    expect(layout.fields.map((f) => [f.name, f.type, f.offset])).toEqual([
      ['a', 'u32', 0],
      ['b', 'f32', 4],
      ['c', 'i32', 8],
    ]);
    expect(layout.size).toBe(16);
    const five = parseUniformLayout('struct Q { a: u32, b: u32, c: u32, d: u32, e: f32 }', 'Q');
    expect(five.size).toBe(32);
  });

  it('refuses fields whose layout is not 4-byte aligned scalars', () => {
    expect(() => parseUniformLayout('struct P { a: vec3<f32>, b: u32 }', 'P')).toThrow(/4-byte/);
    expect(() => parseUniformLayout('struct P { a: u32 }', 'Missing')).toThrow(/not found/);
  });

  it('packs values little-endian at the parsed offsets and rejects unknown names', () => {
    const layout = parseUniformLayout('struct P { n: u32, alpha: f32, s: i32 }', 'P');
    const view = new DataView(packUniform(layout, { n: 7, alpha: 0.5, s: -3 }));
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getFloat32(4, true)).toBe(0.5);
    expect(view.getInt32(8, true)).toBe(-3);
    expect(() => packUniform(layout, { n: 1, alpha: 1 })).toThrow(/s not given/);
    expect(() => packUniform(layout, { n: 1, alpha: 1, s: 0, extra: 2 })).toThrow(/no field/);
  });

  it('every Params struct in shaders/ parses', () => {
    const files = readdirSync(shaderDir).filter((f) => f.endsWith('.wgsl'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const code = readFileSync(new URL(f, shaderDir), 'utf8');
      if (!/struct\s+Params/.test(code)) continue;
      const layout = parseUniformLayout(code, 'Params');
      expect(layout.fields.length, f).toBeGreaterThan(0);
    }
  });
});
