// Issue 6 acceptance: SAEs written by scripts/make-sae-fixtures.mjs from the published layouts
// of SAELens (TopK, cfg v6; ReLU, cfg before v6) and Gemma Scope (JumpReLU params.npz) load
// through `softsae eval` and their evaluation equals an independent float64 computation
// (e2e/sae-reference.ts): per-row L0 and active features exactly, squared error and code values
// within float32 tolerance. Unsupported architectures are refused by name.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { compareArrays, formatMismatches } from '../src/reference/compare';
import { fixturePath } from '../test/helpers/fixtures';
import { fastCompileEnv } from '../scripts/chromium.mjs';
import { loadSoftsaeSmall } from '../test/helpers/softsaeSmall';
import {
  fixtureSae,
  fixtureX,
  readSafetensorsRaw,
  referenceEval,
  SAE_FIXTURES,
  type RefEval,
} from './sae-reference';

const CLI = join(import.meta.dirname, '..', 'bin', 'softsae.mjs');
const run = (...args: string[]) =>
  spawnSync('node', [CLI, ...args], { encoding: 'utf8', timeout: 240_000, env: fastCompileEnv() });

test.describe.configure({ mode: 'serial', timeout: 300_000 });

/** |gpu − ref| ≤ 1e-5 + 1e-4·|ref|: float32 dot products of length ≤ 40 vs float64. */
const TOL = { atol: 1e-5, rtol: 1e-4 };

function expectMatches(
  name: string,
  got: { l0: number[]; sq_err: number[] },
  codes: ReturnType<typeof readSafetensorsRaw>,
  ref: RefEval,
) {
  expect(got.l0, `${name} L0`).toEqual(ref.l0);
  const sq = compareArrays(got.sq_err, ref.sqErr, TOL);
  expect(sq.failures, `${name} sq_err\n${formatMismatches(sq)}`).toBe(0);
  // Codes file: (sequence, position, feature) per nonzero, in row order.
  const loc = codes.locations.data;
  const act = codes.activations.data;
  const feats: number[][] = ref.l0.map(() => []);
  const vals: number[][] = ref.l0.map(() => []);
  for (let i = 0; i < act.length; i++) {
    feats[loc[3 * i]].push(loc[3 * i + 2]);
    vals[loc[3 * i]].push(act[i]);
    expect(loc[3 * i + 1], 'position').toBe(0);
  }
  expect(feats, `${name} active features per row`).toEqual(ref.features);
  const v = compareArrays(vals.flat(), ref.values.flat(), TOL);
  expect(v.failures, `${name} code values\n${formatMismatches(v)}`).toBe(0);
  const meanL0 = ref.l0.reduce((a, b) => a + b, 0) / ref.l0.length;
  console.log(
    `${name}: ${ref.l0.length} rows, L0 and features exact (mean L0 ${meanL0.toFixed(3)}), sq_err max |err| ${sq.maxAbsError.toExponential(2)} (worst err/tol ${sq.worstRatio.toFixed(3)}), codes max |err| ${v.maxAbsError.toExponential(2)} over ${v.count} values`,
  );
}

for (const name of [
  'saelens-topk',
  'saelens-relu',
  'gemmascope',
  'sparsify',
  'dictlearn-batchtopk',
] as const) {
  test(`softsae eval: ${name} equals the float64 reference (L0, features, squared error, codes)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'softsae-import-'));
    const r = run(
      'eval',
      '--model',
      join(SAE_FIXTURES, name),
      '--acts',
      join(SAE_FIXTURES, 'x.npy'),
      '--out',
      join(dir, 'report.json'),
      '--codes',
      join(dir, 'codes.safetensors'),
    );
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const ref = referenceEval(fixtureSae(name), fixtureX().data);
    expectMatches(name, report, readSafetensorsRaw(join(dir, 'codes.safetensors')), ref);
  });
}

test('softsae eval refuses an unsupported architecture by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-import-'));
  const r = run(
    'eval',
    '--model',
    join(SAE_FIXTURES, 'saelens-gated'),
    '--acts',
    join(SAE_FIXTURES, 'x.npy'),
    '--out',
    join(dir, 'r.json'),
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("SAELens architecture 'gated' is not supported");
});

test('softsae convert: SoftSAE → SAELens TopK (k = round(mean k̂)), SAELens TopK → SoftSAE file that evaluates the same; JumpReLU refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-convert-'));
  const small = fixturePath('softsae-small', '');
  const c1 = run(
    'convert',
    small,
    join(dir, 'tk'),
    '--to',
    'saelens-topk',
    '--acts',
    fixturePath('softsae-small', 'x.npy'),
  );
  expect(c1.status, c1.stderr).toBe(0);
  const cfg = JSON.parse(readFileSync(join(dir, 'tk', 'cfg.json'), 'utf8'));
  const kHat = (await loadSoftsaeSmall()).expected.k_hat.data;
  const mean = kHat.reduce((a, b) => a + b, 0) / kHat.length;
  console.log(`convert: fixture mean k̂ ${mean.toFixed(4)} → SAELens k ${cfg.k}`);
  expect(cfg.k).toBe(Math.round(mean));
  expect(cfg.softsae_note).toContain(`mean k_hat = ${mean.toFixed(4)}`);

  const c2 = run('convert', join(SAE_FIXTURES, 'saelens-topk'), join(dir, 'ss'), '--to', 'softsae');
  expect(c2.status, c2.stderr).toBe(0);
  const r = run(
    'eval',
    '--model',
    join(dir, 'ss'),
    '--acts',
    join(SAE_FIXTURES, 'x.npy'),
    '--out',
    join(dir, 'r.json'),
    '--codes',
    join(dir, 'c.safetensors'),
  );
  expect(r.status, r.stderr).toBe(0);
  const ref = referenceEval(fixtureSae('saelens-topk'), fixtureX().data);
  expectMatches(
    'converted saelens-topk',
    JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')),
    readSafetensorsRaw(join(dir, 'c.safetensors')),
    ref,
  );

  const c3 = run('convert', join(SAE_FIXTURES, 'gemmascope'), join(dir, 'g'), '--to', 'softsae');
  expect(c3.status).toBe(1);
  expect(c3.stderr).toContain('a jumprelu SAE has no SoftSAE-file form');
});

test('softsae convert: a BatchTopK SAE becomes a SAELens JumpReLU folder (θ for every feature) that evaluates identically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-jumprelu-'));
  const src = join(SAE_FIXTURES, 'dictlearn-batchtopk');
  const c = run('convert', src, join(dir, 'jr'), '--to', 'saelens-topk');
  expect(c.status, c.stderr).toBe(0);
  const cfg = JSON.parse(readFileSync(join(dir, 'jr', 'cfg.json'), 'utf8'));
  expect(cfg.architecture).toBe('jumprelu');
  const evalOf = (model: string, name: string) => {
    const r = run(
      'eval',
      '--model',
      model,
      '--acts',
      join(SAE_FIXTURES, 'x.npy'),
      '--out',
      join(dir, `${name}.json`),
    );
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  };
  const a = evalOf(src, 'batchtopk');
  const b = evalOf(join(dir, 'jr'), 'jumprelu');
  expect(b.source).toContain('SAELens jumprelu');
  expect(b.l0, 'per-row L0').toEqual(a.l0);
  const sq = compareArrays(b.sq_err, a.sq_err, TOL);
  expect(sq.failures, `sq_err\n${formatMismatches(sq)}`).toBe(0);
  expect(b.fvu).toBeCloseTo(a.fvu, 5);
  console.log(
    `BatchTopK → JumpReLU: L0 identical (mean ${a.mean_l0}), sq_err max |err| ${sq.maxAbsError.toExponential(2)}, FVU ${a.fvu} vs ${b.fvu}`,
  );
});
