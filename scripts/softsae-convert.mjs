// `softsae convert IN OUT --to softsae|saelens-topk [--k K] [--acts X.npy]`: reads any supported
// SAE (a folder: its cfg.json/config.json and weights; or one weights file) in Node and writes
// the target folder OUT. No GPU: a SoftSAE's mean k̂ for the TopK export comes from --k or from
// the float64 k-estimator over --acts. Per-token codes need an evaluation: `softsae eval --codes`.
import { mkdirSync, openAsBlob, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { runnerImport } from 'vite';

const USAGE =
  'usage: softsae convert IN OUT --to softsae|saelens-topk [--k K] [--acts X.npy]\n' +
  '       (per-token codes: softsae eval --model IN --acts X.npy --out r.json --codes codes.safetensors)';
const fail = (m, code = 1) => {
  console.error(`softsae: ${m}`);
  process.exit(code);
};

const args = process.argv.slice(3);
const pos = [];
const opts = {};
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) {
    if (!['--to', '--k', '--acts'].includes(args[i]) || i + 1 >= args.length) fail(USAGE, 2);
    opts[args[i].slice(2)] = args[++i];
  } else pos.push(args[i]);
}
if (pos.length !== 2 || !opts.to) fail(USAGE, 2);
if (opts.to === 'codes')
  fail(
    'codes need an evaluation: softsae eval --model IN --acts X.npy --out r.json --codes OUT',
    2,
  );
if (opts.to !== 'softsae' && opts.to !== 'saelens-topk')
  fail(`unknown --to ${opts.to}\n${USAGE}`, 2);
const k = opts.k === undefined ? undefined : Number(opts.k);
if (k !== undefined && !(k > 0)) fail('--k must be a positive number', 2);

const root = join(import.meta.dirname, '..');
const load = async (p) =>
  (await runnerImport(join(root, p), { configFile: false, logLevel: 'silent' })).module;
const [io, sae, conv] = await Promise.all([
  load('src/io/index.ts'),
  load('src/io/sae/load.ts'),
  load('src/sae/convert.ts'),
]);
const source = async (p) => io.blobSource(await openAsBlob(p), basename(p));
try {
  const input = resolve(pos[0]);
  const paths = statSync(input).isDirectory()
    ? readdirSync(input)
        .filter((f) => /^(cfg|config)\.json$|\.(safetensors|npz)$/i.test(f))
        .filter((f) => f !== 'expected.safetensors')
        .map((f) => join(input, f))
    : [input];
  const model = await sae.loadSae(await Promise.all(paths.map(source)));
  const acts = opts.acts ? await io.openActivations(await source(resolve(opts.acts))) : undefined;
  const { files, note } = await conv.convertSae(model, opts.to, { k, acts });
  const out = resolve(pos[1]);
  mkdirSync(out, { recursive: true });
  for (const f of files) writeFileSync(join(out, f.name), f.bytes);
  console.error(
    `read ${model.source}; wrote ${out}: ${note} (${files.map((f) => f.name).join(', ')})`,
  );
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
