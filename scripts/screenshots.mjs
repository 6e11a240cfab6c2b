// Renders a screenshot of each view of the explorer into docs/screenshots/ (shown in the README):
// the app at 1280×800 in headless Chromium (software WebGPU here), a short SoftSAE run on the
// built-in quick corpus, then each tab. Usage: node scripts/screenshots.mjs [--steps N]
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { trainSmall, trained } from './app-page.mjs';
import { chromiumArgs, findChromium } from './chromium.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const i = process.argv.indexOf('--steps');
const steps = i >= 0 ? Number(process.argv[i + 1]) : 300;
mkdirSync(OUT, { recursive: true });

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
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByTestId('gpu.status').waitFor({ state: 'attached' });
  await page.waitForFunction(() => window.__softsae !== undefined, null, { timeout: 60_000 });
  const shot = async (name) => {
    await page.waitForTimeout(1500); // charts redraw at most once a second
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    console.log(`wrote docs/screenshots/${name}.png`);
  };
  const tab = (name) => page.getByRole('tab', { name, exact: true }).click();
  await shot('data');
  // Small SoftSAEs on the quick corpus (D = 16, 2048 tokens), through the engine requests the
  // Train panel sends: seed 2 first, for the matching view, then seed 1, which the views show.
  await trainSmall(page, { steps, seed: 2, warmup: 20 });
  await trained(page, 1);
  await trainSmall(page, { steps, seed: 1, warmup: 20 });
  await trained(page, 2);
  await tab('Train');
  await page.getByTestId('train.state').filter({ hasText: 'done' }).waitFor({ timeout: 900_000 });
  await shot('train');
  await tab('Inspect');
  await page.getByTestId('inspect.summary').waitFor({ timeout: 120_000 });
  await shot('inspect');
  await page.getByTestId('inspect.token').first().click();
  await shot('inspect-token');
  // The most frequent feature's page, with a label typed in: its top, then its bands and the
  // features that fire with it.
  await page.getByTestId('inspect.featureRow').first().getByRole('button').click();
  await page.getByTestId('inspect.featureLabel').fill('start of a phrase');
  await page.getByTestId('inspect.featureNote').fill('fires with its co-occurring features below');
  await page.getByTestId('inspect.cooccurRow').first().waitFor({ timeout: 120_000 });
  await page.evaluate(() =>
    document.querySelector('[data-testid="inspect.feature"]').scrollIntoView({ block: 'start' }),
  );
  await shot('inspect-feature');
  await page.evaluate(() =>
    document.querySelector('[data-testid="inspect.cooccur"]').scrollIntoView({ block: 'center' }),
  );
  await shot('inspect-feature-bands');
  // The prompt view: the tokens containing "dog" as A, "cat" as B.
  const select = async (query, as) => {
    await page.getByTestId('prompt.query').fill(query);
    await page.getByTestId('prompt.search').click();
    await page.getByTestId('prompt.selectAll').click();
    await page.getByTestId(as).click();
  };
  await page.getByTestId('prompt.panel').scrollIntoViewIfNeeded();
  await select('dog', 'prompt.setA');
  await page.getByTestId('prompt.clear').click();
  await select('cat', 'prompt.setB');
  await page.getByTestId('prompt.query').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -40));
  await shot('inspect-prompt');
  await page.getByTestId('prompt.contrastBy').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 300));
  await shot('inspect-contrast');
  await tab('Compare');
  await shot('compare');
  // The matching view: the run against the same settings trained from another seed.
  await page.getByTestId('compare.match').scrollIntoViewIfNeeded();
  const [seed2, seed1] = await page.evaluate(() =>
    window.__softsae.state().runs.map((r) => r.runId),
  );
  await page.getByTestId('compare.matchA').selectOption(seed1);
  await page.getByTestId('compare.matchB').selectOption(seed2);
  await page.getByTestId('compare.matchRun').click();
  await page.getByTestId('compare.matchTable').waitFor({ timeout: 120_000 });
  await page.getByTestId('compare.matchSummary').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 200));
  await shot('compare-match');
  await tab('GPU');
  await shot('gpu');
} finally {
  await browser.close();
  await server.close();
}
