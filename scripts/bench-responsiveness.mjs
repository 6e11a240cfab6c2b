// `npm run bench -- --responsiveness`: does the page stay responsive while the engine worker
// trains? The app (Vite dev server) trains the Quick preset for --responsiveness-steps steps
// (default 300) on the built-in quick corpus, with a pause and a resume on the way, while a
// PerformanceObserver records every main-thread long task (> 50 ms). Prints their count, the
// longest, and whether it stays within 100 ms (the budget for a page that feels responsive).
// A timing on a shared, loaded machine says little: the line reports the load average beside it.
import os from 'node:os';
import { pickQuickCorpus, watchLongTasks } from './app-page.mjs';

const BUDGET_MS = 100;

/** Trains in a fresh page of `browser` at `url`; resolves with the long tasks seen during the run. */
async function trainAndWatch(browser, url, steps) {
  const page = await browser.newPage();
  try {
    await watchLongTasks(page);
    await page.goto(url);
    await pickQuickCorpus(page);
    await page.getByTestId('gpu.badge').getByText('WebGPU ready').waitFor({ timeout: 60_000 });
    await page.getByTestId('nav.train').click();
    await page.getByTestId('train.preset').selectOption('quick');
    await page.getByTestId('train.steps').fill(String(steps));
    const started = await page.evaluate(() => performance.now());
    await page.getByTestId('train.start').click();
    await page.getByTestId('train.loss').waitFor({ timeout: 300_000 });
    await page.getByTestId('train.pause').click();
    await page.waitForFunction(() => window.__softsae?.state().training.state === 'paused');
    await page.getByTestId('train.resume').click();
    await page.waitForFunction(() => window.__softsae?.state().training.state === 'done', null, {
      timeout: 0,
      polling: 500,
    });
    const ended = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(
      (t0) => window.longTasks.filter((t) => t.start >= t0),
      started,
    );
    return { tasks, seconds: (ended - started) / 1000 };
  } finally {
    await page.close();
  }
}

export async function runResponsivenessBench(browser, url, { steps }) {
  const load0 = os.loadavg()[0];
  const { tasks, seconds } = await trainAndWatch(browser, url, steps);
  const worst = Math.max(0, ...tasks.map((t) => t.duration));
  const total = tasks.reduce((s, t) => s + t.duration, 0);
  console.log(`\n## Responsiveness: the Quick preset trained in the worker, ${steps} steps`);
  console.log(
    '| training s | long tasks (> 50 ms) | longest ms | total ms | ≤ 100 ms | load avg |',
  );
  console.log('| --: | --: | --: | --: | :-: | --: |');
  console.log(
    `| ${seconds.toFixed(1)} | ${tasks.length} | ${worst.toFixed(0)} | ${total.toFixed(0)} | ` +
      `${worst <= BUDGET_MS ? 'yes' : 'NO'} | ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} |`,
  );
}
