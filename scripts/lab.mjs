// The paper's claim on the synthetic lab (docs/synthetic-lab.md): train SoftSAE, then TopK at the
// SoftSAE's mean L0, both with `softsae train` on the same activations, evaluate both with
// `softsae eval`, and report Spearman(k̂, true active count), feature recovery and FVU.
//   node scripts/lab.mjs [--preset quick|demo] [--steps N] [--out DIR]
//     [--alpha A] [--alpha-anneal N] [--hard N] [--kmax-factor M] [--lr LR]
//   (SoftSAE's α, α annealing steps from 1, hard-phase steps (default steps/10), k_max = M·k)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runnerImport } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const preset = arg('--preset', 'quick');
const steps = Number(arg('--steps', 2000));
const dir = resolve(arg('--out', join(ROOT, 'lab-results')));
mkdirSync(dir, { recursive: true });

const load = async (p) =>
  (await runnerImport(join(ROOT, p), { configFile: false, logLevel: 'silent' })).module;
const data = await load('src/data/index.ts');
const io = await load('src/io/index.ts');
const model = await load('src/sae/modelFile.ts');

const lab = preset === 'demo' ? data.demoDataset() : data.quickDataset();
const { D, rows, G } = lab;
const trueMean = lab.activeCount.reduce((a, b) => a + b, 0) / rows;
const acts = join(dir, 'acts.npy');
writeFileSync(
  acts,
  io.writeNpy({
    dtype: 'f32',
    shape: [rows, D],
    data: new Uint8Array(lab.x.buffer, lab.x.byteOffset, lab.x.byteLength),
  }),
);
console.error(
  `lab ${preset}: ${rows} rows × ${D}, ${G} true features, true mean count ${trueMean.toFixed(3)}`,
);

const cli = (...args) => {
  const r = spawnSync('node', [join(ROOT, 'bin', 'softsae.mjs'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`softsae ${args[0]} failed`);
};

async function run(name, config) {
  const out = join(dir, name);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(config));
  cli('train', '--acts', acts, '--config', join(dir, `${name}.json`), '--out', out);
  cli('eval', '--model', out, '--acts', acts, '--out', join(out, 'report.json'));
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const bytes = new Uint8Array(readFileSync(join(out, 'model.safetensors')));
  const m = await model.readModel(
    await io.openSafetensors(io.bytesSource('model.safetensors', bytes)),
  );
  const rec = data.featureRecovery(lab.dictionary, m.tensors['decoder.weight'], D, m.F);
  return { report, rec };
}

const F = 2 * G;
const k = Math.round(trueMean);
const lr = Number(arg('--lr', 2e-3));
const common = { dict_size: F, steps, batch_size: 256, lr, warmup_steps: 100, seed: 1 };
const softConfig = {
  ...common,
  arch: 'softsae',
  k,
  k_max: Number(arg('--kmax-factor', 4)) * k,
  soft_topk_alpha: Number(arg('--alpha', 0.01)),
  alpha_anneal_steps: Number(arg('--alpha-anneal', 0)),
  hard_topk_steps: Number(arg('--hard', Math.round(steps / 10))),
};
const soft = await run('softsae', softConfig);
const kTop = Math.max(1, Math.round(soft.report.mean_l0));
const top = await run('topk', { ...common, arch: 'topk', k: kTop });

const spearmanK = data.spearman(soft.report.k_hat, lab.activeCount);
const spearmanL0 = data.spearman(soft.report.l0, lab.activeCount);
const lines = [
  `| model | k | mean L0 | FVU | recovery (mean best cos) | recovered ≥ 0.9 | Spearman(k̂, true) | Spearman(L0, true) |`,
  `|---|---|---|---|---|---|---|---|`,
  `| SoftSAE | target ${k} | ${soft.report.mean_l0.toFixed(2)} | ${soft.report.fvu.toFixed(4)} | ${soft.rec.meanBestCosine.toFixed(3)} | ${soft.rec.recoveredFraction.toFixed(3)} | ${spearmanK.toFixed(3)} | ${spearmanL0.toFixed(3)} |`,
  `| TopK | ${kTop} | ${top.report.mean_l0.toFixed(2)} | ${top.report.fvu.toFixed(4)} | ${top.rec.meanBestCosine.toFixed(3)} | ${top.rec.recoveredFraction.toFixed(3)} | — | — |`,
];
const byCount = new Map();
soft.report.k_hat.forEach((kh, i) => {
  const c = lab.activeCount[i];
  const e = byCount.get(c) ?? [0, 0];
  byCount.set(c, [e[0] + kh, e[1] + 1]);
});
const means = [...byCount.entries()]
  .sort((a, b) => a[0] - b[0])
  .map(([c, [s, n]]) => `${c} → ${(s / n).toFixed(2)}`)
  .join(', ');
const summary =
  `lab ${preset}: ${rows} rows × D ${D}, G ${G} true features (true mean count ${trueMean.toFixed(2)}), F = ${F}, ${steps} steps\n` +
  `SoftSAE config: ${JSON.stringify(softConfig)}\n\n${lines.join('\n')}\n\nmean k̂ by true count: ${means}\n`;
writeFileSync(join(dir, 'summary.md'), summary);
console.log(summary);
