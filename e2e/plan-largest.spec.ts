// The memory plan of the largest shape, (D, F, batch) = (2304, 16384, 1024), in the Train
// form: it fits the adapter's own limits (each tensor in its own buffer, no buffer over one
// storage binding), and under WebGPU's default limits (`?limits=default`) the form names the
// tensor, its bytes and the limit that stop it. Sizes are computed here from the shapes.
import { writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { writeNpy } from '../src/io';
import { createRng } from '../src/model/rng';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

const [ROWS, D, F] = [1024, 2304, 16384];

function writeRows(path: string): void {
  const rng = createRng(7);
  const x = Float32Array.from({ length: ROWS * D }, () => rng.normal());
  writeFileSync(path, writeNpy({ dtype: 'f32', shape: [ROWS, D], data: new Uint8Array(x.buffer) }));
}

async function openWith(page: Page, url: string, npy: string) {
  const app = new AppPage(page);
  const data = new DataPage(page);
  const train = new TrainPage(page);
  await page.goto(url);
  await data.expectDemoReady();
  await app.expectGpuReady();
  await data.load([npy]);
  await data.settled();
  expect(await data.summaryNumber('D')).toBe(D);
  await app.show('train');
  await train.set({ dict_size: `${F}`, k: '32', k_max: '64', batch_size: `${ROWS}` });
  return { app, train };
}

test('(2304, 16384, 1024) plans under the adapter limits and is refused with numbers under the defaults', async ({
  page,
}, info) => {
  test.setTimeout(240_000);
  const npy = info.outputPath('rows2304.npy');
  writeRows(npy);

  const { app, train } = await openWith(page, '/', npy);
  const plan = page.getByTestId('train.plan');
  await plan.locator('summary').click();
  // W_enc [16384, 2304] float32 = 150,994,944 B = 144 MiB, ×4 (parameters, gradient, m, v).
  await expect(page.getByTestId('train.plan.row.encoder.weight')).toHaveText(
    'encoder.weight[16384, 2304]144.0 MiB4576.0 MiB',
  );
  // 4 × 453,190,660 + 7 × 67,108,864 + 8 × 16,777,216 + 7 × 9,437,184 = 2,482,802,704 B.
  await expect(page.getByTestId('train.plan.total')).toHaveText('2.31 GiB');
  const limits = await page.evaluate(() => window.__softsae!.state().deviceLimits!);
  const binding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  console.log(
    `adapter: maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, maxBufferSize ${limits.maxBufferSize}`,
  );
  expect(binding, 'the software adapter offers more than one W_enc per binding').toBeGreaterThan(
    150994944,
  );
  // The widest batch buffer is a [B, F] row of 16384 · 4 bytes.
  await expect(page.getByTestId('train.plan.maxBatch')).toHaveText(
    Math.floor(binding / 65536).toLocaleString('en-US'),
  );
  await expect(train.errors).toHaveCount(0);
  await expect(train.start).toBeEnabled();
  expect(app.pageErrors).toEqual([]);

  const small = await openWith(page, '/?limits=default', npy);
  await expect(train.errors).toHaveText(
    'dict_size (16384) is too large: Sae.params.encoder.weight needs 144 MiB (the encoder ' +
      'weight, [16384, 2304] float32: 150,994,944 bytes) but this GPU allows 128 MiB per buffer ' +
      "(maxStorageBufferBindingSize = 134,217,728 bytes), and so do 11 more of the model's " +
      'buffers; a tensor is never split across buffers: use a dictionary of at most 14563 atoms.',
  );
  await expect(train.start).toBeDisabled();
  await plan.locator('summary').click();
  await expect(page.getByTestId('train.plan.row.encoder.weight')).toContainText('(over the limit)');
  await expect(page.getByTestId('train.plan.row.encoder.bias')).not.toContainText('over');
  await expect(page.getByTestId('train.plan.maxBatch')).toHaveText('0');
  // 128 MiB / (2304 · 4 B) = 14563.6: the largest dictionary that fits is accepted.
  await train.set({ dict_size: '14563' });
  await expect(train.errors).toHaveCount(0);
  await expect(train.start).toBeEnabled();
  expect(small.app.pageErrors).toEqual([]);
});
