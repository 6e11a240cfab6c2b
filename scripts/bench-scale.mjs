// `npm run bench -- --scale` and `-- --big`: the app itself (Vite dev server, test hook) training
// on generated activation files given through the Data panel's file input, as a researcher's
// files arrive (disk-backed Files).
//  --scale: one file trained twice at one shape, side by side: held in memory (budget above
//           the file) and streamed from disk (budget below it). Steady-state training rows/s of
//           each (steps after the first few), the first steps' rate, and the ratio.
//  --big:   files larger than memory allows to hold whole — a 3 GiB float32 .npy (1,050,000 ×
//           768) and a 6 GiB float16 dataset in 3 shards — loaded, trained a few steps from the
//           engine and evaluated over every row (--big-eval), with the peak JS heap of the page
//           and of each worker and the Chromium processes' peak RSS.
// Files are written to a temporary folder and deleted afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchNpy } from './bench-files.mjs';
import { chromiumRss, describeMemory, heapProbe } from './memory-probe.mjs';

const MiB = 2 ** 20;

/** Opens the app and waits for the demo (the app is ready) and the GPU. */
async function openApp(browser, url) {
  process.stderr.write(`  opening the app …\n`);
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  page.on('pageerror', (e) => process.stderr.write(`  page error: ${e.message}\n`));
  await page.goto(url);
  await page.getByTestId('data.summary.name').filter({ hasText: 'Demo' }).waitFor();
  await page.waitForFunction(() => window.__softsae?.state().gpuStatus === 'ready');
  return page;
}

/** Loads files through the Data panel with a memory budget; returns the dataset's summary. */
async function loadFiles(page, paths, memoryMiB) {
  process.stderr.write(`  loading ${paths.length} file(s), budget ${memoryMiB} MiB …\n`);
  await page.getByTestId('data.memory').fill(String(memoryMiB));
  await page.getByTestId('data.files').setInputFiles(paths);
  const t0 = performance.now();
  await page.getByTestId('data.load').click();
  await page.waitForFunction(
    (n) => {
      const s = window.__softsae.state().dataset;
      if (s.error) return true;
      const d = s.list.find((x) => x.id === s.activeId);
      return d !== undefined && !d.builtin && d.rows === n.rows && s.ingest === null;
    },
    { rows: paths.rows },
    { polling: 200 },
  );
  const s = await page.evaluate(() => {
    const d = window.__softsae.state().dataset;
    return { error: d.error, view: d.list.find((x) => x.id === d.activeId) };
  });
  if (s.error) throw new Error(`load failed: ${s.error.message}`);
  return { ...s.view, loadSeconds: (performance.now() - t0) / 1000 };
}

/**
 * Starts a run on the active dataset from the Train form, as a person does (the architecture,
 * then each setting of `config` typed into its field; the others keep the form's preset), and
 * samples (time, step) until `steps` are done (and the final evaluation with `evaluate`).
 */
async function train(page, config, { evaluate = false, onSample = () => {} } = {}) {
  process.stderr.write(`  training ${config.steps} steps from the Train form …\n`);
  await page.getByTestId('nav.train').click();
  await page.getByTestId('train.arch').selectOption(config.arch);
  // Every setting of the form: the config's value, or empty (the engine's default).
  const keys = await page
    .locator('form.config input[type="number"]')
    .evaluateAll((els) => els.map((e) => e.dataset.testid.replace(/^train\./, '')));
  for (const key of keys.filter((k) => k !== 'checkpointEvery'))
    await page
      .getByTestId(`train.${key}`)
      .fill(config[key] === undefined ? '' : String(config[key]));
  const errors = await page.getByTestId('train.errors').allTextContents();
  if (errors.length > 0)
    throw new Error(`the Train form refuses the settings: ${errors.join('; ')}`);
  await page.getByTestId('train.checkpointEvery').fill(String(config.steps));
  await page.getByTestId('train.start').click();
  const samples = [];
  for (;;) {
    const t = await page.evaluate(() => {
      const s = window.__softsae.state().training;
      return { step: s.step, state: s.state, message: s.message };
    });
    samples.push({ t: performance.now(), step: t.step });
    await onSample();
    if (t.state === 'failed') throw new Error(`training failed: ${t.message}`);
    if (t.step >= config.steps && !evaluate) break;
    if (t.state === 'done') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Without `evaluate` the final evaluation that follows is cut short by closing the page.
  return samples;
}

/** Rows/s between the first sample at or past step `from` and the last sample. */
function rate(samples, from, to, batch) {
  const a = samples.find((s) => s.step >= from);
  const b = samples.findLast((s) => s.step <= to) ?? samples[samples.length - 1];
  if (!a || !b || b.step <= a.step) return NaN;
  return ((b.step - a.step) * batch) / ((b.t - a.t) / 1000);
}

/** A SoftSAE run of the bench's shape (k_max = 2k, a short warm-up: the runs are short). */
const benchConfig = (o) => ({
  arch: 'softsae',
  dict_size: o.F,
  k: o.k,
  k_max: 2 * o.k,
  batch_size: o.batch,
  steps: o.steps,
  warmup_steps: Math.min(5, o.steps - 1),
  seed: 1,
});

const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');

/**
 * @param {import('@playwright/test').Browser} browser
 * @param {string} url the app
 * @param {{ mb: number, width: number, F: number, k: number, batch: number, steps: number, warm: number, streamMiB: number }} o
 */
export async function runScaleBench(browser, url, o) {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-bench-scale-'));
  try {
    const file = writeBenchNpy(join(dir, `acts_f32_${o.mb}MB.npy`), 'f32', o.mb, o.width);
    const paths = Object.assign([file.path], { rows: file.rows });
    const config = benchConfig(o);
    const memoryMiB = Math.ceil((file.rows * o.width * 4) / MiB) + 64;
    const results = [];
    // Interleaved twice (memory, stream, memory, stream) so drift hits both alike.
    for (const rep of [1, 2])
      for (const [mode, budget] of [
        ['memory', memoryMiB],
        ['stream', o.streamMiB],
      ]) {
        const page = await openApp(browser, url);
        try {
          const view = await loadFiles(page, paths, budget);
          const samples = await train(page, config);
          results.push({
            mode,
            rep,
            rowsFrom: view.rowsFrom,
            first: rate(samples, 0, o.warm, o.batch),
            steady: rate(samples, o.warm, o.steps, o.batch),
          });
        } finally {
          await page.close();
        }
      }
    const { rows } = file;
    console.log(
      `\n## Training fed from memory vs streamed from disk (--scale)\n` +
        `file: ${o.mb} MB float32 .npy, ${rows.toLocaleString('en-US')} × ${o.width}; ` +
        `SoftSAE F = ${o.F}, k = ${o.k}, batch ${o.batch}, ${o.steps} steps; ` +
        `steady state = steps ${o.warm}…${o.steps}\n`,
    );
    console.log(
      '| path   | rep | budget    | first steps rows/s | steady rows/s | how the rows were read',
    );
    console.log(
      '|--------|-----|-----------|--------------------|---------------|----------------------',
    );
    for (const r of results)
      console.log(
        `| ${r.mode.padEnd(6)} | ${r.rep}   | ${String(r.mode === 'memory' ? memoryMiB : o.streamMiB).padStart(5)} MiB | ` +
          `${fmt(r.first).padStart(18)} | ${fmt(r.steady).padStart(13)} | ${r.rowsFrom.why}`,
      );
    const mean = (m) =>
      results.filter((r) => r.mode === m).reduce((a, r) => a + r.steady, 0) /
      results.filter((r) => r.mode === m).length;
    const ratio = mean('stream') / mean('memory');
    console.log(
      `\nstreamed / in-memory steady-state rows/s: ${(100 * ratio).toFixed(1)} % ` +
        `(${fmt(mean('stream'))} vs ${fmt(mean('memory'))})`,
    );
    return { results, ratio };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `dataset-epoch` on the active dataset: one epoch served, its checksum (heaps sampled). */
async function dataCheck(page, heaps) {
  await page.evaluate(() => {
    const h = window.__softsae;
    h.send({ type: 'dataset-epoch', id: h.state().dataset.activeId, batch: 4096 });
  });
  for (;;) {
    await heaps.sample();
    const r = await page.evaluate(() => {
      const t = window.__softsae.state().training;
      return t.dataCheck && { ...t.dataCheck, epoch: t.dataEpochs.at(-1) ?? null };
    });
    if (r) return r;
    await new Promise((res) => setTimeout(res, 1000));
  }
}

/** `rows checksum` of the files by NumPy (scripts/npy-epoch-checksum.py), or why not. */
function numpyChecksum(paths) {
  const script = join(import.meta.dirname, 'npy-epoch-checksum.py');
  const r = spawnSync('python3', [script, ...paths], { encoding: 'utf8' });
  if (r.status === 0) return r.stdout.trim();
  const why = (r.stderr || r.error?.message || '').trim().split('\n').at(-1);
  return `not computed (${why})`;
}

/**
 * @param {import('@playwright/test').Browser} browser
 * @param {string} url
 * @param {{ steps: number, F: number, k: number, batch: number, memoryMiB: number, evaluate: boolean, only?: string }} o
 */
export async function runBigBench(browser, url, o) {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-bench-big-'));
  try {
    const sets = [
      { name: '3 GiB float32 .npy (1,050,000 × 768)', dtype: 'f32', shards: 1, rows: 1_050_000 },
      {
        name: '6 GiB float16 in 3 shards (3 × 1,048,576 × 1024)',
        dtype: 'f16',
        shards: 3,
        rows: 1_048_576,
        width: 1024,
      },
    ].filter((s) => !o.only || s.dtype === o.only);
    for (const set of sets) {
      const width = set.width ?? 768;
      const isz = set.dtype === 'f32' ? 4 : 2;
      const bytes = set.rows * width * isz * set.shards;
      const fs = statfsSync(dir);
      if (fs.bavail * fs.bsize < bytes * 1.1) throw new Error(`not enough disk for ${set.name}`);
      const t0 = performance.now();
      const paths = [];
      for (let i = 0; i < set.shards; i++) {
        const mb = (set.rows * width * isz + 0.5) / 1e6;
        paths.push(
          writeBenchNpy(
            join(dir, `${set.dtype}_shard_${String(i).padStart(3, '0')}.npy`),
            set.dtype,
            mb,
            width,
          ).path,
        );
      }
      const totalRows = set.rows * set.shards;
      paths.rows = totalRows;
      const writeSeconds = (performance.now() - t0) / 1000;
      const page = await openApp(browser, url);
      const heaps = await heapProbe(page);
      try {
        const view = await loadFiles(page, paths, o.memoryMiB);
        await heaps.sample();
        // One epoch of the training stream without training, against NumPy's rows.
        const check = await dataCheck(page, heaps);
        const numpy = numpyChecksum(paths);
        const config = benchConfig(o);
        let last = 0;
        const t1 = performance.now();
        const samples = await train(page, config, {
          evaluate: o.evaluate,
          onSample: async () => {
            if (performance.now() - last > 1000) {
              last = performance.now();
              await heaps.sample();
            }
          },
        });
        const trainSeconds = (performance.now() - t1) / 1000;
        await heaps.sample();
        const result = await page.evaluate(() => {
          const s = window.__softsae.state();
          return {
            epochs: s.training.dataEpochs,
            evaluation: s.training.evaluation,
            step: s.training.step,
          };
        });
        const rss = chromiumRss(process.pid);
        console.log(
          `\n## ${set.name}: ${(bytes / 2 ** 30).toFixed(2)} GiB on disk (written in ${writeSeconds.toFixed(0)} s)`,
        );
        const served = check.epoch
          ? `${check.epoch.rows.toLocaleString('en-US')} rows, checksum ${check.epoch.checksum}`
          : check.message;
        const same = check.epoch && numpy.endsWith(` ${check.epoch.checksum}`);
        console.log(
          `data check, one epoch of the stream: ${served} in ${check.seconds.toFixed(1)} s ` +
            `(${fmt(check.epoch ? check.epoch.rows / check.seconds : NaN)} rows/s); ` +
            `NumPy (rows checksum): ${numpy} — ${same ? 'equal' : 'DIFFERENT'}`,
        );
        console.log(
          `load: ${view.loadSeconds.toFixed(1)} s; rows read ${view.rowsFrom.streamed ? 'streamed' : 'from memory'}: ${view.rowsFrom.why}`,
        );
        console.log(
          `trained ${result.step} steps (F = ${o.F}, k = ${o.k}, batch ${o.batch})` +
            (o.evaluate ? ` and evaluated every row` : '') +
            ` in ${trainSeconds.toFixed(1)} s; steady ${fmt(rate(samples, 5, o.steps, o.batch))} rows/s`,
        );
        if (result.evaluation)
          console.log(
            `evaluation: ${result.evaluation.rows.toLocaleString('en-US')} rows, FVU ${result.evaluation.fvu.toFixed(4)}, mean L0 ${result.evaluation.meanL0.toFixed(2)}`,
          );
        await heaps.stop();
        for (const line of describeMemory(heaps.peaks, rss, heaps.parts)) console.log(line);
      } finally {
        await page.close();
        for (const p of paths) rmSync(p, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
