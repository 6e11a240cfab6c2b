// The paper's claim on ground-truth data (docs/synthetic-lab.md): train SoftSAE with a Train-form
// preset, then TopK at the SoftSAE's rounded mean L0 with the same settings, both with
// `softsae train` on the same activations; evaluate both with `softsae eval`; report
// Spearman(k̂, true active count), feature recovery and FVU, per seed and as mean ± spread.
//   node scripts/lab.mjs [--data demo|quick|lab] [--preset scaled|quick] [--seeds 1,2,3]
//     [--steps N] [--no-topk] [--topk-at L0] [--out DIR] [--set key=value,…]
//     [--trainer gpu|reference] [--every N]
// (`--topk-at L0`: skip SoftSAE and train only TopK at k = round(L0), for a SoftSAE run measured
// before. `--trainer reference`: the float64 reference trainer in this process instead of
// `softsae train` in Chromium (scripts/lab-reference.mjs), printing metrics every `--every` steps,
// and summary.md gains a table per true active count: SoftSAE's mean k̂ and L0, and the mean
// ‖x − x̂‖² of both models.)
// `demo`/`quick` are the built-in corpora (seed s varies only training: the corpus is fixed);
// `lab` is generateLab with D = 64, G = 128, 16 384 rows, 1–12 active per row, noise 0.02, whose
// seed s draws both the data and the training.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runnerImport } from 'vite';
import { referenceRun } from './lab-reference.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const dataKind = arg('--data', 'demo');
const presetId = arg('--preset', 'tuned');
const trainer = arg('--trainer', 'gpu');
const every = Number(arg('--every', '0'));
const seeds = arg('--seeds', '1').split(',').map(Number);
const steps = arg('--steps') === undefined ? undefined : Number(arg('--steps'));
const withTopK = !process.argv.includes('--no-topk');
const topkAt = arg('--topk-at') === undefined ? null : Number(arg('--topk-at'));
const overrides = Object.fromEntries(
  (arg('--set', '') || '')
    .split(',')
    .filter(Boolean)
    .map((kv) => kv.split('='))
    .map(([k, v]) => [k, v === 'null' ? null : Number(v)]),
);
const dir = resolve(arg('--out', join(ROOT, 'lab-results', `${dataKind}-${presetId}-${trainer}`)));
mkdirSync(dir, { recursive: true });

const load = async (p) =>
  (await runnerImport(join(ROOT, p), { configFile: false, logLevel: 'silent' })).module;
const data = await load('src/data/index.ts');
const io = await load('src/io/index.ts');
const model = await load('src/io/sae/modelFile.ts');
const { TRAIN_PRESETS } = await load('src/components/train/presets.ts');

function makeData(seed) {
  if (dataKind === 'demo') return data.demoDataset();
  if (dataKind === 'quick') return data.quickDataset();
  const count = { kind: 'uniform', min: 1, max: 12 };
  return data.generateLab({ seed, D: 64, G: 128, rows: 16384, count, noiseStd: 0.02 });
}

const cli = (...args) => {
  const r = spawnSync('node', [join(ROOT, 'bin', 'softsae.mjs'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`softsae ${args[0]} failed`);
};

/** Trains and evaluates one config; returns the report, recovery and wall seconds. */
async function run(out, acts, lab, config) {
  if (trainer === 'reference') {
    const log = (step, m) =>
      console.log(`${config.arch} step ${step}: ${JSON.stringify({ ...m, byCount: undefined })}`);
    return referenceRun(load, lab, config, { every, log });
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify(config));
  const t0 = performance.now();
  cli('train', '--acts', acts, '--config', join(out, 'config.json'), '--out', out);
  const seconds = (performance.now() - t0) / 1000;
  cli('eval', '--model', out, '--acts', acts, '--out', join(out, 'report.json'));
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const bytes = new Uint8Array(readFileSync(join(out, 'model.safetensors')));
  const m = await model.readModel(
    await io.openSafetensors(io.bytesSource('model.safetensors', bytes)),
  );
  const rec = data.featureRecovery(lab.dictionary, m.tensors['decoder.weight'], lab.D, m.F);
  return {
    fvu: report.fvu,
    meanL0: report.mean_l0,
    recovery: rec.meanBestCosine,
    spearmanKHat: report.k_hat ? data.spearman(report.k_hat, lab.activeCount) : null,
    spearmanL0: data.spearman(report.l0, lab.activeCount),
    trainSeconds: seconds,
  };
}

const results = [];
for (const seed of seeds) {
  const lab = makeData(seed);
  const acts = join(dir, `acts-${seed}.npy`);
  const x = lab.x;
  const npy = { dtype: 'f32', shape: [lab.rows, lab.D], data: new Uint8Array(x.buffer) };
  writeFileSync(acts, io.writeNpy(npy));
  const preset = TRAIN_PRESETS.find((p) => p.id === presetId);
  const base = { ...preset.make(lab.D, lab.rows, steps), ...overrides, seed };
  const soft =
    topkAt === null ? await run(join(dir, `softsae-${seed}`), acts, lab, base) : { meanL0: topkAt };
  const row = { seed, config: base, softsae: soft };
  if (withTopK) {
    const k = Math.max(1, Math.round(soft.meanL0));
    const top = { ...base, arch: 'topk', k, k_max: null };
    row.topk = { k, ...(await run(join(dir, `topk-${seed}`), acts, lab, top)) };
  }
  results.push(row);
  console.log(JSON.stringify(row));
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 1));
}

/** Mean and half the range (max − min)/2 of a metric over seeds. */
function stat(values) {
  const v = values.filter((x) => x !== null && x !== undefined);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return `${mean.toFixed(3)} ± ${((Math.max(...v) - Math.min(...v)) / 2).toFixed(3)}`;
}
const col = (arch, key) => stat(results.map((r) => r[arch]?.[key]));
const lines = [
  `${dataKind}, preset ${presetId}${steps ? `, ${steps} steps` : ''}, seeds ${seeds.join(',')}` +
    (Object.keys(overrides).length ? `, overrides ${JSON.stringify(overrides)}` : ''),
  '',
  '| model | mean L0 | FVU | recovery | Spearman(k̂, count) | Spearman(L0, count) | train s |',
  '|---|---|---|---|---|---|---|',
  `| SoftSAE | ${col('softsae', 'meanL0')} | ${col('softsae', 'fvu')} | ${col('softsae', 'recovery')} | ${col('softsae', 'spearmanKHat')} | ${col('softsae', 'spearmanL0')} | ${col('softsae', 'trainSeconds')} |`,
];
if (withTopK)
  lines.push(
    `| TopK (k = ${results.map((r) => r.topk.k).join('/')}) | ${col('topk', 'meanL0')} | ${col('topk', 'fvu')} | ${col('topk', 'recovery')} | — | ${col('topk', 'spearmanL0')} | ${col('topk', 'trainSeconds')} |`,
  );
// Per true active count (reference trainer): mean k̂ and L0 of SoftSAE, mean squared error of both.
if (results[0].softsae.byCount) {
  const avg = (arch, c, key) =>
    results.reduce((a, r) => a + (r[arch]?.byCount?.[c]?.[key] ?? NaN), 0) / results.length;
  const counts = Object.keys(results[0].softsae.byCount).map(Number);
  lines.push(
    '',
    '| true count | rows | SoftSAE k̂ | SoftSAE L0 | SoftSAE ‖x − x̂‖² | TopK ‖x − x̂‖² |',
    '|---|---|---|---|---|---|',
    ...counts
      .map((c) =>
        [c, avg('softsae', c, 'rows'), avg('softsae', c, 'kHat'), avg('softsae', c, 'l0')]
          .concat([avg('softsae', c, 'sqErr'), withTopK ? avg('topk', c, 'sqErr') : NaN])
          .map((v, i) => (i < 2 ? String(Math.round(v)) : v.toFixed(i < 4 ? 2 : 4)))
          .join(' | '),
      )
      .map((row) => `| ${row} |`),
  );
}
writeFileSync(join(dir, 'summary.md'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
