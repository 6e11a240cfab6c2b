// Reliability case 27, second half: `navigator.gpu` exists but no adapter is offered — the state
// of Chromium on Linux without --enable-unsafe-webgpu (launched here so, plus --disable-webgpu).
// The page says WebGPU is unavailable and how to enable it; loading data still works.
import { expect, test } from '@playwright/test';
import { chromiumArgs, findChromium } from '../scripts/chromium.mjs';
import { ingestFixture } from './ingest/expected';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

test.use({
  launchOptions: {
    executablePath: findChromium(undefined) ?? undefined,
    args: [
      ...chromiumArgs().filter((a: string) => a !== '--enable-unsafe-webgpu'),
      '--disable-webgpu',
    ],
  },
});

test('navigator.gpu without an adapter: explained, data still loads, training off', async ({
  page,
}) => {
  const app = new AppPage(page);
  const data = new DataPage(page);
  const train = new TrainPage(page);
  await app.open();
  const probe = await page.evaluate(async () => ({
    api: typeof navigator.gpu,
    adapter: (await navigator.gpu?.requestAdapter()) ?? null,
  }));
  expect(probe).toEqual({ api: 'object', adapter: null });
  await expect(app.gpuBadge).toHaveText('WebGPU unavailable');
  await expect(app.gpuHelp).toContainText('WebGPU has no adapter on this machine');
  await expect(app.gpuHelp).toContainText('--enable-unsafe-webgpu');

  await data.expectDemoReady();
  await data.load([ingestFixture('acts_f16.npy')]);
  await data.settled();
  await expect(data.error).toHaveCount(0);
  await expect(data.summary('name')).toHaveText('acts_f16.npy');
  await app.show('train');
  await expect(page.getByTestId('train.nogpu')).toBeVisible();
  await expect(train.start).toBeDisabled();
  expect(app.pageErrors).toEqual([]);
});
