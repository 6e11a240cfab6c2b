// `npm run bench -- --responsiveness` (second part): does the explorer stay responsive while the
// engine worker answers it? Trains a small SoftSAE on the built-in quick corpus (through the
// engine requests the Train panel sends), opens Inspect, then
//   1. opens --feature-pages pages (default 12, in the table's order), waiting for each one's
//      co-occurrence table (counted on the GPU) and quantile bands (the engine worker);
//   2. imports a random SAE of F = --explorer-match-f features (default 4096, D of the corpus) through
//      Inspect's file input and matches it against itself in Compare (on the GPU), reading the
//      time the page reports;
// while a PerformanceObserver records every main-thread long task (> 50 ms) and a Chromium trace
// records the main thread's tasks. Prints, per phase, the count of long tasks, the longest (wall
// time, which a loaded machine stretches), the longest task's CPU time (thread time: what it
// costs on a machine that is not shared), whether each stays within 100 ms, and the load average.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { runnerImport } from 'vite';
import { pickQuickCorpus, trainSmall, trained, watchLongTasks } from './app-page.mjs';

const BUDGET_MS = 100;
const ROOT = resolve(import.meta.dirname, '..');

/** A SAELens-free SAE file of the app's own format with seeded random weights. */
async function randomSaeFile(D, F, dir) {
  const load = async (p) =>
    (await runnerImport(join(ROOT, p), { configFile: false, logLevel: 'silent' })).module;
  const { writeModel } = await load('src/io/sae/modelFile.ts');
  const { PARAM_NAMES, paramSize } = await load('src/model/params.ts');
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.2;
  const tensors = {};
  for (const name of PARAM_NAMES)
    tensors[name] = Float32Array.from({ length: paramSize(name, D, F) }, rand);
  const file = join(dir, `random-F${F}.safetensors`);
  const shift = new Float32Array(D);
  const model = { arch: 'topk', D, F, k: 8, kMax: 16, alpha: 1e-4, normFactor: 1, shift, tensors };
  writeFileSync(file, writeModel(model));
  return file;
}

const watch = () => performance.now();
const tasksSince = (page, t0) =>
  page.evaluate((t) => window.longTasks.filter((x) => x.start >= t), t0);

/** The longest CPU (thread) time of a top-level task on the page's main thread, in ms. */
function longestCpu(trace) {
  const events = JSON.parse(trace.toString('utf8')).traceEvents ?? [];
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  let worst = 0;
  for (const e of events)
    if (e.name === 'RunTask' && e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`))
      worst = Math.max(worst, (e.tdur ?? e.dur) / 1000);
  return worst;
}

const TRACE = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'];

/**
 * Runs `fn` while watching the page; prints one table line for it. With EXPLORER_PROFILE=DIR, a
 * JS CPU profile of the page per phase is written there (open it in DevTools' Performance panel).
 */
async function phase(browser, page, what, fn) {
  const load0 = os.loadavg()[0];
  const profileDir = process.env.EXPLORER_PROFILE;
  const cdp = profileDir ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  await browser.startTracing(page, { categories: TRACE });
  const t0 = await page.evaluate(watch);
  await fn();
  const t1 = await page.evaluate(watch);
  const cpu = longestCpu(await browser.stopTracing());
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    const name = `${what.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`;
    writeFileSync(join(profileDir, name), JSON.stringify(profile));
    await cdp.detach();
  }
  const tasks = await tasksSince(page, t0);
  const worst = Math.max(0, ...tasks.map((t) => t.duration));
  const ok = (ms) => (ms <= BUDGET_MS ? 'yes' : 'NO');
  console.log(
    `| ${what} | ${((t1 - t0) / 1000).toFixed(1)} | ${tasks.length} | ${worst.toFixed(0)} ` +
      `(${ok(worst)}) | ${cpu.toFixed(0)} (${ok(cpu)}) | ` +
      `${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} |`,
  );
}

/** Trains through the test hook, then times feature pages and a matching; prints one table. */
export async function runExplorerBench(browser, url, { features, steps, matchF, build }) {
  const dir = mkdtempSync(join(os.tmpdir(), 'softsae-bench-explorer-'));
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await watchLongTasks(page);
    await page.goto(url);
    await page.waitForFunction(() => window.__softsae !== undefined, null, { timeout: 60_000 });
    // The quick corpus, picked in the Data panel: training, Inspect and an imported SAE use it.
    await pickQuickCorpus(page);
    await trainSmall(page, { steps });
    await trained(page, 1, 0);
    const state = await page.evaluate(() => window.__softsae.state().training);
    if (state.state !== 'done') throw new Error(`training ended in ${JSON.stringify(state)}`);
    const D = await page.evaluate(() => {
      const { list, activeId } = window.__softsae.state().dataset;
      return list.find((d) => d.id === activeId).D;
    });
    await page.getByRole('tab', { name: 'Inspect', exact: true }).click();
    await page.getByTestId('inspect.featureRow').first().waitFor({ timeout: 120_000 });

    console.log(`\n## Responsiveness of the explorer (${build})`);
    console.log(
      '| phase | seconds | long tasks (> 50 ms) | longest, wall ms (≤ 100) | longest, CPU ms (≤ 100) | load avg |',
    );
    console.log('| --- | --: | --: | --: | --: | --: |');

    // 1. Feature pages.
    const rows = page.getByTestId('inspect.featureRow');
    const n = Math.min(features, await rows.count());
    await phase(browser, page, `${n} feature pages (co-occurrence, bands)`, async () => {
      for (let i = 0; i < n; i++) {
        const j = await rows.nth(i).getAttribute('data-feature');
        await rows.nth(i).getByRole('button').click();
        await page.locator(`[data-testid="inspect.feature"][data-feature="${j}"]`).waitFor();
        await page
          .locator('[data-testid="inspect.cooccur"], [data-testid="inspect.cooccurEmpty"]')
          .first()
          .waitFor({ timeout: 120_000 });
        await page
          .locator('[data-testid="inspect.band"], [data-testid="inspect.bandsEmpty"]')
          .first()
          .waitFor({ timeout: 120_000 });
      }
    });

    // 2. Import an SAE of F = matchF (evaluated on the active dataset), then match it with itself.
    const file = await randomSaeFile(D, matchF, dir);
    const before = await page.getByTestId('inspect.run').locator('option').count();
    await phase(browser, page, `import and evaluate an SAE, F = ${matchF}`, async () => {
      await page.getByTestId('inspect.importSae').setInputFiles([file]);
      await page.waitForFunction(
        (k) => document.querySelectorAll('[data-testid="inspect.run"] option').length > k,
        before,
        { timeout: 0, polling: 250 },
      );
    });
    const id = await page.evaluate(() => window.__softsae.state().inspect.runId);
    await page.getByTestId('nav.compare').click();
    await page.getByTestId('compare.matchA').selectOption(id);
    await page.getByTestId('compare.matchB').selectOption(id);
    await phase(
      browser,
      page,
      `match F = ${matchF} × ${matchF} (D = ${D}), both ways`,
      async () => {
        await page.getByTestId('compare.matchRun').click();
        await page.getByTestId('compare.matchSummary').waitFor({ timeout: 0 });
      },
    );
    const reported = await page.getByTestId('compare.matchSummary').textContent();
    console.log(`  the page reports: ${reported.replace(/\s+/g, ' ').trim()}`);
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
