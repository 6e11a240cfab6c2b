// Without WebGPU (reliability case 27): the page says so and how to enable it, training is
// unavailable, and loading and browsing data still work.
import { expect, test } from '@playwright/test';
import { ingestFixture } from './ingest/expected';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

test('no navigator.gpu: explanation visible, data still loads', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'gpu', { value: undefined });
  });
  const app = new AppPage(page);
  const data = new DataPage(page);
  await app.open();
  await expect(app.gpuBadge).toHaveText('WebGPU unavailable');
  await expect(app.gpuHelp).toBeVisible();
  await expect(app.gpuHelp).toContainText('chrome://flags/#enable-unsafe-webgpu');
  await expect(app.gpuHelp).toContainText('--enable-unsafe-webgpu');
  await expect(app.gpuHelp).toContainText('Chrome or Edge');

  await data.expectDemoReady();
  await data.load([ingestFixture('acts_f16.npy')]);
  await data.settled();
  await expect(data.error).toHaveCount(0);
  await expect(data.summary('name')).toHaveText('acts_f16.npy');
  expect(await data.summaryNumber('rows')).toBe(768);
  expect(await data.summaryNumber('D')).toBe(24);
  await expect(data.summary('dtype')).toHaveText('f16');

  const train = new TrainPage(page);
  await app.show('train');
  await expect(page.getByTestId('train.nogpu')).toBeVisible();
  await expect(train.start).toBeDisabled();
  expect(app.pageErrors).toEqual([]);
});
