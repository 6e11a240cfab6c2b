// The explorer as a person first meets it: the demo dataset is ready, the form refuses invalid
// settings with their reason, and a short run on the demo trains to the end with live charts.
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/AppPage';
import { openTrainOn } from './pages/flows';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

test('opens with the demo ready and trains it briefly, with progress and live charts', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const app = new AppPage(page);
  const data = new DataPage(page);
  const train = new TrainPage(page);
  await app.open();

  // The demo corpus of src/data/demo.ts: 256 sequences × 64 tokens, D = 64.
  await data.expectDemoReady();
  expect(await data.summaryNumber('rows')).toBe(256 * 64);
  expect(await data.summaryNumber('D')).toBe(64);
  expect(await data.summaryNumber('sequences')).toBe(256);
  await expect(data.summary('dtype')).toHaveText('f32');
  await expect(data.summary('nonFinite')).toHaveText('none');
  await expect(data.summary('tokens')).toContainText('16,384 tokens');
  expect(await data.summaryNumber('normFactor')).toBeGreaterThan(0);
  await app.expectGpuReady();

  await app.show('train');
  await expect(train.dataset).toContainText('Demo');
  // Small enough for a software adapter on a busy machine (SwiftShader runs on the CPU).
  await train.set({
    dict_size: '128',
    k: '4',
    k_max: '16',
    batch_size: '32',
    steps: '200',
    warmup_steps: '20',
    hard_topk_steps: '20',
  });
  await expect(train.errors).toHaveCount(0);
  await train.start.click();
  await expect(train.state).toHaveText(/starting|running/);
  await expect(train.stop).toBeVisible();
  await train.waitDone();
  await expect(train.step).toHaveText('step 200 / 200');
  await expect(train.progress).toHaveAttribute('value', '1');
  await expect(page.getByTestId('train.rate')).toContainText('rows/s');
  const fvu = Number(await page.getByTestId('eval.fvu').textContent());
  expect(fvu).toBeGreaterThan(0);
  expect(fvu).toBeLessThan(1);

  // Every line of every chart has points once the run has reported (charts redraw throttled).
  // L0 is counted only on steps that took the sparse route, so it may have gaps: not required.
  for (const id of ['loss', 'l2', 'khat', 'dead', 'lr'] as const) {
    await expect
      .poll(
        async () => {
          const all = await train.chartPoints(id);
          // The two counts of nonzero codes (hard-phase L0, soft-phase codes ≠ 0) each cover
          // only part of the run, and only its sparse steps.
          const points = Object.fromEntries(
            Object.entries(all).filter(([name]) => !/L0|codes ≠ 0/.test(name)),
          );
          const l0 = Object.entries(all).filter(([name]) => /L0|codes ≠ 0/.test(name));
          if (l0.length) console.log(`L0 / codes ≠ 0 points drawn: ${JSON.stringify(l0)}`);
          return Math.min(...Object.values(points));
        },
        { message: id },
      )
      .toBeGreaterThan(10);
  }
  expect(Object.keys(await train.chartPoints('loss'))).toEqual([
    'total',
    'L2 (reconstruction)',
    'k-loss',
  ]);
  expect(app.pageErrors).toEqual([]);
});

test('refuses invalid settings with the reason and keeps Start disabled', async ({ page }) => {
  const app = new AppPage(page);
  const data = new DataPage(page);
  const train = new TrainPage(page);
  await app.open();
  await data.expectDemoReady();
  await app.expectGpuReady();
  await app.show('train');
  await expect(train.start).toBeEnabled();

  const F = await train.field('dict_size').inputValue();
  await train.set({ k: String(Number(F) + 1) });
  await expect(train.errors).toContainText(`k (${Number(F) + 1}) must not exceed dict_size (${F})`);
  await expect(train.field('k')).toHaveAttribute('aria-invalid', 'true');
  await expect(train.start).toBeDisabled();

  await train.set({ k: '4', batch_size: '20000' });
  await expect(train.errors).toContainText('batch_size (20000) must not exceed the 16384 rows');
  await expect(train.start).toBeDisabled();

  await train.set({ batch_size: '64', lr: '0' });
  await expect(train.errors).toContainText('lr must be a finite number > 0');
  await expect(train.start).toBeDisabled();

  // The rest of case 26: k ≤ 0, F < 1, α ≤ 0 — each refused with its reason.
  for (const [bad, reason] of [
    [{ lr: '0.001', k: '0' }, 'k must be'],
    [{ k: '4', dict_size: '0' }, 'dict_size (F) must be an integer ≥ 1, got 0'],
    [{ dict_size: F, soft_topk_alpha: '0' }, 'soft_topk_alpha must be'],
  ] as const) {
    await train.set(bad);
    await expect(train.errors).toContainText(reason);
    await expect(train.start).toBeDisabled();
  }

  await train.set({ soft_topk_alpha: '0.01' });
  await expect(train.errors).toHaveCount(0);
  await expect(train.start).toBeEnabled();

  // The engine refuses the same before any GPU work (a request that skipped the form): the
  // run fails with the reason and no GPU buffer of a trainer is ever made.
  await page.waitForFunction(() => window.__softsae !== undefined);
  await page.evaluate(() =>
    window.__softsae!.send({
      type: 'train-start',
      dataset: 'demo',
      config: {
        arch: 'softsae',
        dict_size: 64,
        k: 4,
        steps: 10,
        batch_size: 32,
        soft_topk_alpha: -1,
      },
    }),
  );
  await expect(train.state).toContainText('failed: invalid training config: soft_topk_alpha');
  await expect(page.getByTestId('train.gpuBytes')).toHaveCount(0);
  expect(await page.evaluate(() => window.__softsae!.state().gpuErrors)).toEqual([]);
  expect(app.pageErrors).toEqual([]);
});

test('a run shows rows/s and ETA while it runs, and Stop ends it where it is', async ({ page }) => {
  test.setTimeout(180_000);
  const { app, train } = await openTrainOn(page, 'Quick');
  await expect(train.dataset).toContainText('Quick');
  await train.set({ dict_size: '64', batch_size: '32', steps: '5000' });
  await train.start.click();
  await expect(page.getByTestId('train.eta')).toContainText('ETA', { timeout: 60_000 });
  await expect(page.getByTestId('train.rate')).toContainText('rows/s');
  // The settings are locked while the run is active.
  await expect(train.field('steps')).toBeDisabled();
  await train.stop.click();
  await expect(train.state).toHaveText('stopped');
  // The steps already on the GPU queue finish and report; after that the count stays.
  await page.waitForTimeout(1000);
  const stepText = await train.step.textContent();
  const stoppedAt = Number(/step (\d+) \/ 5000/.exec(stepText!)![1]);
  expect(stoppedAt).toBeGreaterThan(0);
  expect(stoppedAt).toBeLessThan(5000);
  await page.waitForTimeout(1500);
  await expect(train.step).toHaveText(stepText!);
  await expect(train.stop).toHaveCount(0);
  await expect(train.start).toBeEnabled();
  await expect(train.field('steps')).toBeEnabled();
  expect(app.pageErrors).toEqual([]);
});
