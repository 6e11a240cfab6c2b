// The headless runner as a user calls it: `softsae eval` reproduces the softsae-small fixture,
// `softsae train` writes a model and metrics that `softsae eval` agrees with, progress comes as
// JSON lines, and bad input exits non-zero with the reason. The command serves the prebuilt page
// (dist-cli/), built once for the run by e2e/global-setup.ts so the tests run the current
// sources; its inputs are read by HTTP byte ranges (scripts/cli-server.mjs, test/cli/server.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { quickDataset } from '../src/data/demo';
import { writeNpy } from '../src/io/npy-write';
import { openSafetensors } from '../src/io/safetensors';
import { bytesSource } from '../src/io/source';
import { compareArrays, formatMismatches } from '../src/reference/compare';
import { readModel } from '../src/io/sae/modelFile';
import { writeSanityFixture } from './sanityFixture';
import { fixturePath } from '../test/helpers/fixtures';
import { epochChecksum } from './epochChecksum';
import { fastCompileEnv } from '../scripts/chromium.mjs';
import { readSafetensorsRaw } from './sae-reference';
import { loadSoftsaeSmall } from '../test/helpers/softsaeSmall';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'softsae.mjs');
// Every command's Chromium compiles shaders the suite's way (FAST_COMPILE_ARGS).
const env = fastCompileEnv();
const run = (...args: string[]) =>
  spawnSync('node', [CLI, ...args], { encoding: 'utf8', timeout: 240_000, env });
/** A command of several runs (a sweep), given more time on a loaded machine. */
const runLong = (...args: string[]) =>
  spawnSync('node', [CLI, ...args], { encoding: 'utf8', timeout: 800_000, env });

// Each test has its own folder: they spread over the workers.
test.describe.configure({ mode: 'parallel', timeout: 300_000 });

/**
 * `softsae eval` of a trained run's model on `acts`: its FVU and mean L0 equal the run's final
 * evaluation in `metrics` (the same pass, so to float32 rounding of the FVU). Returns the report.
 */
function evalAgrees(runDir: string, acts: string, metrics: { fvu: number; mean_l0: number }) {
  const report = join(runDir, '..', `report-${Date.now()}.json`);
  const e = run('eval', '--model', runDir, '--acts', acts, '--out', report);
  expect(e.status, e.stderr).toBe(0);
  const ev = JSON.parse(readFileSync(report, 'utf8'));
  expect(Math.abs(ev.fvu - metrics.fvu)).toBeLessThan(1e-6);
  expect(ev.mean_l0).toBeCloseTo(metrics.mean_l0, 10);
  return ev as { rows: number; fvu: number; mean_l0: number };
}

/** A small activation file of the built-in quick corpus, written to `dir`. */
function quickActs(dir: string): { path: string; rows: number; D: number } {
  const lab = quickDataset();
  const path = join(dir, 'acts.npy');
  writeFileSync(
    path,
    writeNpy({
      dtype: 'f32',
      shape: [lab.rows, lab.D],
      data: new Uint8Array(lab.x.buffer, lab.x.byteOffset, lab.x.byteLength),
    }),
  );
  return { path, rows: lab.rows, D: lab.D };
}

test('softsae eval reproduces the fixture (k̂, L0, squared error, FVU)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-eval-'));
  const out = join(dir, 'report.json');
  const r = run(
    'eval',
    '--model',
    fixturePath('softsae-small', ''),
    '--acts',
    fixturePath('softsae-small', 'x.npy'),
    '--out',
    out,
  );
  expect(r.status, r.stderr).toBe(0);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const fx = await loadSoftsaeSmall();
  const e = (n: string) => fx.expected[n].data;
  const { F, D } = fx.params;
  expect(report.rows).toBe(fx.N);
  const kHat = compareArrays(report.k_hat, e('k_hat'), { atol: 1e-5, rtol: 1e-4 });
  expect(kHat.failures, formatMismatches(kHat)).toBe(0);
  const sq = compareArrays(report.sq_err, e('sq_err_hard'), { atol: 1e-5, rtol: 1e-4 });
  expect(sq.failures, formatMismatches(sq)).toBe(0);
  const l0 = Array.from(
    { length: fx.N },
    (_, b) =>
      e('codes_hard')
        .slice(b * F, (b + 1) * F)
        .filter((v) => v !== 0).length,
  );
  expect(report.l0).toEqual(l0);
  // FVU (spec §7) from the fixture's own x_norm and x_hat_hard, in float64.
  const xn = e('x_norm');
  const xh = e('x_hat_hard');
  let varX = 0;
  let varE = 0;
  for (let d = 0; d < D; d++) {
    let sx = 0,
      sxx = 0,
      se = 0,
      see = 0;
    for (let b = 0; b < fx.N; b++) {
      const v = xn[b * D + d];
      const r2 = v - xh[b * D + d];
      sx += v;
      sxx += v * v;
      se += r2;
      see += r2 * r2;
    }
    varX += sxx - (sx * sx) / fx.N;
    varE += see - (se * se) / fx.N;
  }
  console.log(`FVU: cli ${report.fvu}, fixture ${varE / varX}`);
  expect(Math.abs(report.fvu - varE / varX)).toBeLessThan(1e-4 * (varE / varX));
});

test('softsae eval prints the quality metrics; it warns when the SAE does not fit the activations (rotated, ×10), not on its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-sanity-'));
  const { sae, own, rotated, scaled } = writeSanityFixture(dir);
  const evalOn = (acts: string, name: string) => {
    const r = run('eval', '--model', sae, '--acts', acts, '--out', join(dir, `${name}.json`));
    expect(r.status, r.stderr).toBe(0);
    return { r, report: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) };
  };

  const good = evalOn(own, 'own');
  const fvu = (rep: { explained_variance: number }) => 1 - rep.explained_variance;
  console.log(`own activations: FVU ${fvu(good.report)}, L2 ratio ${good.report.l2_ratio}`);
  expect(fvu(good.report)).toBeLessThan(0.01);
  expect(good.r.stderr).toMatch(/explained variance [-\d.]+ \(R²/);
  expect(good.r.stderr).toMatch(/max decoder cosine [-\d.e]+ /);
  expect(good.r.stderr).not.toContain('warning:');
  expect(good.report.warning).toBeNull();
  for (const key of [
    'explained_variance',
    'explained_variance_residual',
    'mse',
    'cosine_similarity',
    'l2_ratio',
    'relative_reconstruction_bias',
    'mean_l0',
    'frac_alive',
    'features_over_1pct',
    'features_over_10pct',
    'max_decoder_cosine',
  ])
    expect(typeof good.report[key], key).toBe('number');
  expect(good.report.mean_l0).toBe(2);
  expect(good.report.explained_variance_residual).toBeCloseTo(1 - good.report.fvu, 12);

  for (const [name, acts] of [
    ['rotated', rotated],
    ['scaled', scaled],
  ] as const) {
    const bad = evalOn(acts, name);
    console.log(`${name}: FVU ${fvu(bad.report)}, L2 ratio ${bad.report.l2_ratio}`);
    // The rule, from the report's own numbers: FVU > 1 or L2 ratio outside [0.5, 2].
    const l2 = bad.report.l2_ratio;
    expect(fvu(bad.report) > 1 || l2 < 0.5 || l2 > 2, name).toBe(true);
    expect(bad.r.stderr, name).toContain('warning: This SAE does not fit the active dataset');
    expect(bad.r.stderr, name).toMatch(/hook point or layer/);
    expect(bad.r.stderr, name).toContain('no normalisation: norm factor 1');
    expect(bad.report.warning, name).toContain('Likely causes');
  }
});

test('softsae eval --codes --tokens: each row carries its token text, sequence and position', async () => {
  const fx = await loadSoftsaeSmall();
  const { F } = fx.params;
  const N = fx.N;
  const dir = mkdtempSync(join(tmpdir(), 'softsae-codes-'));
  // Sequences of 5 tokens (the last one shorter when N is not a multiple), with markup, a line
  // break and characters beyond ASCII: the codes file stores UTF-8 bytes plus offsets.
  const SEQ = 5;
  const words = ['tok', 'naïve', '<b>x</b>', 'new\nline', '🙂'];
  const tokens = Array.from({ length: N }, (_, r) => `${words[r % words.length]}${r}`);
  const jsonl = (n: number) =>
    tokens
      .slice(0, n)
      .map((token, r) => JSON.stringify({ token, doc: Math.floor(r / SEQ), pos: r % SEQ }))
      .join('\n') + '\n';
  writeFileSync(join(dir, 'tokens.jsonl'), jsonl(N));
  const model = fixturePath('softsae-small', '');
  const acts = fixturePath('softsae-small', 'x.npy');
  const codesPath = join(dir, 'codes.safetensors');
  /** `softsae eval` of the fixture model on its activations, with more options. */
  const evalWith = (...more: string[]) => run('eval', '--model', model, '--acts', acts, ...more);
  const r = evalWith(
    ...['--out', join(dir, 'report.json'), '--codes', codesPath],
    ...['--tokens', join(dir, 'tokens.jsonl')],
  );
  expect(r.status, r.stderr).toBe(0);
  const codes = readSafetensorsRaw(codesPath);
  // Token text: row r is bytes tokens[o[r] … o[r+1]) in UTF-8.
  const o = codes.token_offsets.data;
  const bytes = Buffer.from(Uint8Array.from(codes.tokens.data));
  expect(o).toHaveLength(N + 1);
  const text = Array.from({ length: N }, (_, i) => bytes.subarray(o[i], o[i + 1]).toString('utf8'));
  expect(text).toEqual(tokens);
  // Locations: (doc, pos) of the row from the token file, and the fixture's hard codes.
  const loc = codes.locations.data;
  const act = codes.activations.data;
  const hard = fx.expected['codes_hard'].data;
  const got: [number, number][][] = Array.from({ length: N }, () => []);
  for (let i = 0; i < act.length; i++) {
    const row = loc[3 * i] * SEQ + loc[3 * i + 1];
    expect(loc[3 * i + 1], 'position within a 5-token sequence').toBeLessThan(SEQ);
    got[row].push([loc[3 * i + 2], act[i]]);
  }
  for (let b = 0; b < N; b++) {
    const want = [...hard.slice(b * F, (b + 1) * F)]
      .map((v, j) => [j, v] as [number, number])
      .filter(([, v]) => v !== 0);
    expect(
      got[b].map(([j]) => j),
      `row ${b} features`,
    ).toEqual(want.map(([j]) => j));
    got[b].forEach(([, v], i) =>
      expect(Math.abs(v - want[i][1]), `row ${b} value`).toBeLessThanOrEqual(
        1e-5 + 1e-4 * Math.abs(want[i][1]),
      ),
    );
  }
  console.log(
    `codes with tokens: ${act.length} entries over ${N} rows, ${bytes.length} bytes of token text`,
  );

  // One token short: refused before the evaluation, naming both counts; no codes written.
  writeFileSync(join(dir, 'short.jsonl'), jsonl(N - 1));
  const short = evalWith(
    ...['--out', join(dir, 'short.json'), '--codes', join(dir, 'short.safetensors')],
    ...['--tokens', join(dir, 'short.jsonl')],
  );
  expect(short.status).toBe(1);
  expect(short.stderr).toContain(`${N - 1} tokens but ${N} activation rows`);
  // Tokens label the codes file: without --codes they are a usage error.
  const usage = evalWith('--out', join(dir, 'u.json'), '--tokens', join(dir, 'tokens.jsonl'));
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('give --codes too');
});

test('softsae train writes a model and metrics that softsae eval agrees with', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-train-'));
  const lab = quickActs(dir);
  const acts = lab.path;
  const cfg = join(dir, 'cfg.json');
  const config = {
    arch: 'softsae',
    dict_size: 64,
    k: 4,
    k_max: 16,
    soft_topk_alpha: 0.01,
    lr: 3e-3,
    steps: 60,
    batch_size: 128,
    warmup_steps: 5,
    seed: 3,
  };
  writeFileSync(cfg, JSON.stringify(config));
  const out = join(dir, 'run');
  const r = run('train', '--acts', acts, '--config', cfg, '--out', out);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toContain('step 60/60');

  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  expect(metrics.loss_history).toHaveLength(60);
  const first = metrics.loss_history[0].loss;
  const last = metrics.loss_history[59].loss;
  console.log(`train: loss ${first} → ${last}, FVU ${metrics.fvu}, mean L0 ${metrics.mean_l0}`);
  expect(last).toBeLessThan(first);
  expect(metrics.fvu).toBeGreaterThan(0);
  expect(metrics.fvu).toBeLessThan(1);

  // The model file has the reference names and shapes, and evaluates to the same FVU.
  const bytes = new Uint8Array(readFileSync(join(out, 'model.safetensors')));
  const model = await readModel(await openSafetensors(bytesSource('model.safetensors', bytes)));
  expect(model.arch).toBe('softsae');
  expect([model.D, model.F, model.k, model.kMax]).toEqual([lab.D, 64, 4, 16]);
  expect(evalAgrees(out, acts, metrics).rows).toBe(lab.rows);
});

test('softsae train --data-check yes --eval-rows N: the stream checksum of one epoch, then an evaluation of the first N rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-sample-'));
  const lab = quickDataset();
  const acts = quickActs(dir).path;
  const cfg = join(dir, 'cfg.json');
  const config = {
    arch: 'softsae',
    dict_size: 32,
    k: 4,
    steps: 12,
    batch_size: 64,
    warmup_steps: 2,
  };
  writeFileSync(cfg, JSON.stringify(config));
  const out = join(dir, 'run');
  // 0.05 MiB is under the file's rows: the streamed path, as for a file larger than memory.
  const r = run(
    'train',
    '--acts',
    acts,
    '--config',
    cfg,
    '--out',
    out,
    '--memory-mib',
    '0.05',
    '--data-check',
    'yes',
    '--eval-rows',
    '300',
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toContain('rows read streamed from the files');
  const want = epochChecksum(lab.x, lab.rows, lab.D);
  expect(r.stderr).toContain(
    `data check: one epoch of the stream, ${lab.rows} rows, checksum ${want}`,
  );
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  expect(metrics.eval_rows).toBe(300);
  expect(r.stderr).toContain('over 300 rows');
  // The same model evaluated on a file of exactly those 300 rows gives the same numbers.
  const head = join(dir, 'head.npy');
  const x300 = lab.x.slice(0, 300 * lab.D);
  writeFileSync(
    head,
    writeNpy({ dtype: 'f32', shape: [300, lab.D], data: new Uint8Array(x300.buffer) }),
  );
  expect(evalAgrees(out, head, metrics).rows).toBe(300);
});

test('softsae train with arch batchtopk writes θ (`threshold`) and evaluates with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-btk-'));
  const lab = quickActs(dir);
  const acts = lab.path;
  const cfg = join(dir, 'cfg.json');
  const config = {
    arch: 'batchtopk',
    dict_size: 32,
    k: 4,
    lr: 3e-3,
    steps: 20,
    batch_size: 64,
    warmup_steps: 2,
    dead_feature_threshold: 256, // dead features (and aux-k) after 4 batches without firing
    seed: 5,
  };
  writeFileSync(cfg, JSON.stringify(config));
  const out = join(dir, 'run');
  const r = run('train', '--acts', acts, '--config', cfg, '--out', out);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toContain('step 20/20');
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  expect(metrics.loss_history).toHaveLength(20);
  const bytes = new Uint8Array(readFileSync(join(out, 'model.safetensors')));
  const file = await openSafetensors(bytesSource('model.safetensors', bytes));
  expect(file.tensors.map((t) => t.name)).toContain('threshold');
  expect(file.tensors.map((t) => t.name)).not.toContain('k_estimator.0.weight');
  const model = await readModel(file);
  expect(model.arch).toBe('batchtopk');
  // The reference sets θ only after step 1000; until then it is −1 and inference keeps every
  // positive pre-activation, so the mean L0 exceeds k.
  expect(model.threshold).toBe(-1);
  console.log(`batchtopk: FVU ${metrics.fvu}, mean L0 ${metrics.mean_l0}`);
  expect(metrics.mean_l0).toBeGreaterThan(config.k);
  evalAgrees(out, acts, metrics);
});

test('softsae sweep: 3 k × 3 architectures, one folder per run, sweep.json equal to each run’s metrics.json', async () => {
  test.setTimeout(900_000);
  const dir = mkdtempSync(join(tmpdir(), 'softsae-sweep-'));
  const lab = quickActs(dir);
  const cfg = join(dir, 'base.json');
  const base = {
    dict_size: 32,
    k: 4,
    k_max: 8,
    steps: 30,
    batch_size: 64,
    warmup_steps: 5,
    hard_topk_steps: 5,
    seed: 2,
  };
  writeFileSync(cfg, JSON.stringify(base));
  const out = join(dir, 'sweep');
  const args = ['sweep', '--acts', lab.path, '--config', cfg, '--k', '2,4,8', '--out', out];
  const r = spawnSync('node', [CLI, ...args, '--arch', 'softsae,topk,batchtopk'], {
    encoding: 'utf8',
    timeout: 840_000,
    env,
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toContain('swept 9 of 9 runs');
  const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
  expect(sweep.state).toBe('done');
  const names = [2, 4, 8].flatMap((k) => ['softsae', 'topk', 'batchtopk'].map((a) => `${a}-k${k}`));
  expect(sweep.runs.map((x: { name: string }) => x.name)).toEqual(names);
  for (const run of sweep.runs) {
    const m = JSON.parse(readFileSync(join(out, run.name, 'metrics.json'), 'utf8'));
    expect([run.state, run.fvu, run.mean_l0, run.dead_fraction]).toEqual([
      'done',
      m.fvu,
      m.mean_l0,
      m.dead_fraction,
    ]);
    expect([m.config.arch, m.config.k, m.config.steps]).toEqual([run.arch, run.k, 30]);
    if (run.arch === 'softsae') expect(m.config.k_max).toBe(2 * run.k); // base k_max = 2·k kept
    const bytes = new Uint8Array(readFileSync(join(out, run.name, 'model.safetensors')));
    const model = await readModel(await openSafetensors(bytesSource('m.safetensors', bytes)));
    expect([model.arch, model.k]).toEqual([run.arch, run.k]);
  }
  console.log(
    `sweep: ${sweep.runs.map((x: { name: string; fvu: number; mean_l0: number }) => `${x.name} FVU ${x.fvu.toFixed(4)} L0 ${x.mean_l0.toFixed(2)}`).join('; ')}`,
  );
});

test('bad input exits non-zero with the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-bad-'));
  const cfg = join(dir, 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ dict_size: 8, k: 20, steps: 10, batch_size: 4, bogus: 1 }));
  const r = run(
    'train',
    '--acts',
    fixturePath('softsae-small', 'x.npy'),
    '--config',
    cfg,
    '--out',
    join(dir, 'o'),
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("unknown config key 'bogus'");
  const missing = run(
    'eval',
    '--model',
    join(dir, 'nope.safetensors'),
    '--acts',
    cfg,
    '--out',
    join(dir, 'r.json'),
  );
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain('no such file');
  const notNpy = run(
    'eval',
    '--model',
    fixturePath('softsae-small', ''),
    '--acts',
    cfg,
    '--out',
    join(dir, 'r.json'),
  );
  expect(notNpy.status).toBe(1);
  expect(notNpy.stderr).toMatch(/cfg\.json/);
  expect(run('frobnicate').status).toBe(2);
});

test('softsae train --progress json: one parseable object per update, steps increasing to the end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-progress-'));
  const acts = quickActs(dir);
  const cfg = join(dir, 'cfg.json');
  const steps = 40;
  writeFileSync(
    cfg,
    JSON.stringify({
      arch: 'softsae',
      dict_size: 32,
      k: 4,
      k_max: 16,
      steps,
      batch_size: 32,
      warmup_steps: 4,
      seed: 2,
    }),
  );
  const r = run(
    'train',
    '--acts',
    acts.path,
    '--config',
    cfg,
    '--out',
    join(dir, 'run'),
    '--progress',
    'json',
  );
  expect(r.status, r.stderr).toBe(0);
  // Progress lines are the JSON objects; the other messages (adapter, files written) are text.
  // Training steps first, then the final evaluation's rows (`phase: 'eval'`, both passes).
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('{'));
  const all = lines.map((l) => JSON.parse(l));
  const updates = all.filter((u) => u.phase === undefined);
  const evals = all.filter((u) => u.phase === 'eval');
  expect(all.indexOf(evals[0])).toBeGreaterThan(all.indexOf(updates.at(-1)));
  for (const u of evals)
    expect(Object.keys(u).sort()).toEqual(
      ['eta_s', 'phase', 'rows_done', 'rows_per_sec', 'rows_total'].sort(),
    );
  expect(evals.at(-1)).toMatchObject({ rows_done: 2 * acts.rows, rows_total: 2 * acts.rows });
  const done = evals.map((u) => u.rows_done);
  expect(done).toEqual([...done].sort((a, b) => a - b));
  console.log(
    `progress: ${updates.length} JSON lines, steps ${updates.map((u) => u.step).join(', ')}`,
  );
  expect(updates.length).toBeGreaterThanOrEqual(2);
  for (const u of updates) {
    expect(Object.keys(u).sort()).toEqual(
      ['eta_s', 'loss', 'mean_k_hat', 'rows_per_sec', 'step', 'steps'].sort(),
    );
    expect(u.steps).toBe(steps);
    expect(Number.isFinite(u.loss)).toBe(true);
    expect(u.mean_k_hat).toBeGreaterThan(0);
  }
  const stepsSeen = updates.map((u) => u.step);
  for (let i = 1; i < stepsSeen.length; i++) expect(stepsSeen[i]).toBeGreaterThan(stepsSeen[i - 1]);
  // The engine reports progress at most every 250 ms, so the first update may be past step 1.
  expect(stepsSeen[0]).toBeGreaterThanOrEqual(1);
  expect(stepsSeen.length, 'several updates before the end').toBeGreaterThan(2);
  expect(stepsSeen.at(-1)).toBe(steps);
  const last = updates.at(-1);
  expect(last.eta_s).toBe(0);
  expect(last.rows_per_sec).toBeGreaterThan(0);
  // The loss history written by the same run has the loss of the last step shown.
  const metrics = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8'));
  expect(metrics.loss_history[steps - 1].loss).toBe(last.loss);
});

test('case 37: softsae train and eval refuse a malformed file in one line naming the file and the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-malformed-'));
  const good = quickActs(dir);
  // A real .npy header promising more rows than the file holds, and a file that is not an array.
  const bytes = readFileSync(good.path);
  const truncated = join(dir, 'truncated.npy');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 1000));
  const text = join(dir, 'notes.npy');
  writeFileSync(text, 'a text file saved with the wrong name\n');
  const cfg = join(dir, 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ dict_size: 16, k: 2, steps: 2, batch_size: 4 }));
  const model = fixturePath('softsae-small', '');
  for (const [file, problem] of [
    [truncated, /file truncated: shape/],
    [text, /not a \.npy file/],
  ] as const) {
    for (const args of [
      ['train', '--acts', file, '--config', cfg, '--out', join(dir, 'run')],
      ['eval', '--model', model, '--acts', file, '--out', join(dir, 'r.json')],
    ]) {
      const r = run(...args);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('softsae:'));
      console.log(`${args[0]} ${file.split('/').pop()}: ${errors[0]}`);
      expect(r.status, r.stderr).toBe(1);
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toContain(file);
      expect(errors[0]).toMatch(problem);
      expect(errors[0]).toContain('— save the array again with numpy.save');
      expect(r.stderr).not.toMatch(/^\s+at |node:internal/m);
    }
  }
});

test('softsae train killed mid-run resumes with --resume and ends with the parameters of an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-resume-'));
  const acts = quickActs(dir);
  const cfg = join(dir, 'cfg.json');
  const config = {
    arch: 'softsae',
    dict_size: 48,
    k: 4,
    k_max: 8,
    steps: 240,
    batch_size: 64,
    warmup_steps: 10,
    hard_topk_steps: 40,
    seed: 7,
  };
  writeFileSync(cfg, JSON.stringify(config));
  const train = (out: string, ...more: string[]) =>
    run('train', '--acts', acts.path, '--config', cfg, '--out', out, ...more);
  const straight = train(join(dir, 'straight'), '--checkpoint-every', '20');
  expect(straight.status, straight.stderr).toBe(0);
  // 12 checkpoints were committed; the store keeps its last two generations, and the copy on
  // disk follows it (pruned generations are deleted there too).
  const generations = (out: string) =>
    readdirSync(join(out, 'checkpoints')).filter((n) => n.startsWith('gen-'));
  console.log(`checkpoints on disk after 12 commits: ${generations(join(dir, 'straight'))}`);
  expect(generations(join(dir, 'straight')).length).toBeLessThanOrEqual(2);

  // The same run, killed (SIGKILL: no chance to clean up) once it is past step 100.
  const out = join(dir, 'killed');
  const args = ['--checkpoint-every', '20', '--progress', 'json'];
  const victim = spawn(
    'node',
    [CLI, 'train', '--acts', acts.path, '--config', cfg, '--out', out, ...args],
    { stdio: ['ignore', 'ignore', 'pipe'], env },
  );
  let killedAt = -1;
  await new Promise<void>((resolve) => {
    let buffer = '';
    victim.stderr!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n').slice(0, -1)) {
        if (!line.startsWith('{') || killedAt >= 0) continue;
        const step = (JSON.parse(line) as { step: number }).step;
        if (step >= 100) {
          killedAt = step;
          victim.kill('SIGKILL');
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    victim.on('exit', () => resolve());
  });
  expect(killedAt, 'killed mid-run').toBeGreaterThanOrEqual(100);
  expect(killedAt).toBeLessThan(config.steps);
  expect(existsSync(join(out, 'model.safetensors')), 'no model before the end').toBe(false);

  const resumed = run('train', '--resume', out);
  expect(resumed.status, resumed.stderr).toBe(0);
  // The generations restored from disk are pruned there too once the resumed run moves on.
  expect(generations(out).length).toBeLessThanOrEqual(2);
  const from = Number(/resumed from the checkpoint of step (\d+)/.exec(resumed.stderr)?.[1]);
  console.log(`killed at step ${killedAt}; resumed from the checkpoint of step ${from}`);
  expect(from).toBeGreaterThanOrEqual(80);
  expect(from).toBeLessThanOrEqual(killedAt);

  const tensors = async (path: string) => {
    const bytes = new Uint8Array(readFileSync(path));
    return (await readModel(await openSafetensors(bytesSource('model.safetensors', bytes))))
      .tensors;
  };
  const a = await tensors(join(dir, 'straight', 'model.safetensors'));
  const b = await tensors(join(out, 'model.safetensors'));
  let worst = 0;
  for (const name of Object.keys(a)) {
    const x = a[name as keyof typeof a];
    const y = b[name as keyof typeof b];
    expect(y.length, name).toBe(x.length);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  console.log(`resumed vs uninterrupted: max |Δparam| = ${worst}`);
  expect(worst).toBe(0);
});

test('softsae sweep killed in its second run resumes with --resume: the same sweep.json and models as an uninterrupted sweep', async () => {
  test.setTimeout(1_800_000);
  const dir = mkdtempSync(join(tmpdir(), 'softsae-sweep-resume-'));
  const acts = quickActs(dir).path;
  const cfg = join(dir, 'base.json');
  const base = { dict_size: 32, k: 4, steps: 80, batch_size: 64, warmup_steps: 5, seed: 2 };
  writeFileSync(cfg, JSON.stringify(base));
  const sweepArgs = (out: string) =>
    ['sweep', '--acts', acts, '--config', cfg, '--k', '2,4', '--arch', 'softsae,topk'].concat([
      '--out',
      out,
      '--checkpoint-every',
      '10',
      '--progress',
      'json',
    ]);
  const straight = runLong(...sweepArgs(join(dir, 'straight')));
  expect(straight.status, straight.stderr).toBe(0);

  // Killed (SIGKILL) past step 30 of its second run (topk-k2).
  const out = join(dir, 'killed');
  const victim = spawn('node', [CLI, ...sweepArgs(out)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  let killedAt = -1;
  await new Promise<void>((resolve) => {
    let text = '';
    victim.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const second = text.split('run 1/4 softsae-k2')[1];
      if (!second || killedAt >= 0) return;
      for (const line of second.split('\n').slice(0, -1)) {
        if (!line.startsWith('{')) continue;
        const step = (JSON.parse(line) as { step: number }).step;
        if (step >= 30 && killedAt < 0) {
          killedAt = step;
          victim.kill('SIGKILL');
        }
      }
    });
    victim.on('exit', () => resolve());
  });
  expect(killedAt, 'killed in the second run').toBeGreaterThanOrEqual(30);
  expect(killedAt).toBeLessThan(base.steps);
  expect(existsSync(join(out, 'topk-k2', 'model.safetensors'))).toBe(false);

  const resumed = runLong('sweep', '--resume', out);
  expect(resumed.status, resumed.stderr).toBe(0);
  expect(resumed.stderr).toContain('resuming the sweep at run 2 of 4 (topk-k2)');
  const from = Number(/resumed from the checkpoint of step (\d+)/.exec(resumed.stderr)?.[1]);
  console.log(`sweep killed at step ${killedAt} of topk-k2; resumed from step ${from}`);
  expect(from).toBeGreaterThanOrEqual(20);
  expect(from).toBeLessThanOrEqual(killedAt);
  // The first run is not trained again.
  expect(resumed.stderr).not.toContain('run 1/4');

  const a = JSON.parse(readFileSync(join(dir, 'straight', 'sweep.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
  expect(b.state).toBe('done');
  expect(b.runs).toEqual(a.runs);
  for (const r of a.runs as { name: string }[]) {
    const bytes = (p: string) => readFileSync(join(p, r.name, 'model.safetensors'));
    expect(bytes(out).equals(bytes(join(dir, 'straight'))), r.name).toBe(true);
  }
});
