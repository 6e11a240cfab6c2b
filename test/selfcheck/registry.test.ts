// The kernel registry (src/selfcheck/registry.ts) is the one place that names every part of a
// kernel: every shader is listed once, every file and reference function it names exists, each
// shader is loaded by its host, shaders/README.md opens with the registry's table, and each
// shader's binding table there lists exactly the bindings its WGSL declares; and the app's
// self-check (src/selfcheck/cases.ts) runs every shader of the registry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SELF_CHECK_CASES, shadersOf } from '../../src/selfcheck/cases';
import { kernelIndex, KERNELS } from '../../src/selfcheck/registry';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const README = read('shaders/README.md');

/** The binding numbers a WGSL file declares. */
const wgslBindings = (src: string) =>
  [...new Set([...src.matchAll(/@binding\((\d+)\)/g)].map((m) => Number(m[1])))].sort(
    (a, b) => a - b,
  );

/** The binding numbers of the table under the README heading that names `shader`. */
function readmeBindings(shader: string): number[] | null {
  const lines = README.split('\n');
  const at = lines.findIndex((l) => /^#{2,3} /.test(l) && l.includes(` ${shader} —`));
  if (at < 0) return null;
  const rows: number[] = [];
  for (const l of lines.slice(at + 1)) {
    if (/^#{2,3} /.test(l)) break;
    const m = /^\|\s*(\d+)\s*\|/.exec(l);
    if (m) rows.push(Number(m[1]));
  }
  return [...new Set(rows)].sort((a, b) => a - b);
}

describe('kernel registry', () => {
  it('lists every shader exactly once', () => {
    const shaders = readdirSync(join(ROOT, 'shaders')).filter((f) => f.endsWith('.wgsl'));
    expect(KERNELS.map((k) => k.shader).sort()).toEqual(shaders.sort());
  });

  it.each(KERNELS.map((k) => [k.shader, k] as const))(
    '%s: host, reference and tests exist; a host loads the shader',
    (shader, k) => {
      for (const f of [...k.host, ...k.tests]) expect(existsSync(join(ROOT, f)), f).toBe(true);
      for (const ref of k.reference) {
        const [file, symbol] = ref.split('#');
        expect(existsSync(join(ROOT, file)), file).toBe(true);
        if (symbol) expect(read(file), ref).toMatch(new RegExp(`export function ${symbol}\\b`));
      }
      expect(
        k.host.some((h) => read(h).includes(shader)),
        `a host imports ${shader}`,
      ).toBe(true);
    },
  );

  it('shaders/README.md opens with the registry table (npm run docs:kernels writes it)', () => {
    // Compared cell by cell: the formatter pads the columns.
    const cells = (table: string) =>
      table
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .map((l) => l.split('|').map((c) => c.trim().replace(/^-+$/, '---')));
    const start = README.indexOf('<!-- kernel index');
    const end = README.indexOf('<!-- end of kernel index -->');
    expect(start).toBeGreaterThan(0);
    expect(cells(README.slice(start, end))).toEqual(cells(kernelIndex()));
  });

  it.each(KERNELS.map((k) => [k.shader]))(
    '%s: the README binding table lists exactly the WGSL bindings',
    (shader) => {
      expect(readmeBindings(shader), `a README heading for ${shader}`).toEqual(
        wgslBindings(read(join('shaders', shader))),
      );
    },
  );

  it("the app's self-check runs every kernel family, and only registry shaders", () => {
    const covered = new Set(SELF_CHECK_CASES.flatMap(shadersOf));
    const registered = KERNELS.map((k) => k.shader);
    expect(
      registered.filter((s) => !covered.has(s)),
      'shaders no self-check case runs',
    ).toEqual([]);
    expect(
      [...covered].filter((s) => !registered.includes(s)),
      'not in the registry',
    ).toEqual([]);
  });
});
