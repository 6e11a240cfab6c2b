// `softsae train` and `softsae eval`: serve the prebuilt page (dist-cli/, `npm run build:cli`)
// from a small HTTP server on 127.0.0.1, open it in headless Chromium (WebGPU) and drive the
// engine there. Input files are served by byte ranges straight from disk and outputs streamed to
// disk (scripts/cli-server.mjs). Progress and messages go to stderr; every error is one line
// naming the file and the fix, with a non-zero exit status.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, findChromium } from './chromium.mjs';
import { CliError, checkInput, fixFor } from './cli-input.mjs';
import { progressRenderer } from './cli-progress.mjs';
import { startCliServer } from './cli-server.mjs';
import { chromiumRss, describeMemory, heapProbe } from './memory-probe.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'dist-cli');
const PAGE = join(BUNDLE, 'cli', 'index.html');

/** Options `--name value`; `--acts` may be given several times (shards, in that order). */
function parse(argv, allowed) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || !allowed.includes(a.slice(2)) || i + 1 >= argv.length)
      throw new CliError(
        `unexpected argument '${a}' (expected ${allowed.map((o) => `--${o}`).join(', ')})`,
        2,
      );
    const key = a.slice(2);
    if (key === 'acts') (opts.acts ??= []).push(argv[++i]);
    else opts[key] = argv[++i];
  }
  return opts;
}

/** A positive number option, or its default. */
function positive(o, key, dflt, integer = false) {
  if (o[key] === undefined) return dflt;
  const v = Number(o[key]);
  if (!(v > 0) || (integer && !Number.isInteger(v)))
    throw new CliError(`--${key} must be a positive ${integer ? 'integer' : 'number'}`, 2);
  return v;
}

/** `--progress`: 'line' (the default) or 'json'. */
function progressMode(o) {
  const progress = o.progress ?? 'line';
  if (progress !== 'line' && progress !== 'json')
    throw new CliError(`--progress is 'line' (the default) or 'json'`, 2);
  return progress;
}

/**
 * The folder of `--resume DIR`: everything but --progress comes from there (the same files,
 * settings and id), so any other option is refused.
 */
function resumeDir(o, what) {
  const extra = Object.keys(o).filter((k) => k !== 'resume' && k !== 'progress');
  if (extra.length > 0)
    throw new CliError(`--resume DIR takes the ${what}'s own settings; drop --${extra[0]}`, 2);
  return checkInput(o.resume, { flag: '--resume', directory: true });
}

/** A `yes`/`no` option (default no). */
function yesNo(o, key) {
  if (o[key] === undefined || o[key] === 'no') return false;
  if (o[key] === 'yes') return true;
  throw new CliError(`--${key} is 'yes' or 'no'`, 2);
}

/** What the page needs of a served file: its name and size. */
const described = (name, path) => ({ name, size: statSync(path).size });

const need = (opts, key) => {
  if (opts[key] === undefined) throw new CliError(`--${key} is required`, 2);
  return opts[key];
};

/** A folder to write into, created if needed. */
function outputDir(dir, flag) {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError(
      `${dir}: cannot create the output folder (${e.code ?? e.message}) — choose another ${flag}`,
    );
  }
  return dir;
}

/** The command's page call, its input files (name → path) and output files (name → path). */
function prepare(command, rest) {
  const inputs = new Map();
  const outputs = new Map();
  /** Serves `path` under its file name; two different files with one name would be ambiguous. */
  const serve = (path, flag) => {
    const name = basename(path);
    if (inputs.has(name) && inputs.get(name) !== path)
      throw new CliError(`${flag} ${path}: another input has the same file name — rename one`, 2);
    inputs.set(name, path);
    return name;
  };
  if (command === 'eval') {
    const o = parse(rest, [
      ...['model', 'acts', 'out', 'batch', 'codes', 'tokens', 'vocab'],
      ...['tensor', 'memory-mib', 'progress'],
    ]);
    const progress = progressMode(o);
    if (o.tokens && !o.codes)
      throw new CliError('--tokens labels the rows of the codes file: give --codes too', 2);
    if (o.vocab && !o.tokens) throw new CliError('--vocab goes with --tokens (token ids)', 2);
    // A folder gives its config and its weights file (any supported format): the format's usual
    // weights name when there is one (a folder may hold other tensors, e.g. expected outputs),
    // else its only .safetensors/.npz. A file is used alone.
    const modelPath = checkInput(need(o, 'model'), { flag: '--model', directory: true });
    let modelFiles = [modelPath];
    if (statSync(modelPath).isDirectory()) {
      const names = readdirSync(modelPath);
      const known = [
        'model.safetensors',
        'sae_weights.safetensors',
        'sae.safetensors',
        'params.npz',
      ];
      const weights = known.filter((n) => names.includes(n));
      const any = names.filter((n) => /\.(safetensors|npz)$/i.test(n));
      const cfgs = names.filter((n) => /^(cfg|config)\.json$/i.test(n));
      modelFiles = [...cfgs, ...(weights.length > 0 ? weights.slice(0, 1) : any)].map((f) =>
        checkInput(join(modelPath, f), { flag: '--model' }),
      );
      if (modelFiles.length === 0)
        throw new CliError(
          `${modelPath}: no SAE files in this folder — give a folder with cfg.json and a .safetensors/.npz, or the weights file itself`,
        );
    }
    const model = modelFiles.map((f) => described(serve(f, '--model'), f));
    const data = dataArgs(o, serve);
    const out = resolve(need(o, 'out'));
    if (existsSync(out) && statSync(out).isDirectory())
      throw new CliError(`${out}: is a directory — give --out a file name for the report`, 2);
    outputDir(dirname(out), '--out');
    outputs.set('report.json', out);
    if (o.codes) {
      const codes = resolve(o.codes);
      outputDir(dirname(codes), '--codes');
      outputs.set('codes.safetensors', codes);
    }
    const batch = Number(o.batch ?? 256);
    if (!Number.isInteger(batch) || batch < 1)
      throw new CliError(`--batch must be a positive integer`, 2);
    const arg = { model, ...data, batch, codes: Boolean(o.codes) };
    return { fn: 'eval', arg, inputs, outputs, progress };
  }
  if (command === 'train') {
    const o = parse(rest, [
      ...['acts', 'config', 'out', 'progress', 'tokens', 'vocab', 'tensor'],
      ...['memory-mib', 'checkpoint-every', 'resume', 'eval-rows', 'data-check'],
    ]);
    const progress = progressMode(o);
    let run;
    let resume;
    let dir;
    if (o.resume !== undefined) {
      dir = resumeDir(o, 'run');
      const runFile = join(dir, 'run.json');
      const ckpts = join(dir, 'checkpoints');
      if (!existsSync(runFile) || !existsSync(ckpts))
        throw new CliError(
          `${dir}: no run to resume here (run.json and checkpoints/ are written by softsae train --out)`,
        );
      run = JSON.parse(readFileSync(runFile, 'utf8'));
      resume = readdirSync(ckpts).filter((n) => !n.endsWith('.partial'));
      inputs.set('checkpoints/*', ckpts);
    } else {
      const config = readConfig(need(o, 'config'));
      dir = outputDir(resolve(need(o, 'out')), '--out');
      const paths = (o.acts ?? []).map((p) => resolve(p));
      if (paths.length === 0) throw new CliError('--acts is required', 2);
      run = {
        runId: `cli-${Date.now().toString(36)}`,
        acts: paths,
        tokens: o.tokens && resolve(o.tokens),
        vocab: o.vocab && resolve(o.vocab),
        tensor: o.tensor,
        memoryMiB: positive(o, 'memory-mib', 256),
        checkpointEvery: positive(o, 'checkpoint-every', 200, true),
        evalRows: positive(o, 'eval-rows', undefined, true),
        dataCheck: yesNo(o, 'data-check'),
        config,
      };
    }
    const data = dataArgs({ ...run, memory: run.memoryMiB }, serve);
    outputs.set('model.safetensors', join(dir, 'model.safetensors'));
    outputs.set('metrics.json', join(dir, 'metrics.json'));
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    outputs.set('checkpoints/*', join(dir, 'checkpoints'));
    if (!resume) writeFileSync(join(dir, 'run.json'), JSON.stringify(run, null, 2));
    const { runId, config, checkpointEvery, evalRows, dataCheck } = run;
    const arg = { ...data, config, runId, checkpointEvery, resume, evalRows, dataCheck };
    return { fn: 'train', arg, inputs, outputs, progress };
  }
  if (command === 'sweep') return { ...prepareSweep(rest, serve, outputs, inputs), inputs };
  throw new CliError(`unknown command ${command}`, 2);
}

const SWEEP_ARCHS = ['softsae', 'topk', 'batchtopk'];

/**
 * `softsae sweep --acts X [--acts …] --config base.json --k 8,16,32 --arch softsae,topk,batchtopk
 * --out DIR`: one run per (k, arch), one after another, each written to DIR/<arch>-k<k>/
 * (model.safetensors, metrics.json, checkpoints/), and DIR/sweep.json with every run's numbers.
 * DIR/sweep-run.json keeps the files and the plan, DIR/sweep-state.json the sweep's progress:
 * `softsae sweep --resume DIR` continues at the run and step where it stopped.
 */
function prepareSweep(rest, serve, outputs, inputs) {
  const o = parse(rest, [
    ...['acts', 'config', 'out', 'k', 'arch', 'progress', 'tokens', 'vocab', 'tensor'],
    ...['memory-mib', 'checkpoint-every', 'resume'],
  ]);
  const progress = progressMode(o);
  let sweep;
  let dir;
  let resume;
  if (o.resume !== undefined) {
    dir = resumeDir(o, 'sweep');
    const [runFile, stateFile] = ['sweep-run.json', 'sweep-state.json'].map((f) => join(dir, f));
    if (!existsSync(runFile) || !existsSync(stateFile))
      throw new CliError(
        `${dir}: no sweep to resume here (sweep-run.json and sweep-state.json are written by softsae sweep --out)`,
      );
    sweep = JSON.parse(readFileSync(runFile, 'utf8'));
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    // The run it stopped in: its checkpoints, copied back into the page's storage.
    const current = state?.runs?.find((r) => r.state === 'queued' || r.state === 'running');
    const ckpts = current && join(dir, current.name, 'checkpoints');
    const files =
      ckpts && existsSync(ckpts) ? readdirSync(ckpts).filter((n) => !n.endsWith('.partial')) : [];
    if (files.length > 0) inputs.set('checkpoints/*', ckpts);
    resume = { state, files };
  } else {
    const base = readConfig(need(o, 'config'));
    const ks = need(o, 'k')
      .split(',')
      .map((t) => Number(t.trim()));
    if (ks.some((k) => !Number.isInteger(k) || k < 1) || new Set(ks).size !== ks.length)
      throw new CliError(`--k is a list of different positive integers, e.g. --k 8,16,32`, 2);
    const archs = (o.arch ?? SWEEP_ARCHS.join(',')).split(',').map((t) => t.trim());
    const bad = archs.find((a) => !SWEEP_ARCHS.includes(a));
    if (bad) throw new CliError(`--arch ${bad}: one of ${SWEEP_ARCHS.join(', ')}`, 2);
    dir = outputDir(resolve(need(o, 'out')), '--out');
    const paths = (o.acts ?? []).map((p) => resolve(p));
    if (paths.length === 0) throw new CliError('--acts is required', 2);
    sweep = {
      sweepId: `cli-sweep-${Date.now().toString(36)}`,
      acts: paths,
      tokens: o.tokens && resolve(o.tokens),
      vocab: o.vocab && resolve(o.vocab),
      tensor: o.tensor,
      memoryMiB: positive(o, 'memory-mib', 256),
      checkpointEvery: positive(o, 'checkpoint-every', 200, true),
      base,
      ks,
      archs: SWEEP_ARCHS.filter((a) => archs.includes(a)),
    };
    writeFileSync(join(dir, 'sweep-run.json'), JSON.stringify(sweep, null, 2));
  }
  for (const k of sweep.ks)
    for (const arch of sweep.archs) {
      const name = `${arch}-k${k}`;
      outputs.set(
        `${name}/model.safetensors`,
        join(outputDir(join(dir, name), '--out'), 'model.safetensors'),
      );
      outputs.set(`${name}/metrics.json`, join(dir, name, 'metrics.json'));
      const ckpts = join(dir, name, 'checkpoints');
      mkdirSync(ckpts, { recursive: true });
      outputs.set(`${name}/checkpoints/*`, ckpts);
    }
  outputs.set('sweep.json', join(dir, 'sweep.json'));
  outputs.set('sweep-state.json', join(dir, 'sweep-state.json'));
  const { sweepId, base, ks, archs, checkpointEvery } = sweep;
  const data = dataArgs({ ...sweep, memory: sweep.memoryMiB }, serve);
  const arg = { ...data, base, ks, archs, sweepId, checkpointEvery, resume };
  return { fn: 'sweep', arg, outputs, progress, dir };
}

/** A JSON config object from `path`, or a one-line error naming the file. */
function readConfig(path) {
  const cfgPath = checkInput(path, { flag: '--config' });
  let config;
  try {
    config = JSON.parse(readFileSync(cfgPath, 'utf8'));
  } catch (e) {
    throw new CliError(
      `${cfgPath}: not valid JSON (${e.message}) — fix the file; the README lists the config keys`,
    );
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new CliError(`${cfgPath}: the config must be a JSON object such as {"dict_size": 64}`);
  return config;
}

/**
 * The data options shared by train and eval: activation shards (`acts`: one path or several),
 * tokens, vocabulary, the array of a multi-array file and the memory budget; each file served.
 */
function dataArgs(o, serve) {
  const acts = [o.acts ?? []].flat();
  if (acts.length === 0) throw new CliError('--acts is required', 2);
  const file = (path, flag) => {
    const p = checkInput(path, { flag });
    return described(serve(p, flag), p);
  };
  return {
    acts: acts.map((p) => file(p, '--acts')),
    tokens: o.tokens ? file(o.tokens, '--tokens') : undefined,
    vocab: o.vocab ? file(o.vocab, '--vocab') : undefined,
    tensor: o.tensor,
    memoryMiB: o.memory ?? positive(o, 'memory-mib', 256),
  };
}

/** The newest modification time under the page's sources, to notice a bundle older than them. */
function newestSource() {
  let newest = 0;
  const walk = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['cli', 'src', 'shaders', 'vite.config.ts']) walk(join(ROOT, p));
  return newest;
}

function checkBundle(log) {
  if (!existsSync(PAGE))
    throw new CliError(
      `${BUNDLE}: the page bundle is missing — run \`npm run build\` (or \`npm run build:cli\`) in ${ROOT}`,
    );
  if (newestSource() > statSync(PAGE).mtimeMs)
    log(
      `softsae: warning: ${BUNDLE} is older than the sources — run \`npm run build:cli\` to use the current code`,
    );
}

/**
 * One line for an error thrown in the page or by Playwright. A problem in one of the inputs
 * (the message starts with its file name) names the path and how to check the file.
 */
function describe(e, inputs) {
  let message = String(e?.message ?? e)
    .replace(/^page\.evaluate: /, '')
    .replace(/^[A-Za-z]*Error: /, '')
    .split('\n')[0];
  for (const [name, path] of inputs) {
    if (!message.startsWith(`${name}: `)) continue;
    message = `${path}: ${message.slice(name.length + 2)}`;
    if (!message.includes(' — '))
      message += ` — ${fixFor(path)}; \`softsae info ${path}\` shows what it holds`;
    break;
  }
  return message;
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  // --memory-report (no value): peak JS heaps of the page and workers, peak RSS of Chromium.
  const rest = args.filter((a) => a !== '--memory-report');
  const memoryReport = rest.length < args.length;
  const call = prepare(command, rest);
  const render = progressRenderer({ mode: call.progress, stream: process.stderr });
  checkBundle(render.log);
  const server = await startCliServer({
    inputs: call.inputs,
    outputs: call.outputs,
    root: BUNDLE,
    // Checkpoint files are copied after every commit: not worth a line each.
    onWrote: (p) => /[/\\]checkpoints[/\\]/.test(p) || render.log(`wrote ${p}`),
  });
  let browser;
  try {
    try {
      browser = await chromium.launch({
        executablePath: findChromium(undefined) ?? undefined,
        args: chromiumArgs(),
      });
    } catch (e) {
      throw new CliError(
        `cannot start Chromium (${String(e?.message ?? e).split('\n')[0]}) — install chromium or set CHROMIUM_PATH`,
      );
    }
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    page.on('console', (m) => render.message(m.text()));
    page.on('pageerror', (e) => render.log(`page error: ${e.message}`));
    await page.goto(`${server.url}/cli/index.html`);
    await page.waitForFunction(() => window.softsaeCli !== undefined, null, { timeout: 60_000 });
    const probe = memoryReport ? await heapProbe(page) : null;
    probe?.every(1000);
    let result;
    try {
      result = await page.evaluate(({ fn, arg }) => window.softsaeCli[fn](arg), call);
    } catch (e) {
      throw new CliError(describe(e, call.inputs));
    } finally {
      await probe?.stop();
    }
    render.end();
    if (probe) {
      const rss = chromiumRss(process.pid); // the Chromium processes this command started
      if (call.progress === 'json')
        render.log(
          JSON.stringify({
            memory: {
              js_heap: Object.fromEntries(probe.peaks),
              v8_heap_and_array_buffers: Object.fromEntries(probe.parts),
              rss,
            },
          }),
        );
      else for (const line of describeMemory(probe.peaks, rss, probe.parts)) render.log(line);
    }
    const summary = `FVU ${result.fvu?.toPrecision(4)}, mean L0 ${result.mean_l0?.toFixed(2)}`;
    if (call.fn === 'train') render.log(`run folder: ${dirname(call.outputs.get('metrics.json'))}`);
    if (call.fn === 'sweep')
      render.log(`swept ${result.done} of ${result.runs} runs: ${join(call.dir, 'sweep.json')}`);
    else if (call.fn === 'eval') render.log(`evaluated ${result.rows} rows: ${summary}`);
    else render.log(`trained ${result.steps} steps: ${summary} over ${result.eval_rows} rows`);
  } finally {
    render.end();
    await browser?.close();
    await server.close();
  }
}

try {
  await main();
} catch (e) {
  // Never a stack trace: a known problem is its message, anything else its first line.
  const message = e instanceof CliError ? e.message : String(e?.message ?? e).split('\n')[0];
  console.error(message.startsWith('softsae: ') ? message : `softsae: ${message}`);
  process.exitCode = e instanceof CliError ? e.exitCode : 1;
}
