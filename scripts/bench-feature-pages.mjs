// Benchmark line (not a test): does the page stay responsive while feature pages count their
// co-occurrences? Trains a small SoftSAE on the built-in quick corpus (through the engine requests
// the Train panel sends), opens Inspect, then opens --features feature pages one after another
// (default 12, in the table's order) and waits for each one's co-occurrence table and quantile
// bands, while a PerformanceObserver records every main-thread long task (> 50 ms). Prints their
// count, the longest, and whether it stays within 100 ms, with the machine's load average.
// Usage: node scripts/bench-feature-pages.mjs [--features N] [--steps N]
import os from 'node:os';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { chromiumArgs, findChromium } from './chromium.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const FEATURES = arg('--features', 12);
const STEPS = arg('--steps', 100);
const BUDGET_MS = 100;
const ROOT = resolve(import.meta.dirname, '..');

const server = await createServer({
  root: ROOT,
  server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
  logLevel: 'warn',
});
await server.listen();
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath: findChromium(undefined) ?? undefined,
  args: chromiumArgs(),
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        window.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => window.__softsae !== undefined, null, { timeout: 60_000 });
  await page.evaluate((steps) => {
    const hook = window.__softsae;
    hook.send({ type: 'dataset-builtin', id: 'quick' });
    hook.send({
      type: 'train-start',
      dataset: 'quick',
      config: {
        arch: 'softsae',
        dict_size: 96,
        k: 4,
        k_max: 16,
        soft_topk_alpha: 0.01,
        lr: 3e-3,
        steps,
        batch_size: 128,
        warmup_steps: 10,
        hard_topk_steps: Math.round(steps / 10),
        dead_feature_threshold: 1e7,
        seed: 1,
      },
    });
  }, STEPS);
  await page.waitForFunction(
    () => ['done', 'failed', 'stopped'].includes(window.__softsae.state().training.state),
    null,
    { timeout: 0, polling: 500 },
  );
  const state = await page.evaluate(() => window.__softsae.state().training);
  if (state.state !== 'done') throw new Error(`training ended in ${JSON.stringify(state)}`);
  await page.getByRole('tab', { name: 'Inspect', exact: true }).click();
  await page.getByTestId('inspect.featureRow').first().waitFor({ timeout: 120_000 });
  const t0 = await page.evaluate(() => performance.now());
  const rows = page.getByTestId('inspect.featureRow');
  const n = Math.min(FEATURES, await rows.count());
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
  const t1 = await page.evaluate(() => performance.now());
  const tasks = await page.evaluate((t) => window.longTasks.filter((x) => x.start >= t), t0);
  const worst = Math.max(0, ...tasks.map((t) => t.duration));
  console.log(`\n## Responsiveness: ${n} feature pages opened (co-occurrence on the GPU, bands)`);
  console.log('| seconds | long tasks (> 50 ms) | longest ms | ≤ 100 ms | load avg |');
  console.log('| --: | --: | --: | :-: | --: |');
  console.log(
    `| ${((t1 - t0) / 1000).toFixed(1)} | ${tasks.length} | ${worst.toFixed(0)} | ` +
      `${worst <= BUDGET_MS ? 'yes' : 'no'} | ${os.loadavg()[0].toFixed(2)} |`,
  );
} finally {
  await browser.close();
  await server.close();
}
