// `softsae train` and `softsae eval`: serve cli/ with Vite, open it in headless Chromium (WebGPU)
// and drive the engine there. Input files are streamed to the page from disk through a route;
// outputs come back the same way. Progress goes to stderr; errors exit non-zero with the reason.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { chromiumArgs, findChromium } from './chromium.mjs';

const ROOT = resolve(import.meta.dirname, '..');

function fail(message, code = 1) {
  console.error(`softsae: ${message}`);
  process.exit(code);
}

function parse(argv, allowed) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || !allowed.includes(a.slice(2)) || i + 1 >= argv.length)
      fail(`unexpected argument '${a}' (expected ${allowed.map((o) => `--${o}`).join(', ')})`, 2);
    opts[a.slice(2)] = argv[++i];
  }
  return opts;
}

const need = (opts, key) => opts[key] ?? fail(`--${key} is required`, 2);
const existing = (path) => {
  if (!existsSync(path)) fail(`${path}: no such file`);
  return resolve(path);
};

const [command, ...rest] = process.argv.slice(2);
const inputs = new Map(); // name served to the page → path on disk
const outputs = new Map(); // name posted by the page → path to write
let call;
if (command === 'eval') {
  const o = parse(rest, ['model', 'acts', 'out', 'batch', 'codes', 'tokens', 'vocab']);
  if (o.tokens && !o.codes) fail('--tokens labels the rows of the codes file: give --codes too', 2);
  if (o.vocab && !o.tokens) fail('--vocab goes with --tokens (token ids)', 2);
  // A folder gives its config and its weights file (any supported format): the format's usual
  // weights name when there is one (a folder may hold other tensors, e.g. expected outputs),
  // else its only .safetensors/.npz. A file is used alone.
  const model = existing(need(o, 'model'));
  let modelFiles = [model];
  if (statSync(model).isDirectory()) {
    const names = readdirSync(model);
    const known = ['model.safetensors', 'sae_weights.safetensors', 'sae.safetensors', 'params.npz'];
    const weights = known.filter((n) => names.includes(n));
    const any = names.filter((n) => /\.(safetensors|npz)$/i.test(n));
    const cfgs = names.filter((n) => /^(cfg|config)\.json$/i.test(n));
    modelFiles = [...cfgs, ...(weights.length > 0 ? weights.slice(0, 1) : any)].map((f) =>
      join(model, f),
    );
  }
  if (modelFiles.length === 0) fail(`${model}: no SAE files (cfg.json, .safetensors, .npz)`);
  for (const f of modelFiles) inputs.set(basename(f), f);
  if (o.codes) outputs.set('codes.safetensors', resolve(o.codes));
  const acts = existing(need(o, 'acts'));
  inputs.set(basename(acts), acts);
  // Token (and vocabulary) files travel under their own names; one shared with another input
  // would shadow it, so that is refused.
  const extra = {};
  for (const key of ['tokens', 'vocab']) {
    if (!o[key]) continue;
    const path = existing(o[key]);
    if (inputs.has(basename(path)) && inputs.get(basename(path)) !== path)
      fail(`--${key} ${o[key]}: another input has the same file name`, 2);
    inputs.set(basename(path), path);
    extra[key] = basename(path);
  }
  const out = resolve(need(o, 'out'));
  const batch = Number(o.batch ?? 256);
  if (!Number.isInteger(batch) || batch < 1) fail(`--batch must be a positive integer`, 2);
  const arg = {
    model: modelFiles.map((f) => basename(f)),
    acts: basename(acts),
    batch,
    codes: Boolean(o.codes),
    ...extra,
  };
  call = { fn: 'eval', arg, out };
} else if (command === 'train') {
  const o = parse(rest, ['acts', 'config', 'out']);
  const acts = existing(need(o, 'acts'));
  inputs.set(basename(acts), acts);
  let config;
  try {
    config = JSON.parse(readFileSync(existing(need(o, 'config')), 'utf8'));
  } catch (e) {
    fail(`${o.config}: not valid JSON (${e.message})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    fail(`${o.config}: the config must be a JSON object`);
  const dir = resolve(need(o, 'out'));
  mkdirSync(dir, { recursive: true });
  outputs.set('model.safetensors', join(dir, 'model.safetensors'));
  outputs.set('metrics.json', join(dir, 'metrics.json'));
  call = { fn: 'train', arg: { acts: basename(acts), config } };
} else fail(`unknown command ${command}`, 2);

const server = await createServer({
  root: ROOT,
  configFile: join(ROOT, 'vite.config.ts'),
  // No file watching or HMR: a long run must not reload when sources change on disk.
  server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
  logLevel: 'error',
});
await server.listen();
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath: findChromium(undefined) ?? undefined,
  args: chromiumArgs(),
});
let status = 0;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  page.on('console', (m) => process.stderr.write(`${m.text()}\n`));
  await page.route('**/__cli/in/*', (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop());
    const path = inputs.get(name);
    return path ? route.fulfill({ path }) : route.fulfill({ status: 404 });
  });
  await page.route('**/__cli/out/*', (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop());
    const path = outputs.get(name);
    if (!path) return route.fulfill({ status: 404 });
    writeFileSync(path, route.request().postDataBuffer() ?? Buffer.alloc(0));
    process.stderr.write(`wrote ${path}\n`);
    return route.fulfill({ status: 204 });
  });
  await page.goto(`http://127.0.0.1:${port}/cli/index.html`);
  await page.waitForFunction(() => window.softsaeCli !== undefined);
  const result = await page.evaluate(({ fn, arg }) => window.softsaeCli[fn](arg), call);
  if (call.fn === 'eval') {
    mkdirSync(dirname(call.out), { recursive: true });
    writeFileSync(call.out, JSON.stringify(result));
    process.stderr.write(
      `wrote ${call.out}: ${result.rows} rows, FVU ${result.fvu.toPrecision(4)}, mean L0 ${result.mean_l0.toFixed(2)}\n`,
    );
  } else {
    process.stderr.write(
      `trained ${result.steps} steps: FVU ${result.fvu.toPrecision(4)}, mean L0 ${result.mean_l0.toFixed(2)}\n`,
    );
  }
} catch (e) {
  // Errors thrown in the page arrive as "page.evaluate: Error: <message>".
  const message = String(e?.message ?? e)
    .replace(/^page\.evaluate: (Error: )?/, '')
    .split('\n')[0];
  console.error(`softsae: ${message}`);
  status = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(status);
