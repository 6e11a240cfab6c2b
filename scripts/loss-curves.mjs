// Do two builds of the engine train the same? Trains the same config on the same activations
// with `softsae train` from this checkout and from another one (`--against DIR`, e.g. a
// `git worktree` of the previous kernels, with its `npm run build:cli` done), then compares the
// per-step loss histories (metrics.json) and the final metrics. Kernel changes that only
// reorder float32 sums move the loss by rounding, which a run then amplifies slowly; a wrong
// kernel moves it at once.
//   node scripts/loss-curves.mjs --against ../old [--steps 500] [--arch softsae,topk]
//     [--data demo|quick] [--preset tuned] [--out DIR]
// Prints, per architecture: max and median |Δloss| / loss over the steps, the step of the max,
// and each build's final loss, FVU and mean L0.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runnerImport } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const against = arg('--against');
if (!against) throw new Error('usage: node scripts/loss-curves.mjs --against OTHER_CHECKOUT');
const other = resolve(against);
const steps = Number(arg('--steps', '500'));
const archs = arg('--arch', 'softsae,topk').split(',');
const dataKind = arg('--data', 'demo');
const presetId = arg('--preset', 'tuned');
const dir = resolve(arg('--out', join(tmpdir(), `loss-curves-${Date.now()}`)));
mkdirSync(dir, { recursive: true });

const load = async (p) =>
  (await runnerImport(join(ROOT, p), { configFile: false, logLevel: 'silent' })).module;
const data = await load('src/data/index.ts');
const io = await load('src/io/index.ts');
const { TRAIN_PRESETS } = await load('src/components/train/presets.ts');

const lab = dataKind === 'quick' ? data.quickDataset() : data.demoDataset();
const acts = join(dir, 'acts.npy');
const npy = { dtype: 'f32', shape: [lab.rows, lab.D], data: new Uint8Array(lab.x.buffer) };
writeFileSync(acts, io.writeNpy(npy));
const preset = TRAIN_PRESETS.find((p) => p.id === presetId);
if (!preset) throw new Error(`no preset ${presetId}`);

function train(root, name, config) {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify(config));
  const args = ['train', '--acts', acts, '--config', join(out, 'config.json'), '--out', out];
  const t0 = performance.now();
  const r = spawnSync('node', [join(root, 'bin', 'softsae.mjs'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${root}: softsae train failed\n${r.stderr}`);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  return { metrics, seconds: (performance.now() - t0) / 1000 };
}

const fmt = (v) => (typeof v === 'number' ? v.toPrecision(6) : String(v));
console.log(`${dataKind}, preset ${presetId}, ${steps} steps; this checkout vs ${other}`);
console.log('| arch | max rel Δloss (step) | median rel Δloss | final loss this / other |');
console.log('|---|---|---|---|');
const finals = [];
for (const arch of archs) {
  const base = { ...preset.make(lab.D, lab.rows, steps), seed: 1 };
  const config = arch === 'softsae' ? base : { ...base, arch, k: 5, k_max: null };
  const a = train(ROOT, `${arch}-this`, config);
  const b = train(other, `${arch}-other`, config);
  const la = a.metrics.loss_history;
  const lb = b.metrics.loss_history;
  if (la.length !== lb.length) throw new Error(`${arch}: ${la.length} vs ${lb.length} steps`);
  const rel = la.map((s, i) => Math.abs(s.loss - lb[i].loss) / Math.abs(lb[i].loss));
  const sorted = [...rel].sort((x, y) => x - y);
  const worst = rel.indexOf(sorted.at(-1));
  console.log(
    `| ${arch} | ${sorted.at(-1).toExponential(2)} (step ${la[worst].step}) | ` +
      `${sorted[Math.floor(sorted.length / 2)].toExponential(2)} | ` +
      `${fmt(la.at(-1).loss)} / ${fmt(lb.at(-1).loss)} |`,
  );
  for (const [name, m, s] of [
    ['this', a.metrics, a.seconds],
    ['other', b.metrics, b.seconds],
  ])
    finals.push(`${arch} ${name}: fvu ${fmt(m.fvu)}, mean L0 ${fmt(m.mean_l0)}, ${s.toFixed(0)} s`);
}
console.log(finals.join('\n'));
console.log(`runs in ${dir}`);
