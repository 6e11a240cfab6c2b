// Reliability case 28: a model or batch over the device's buffer or binding limits is refused up
// front with the numbers — in the form, and by the engine before it allocates anything — never
// left to a validation error. Tested on a device with WebGPU's default limits (128 MiB per
// storage binding), as a small GPU would have: the app's `?limits=default`.
import { expect, test } from '@playwright/test';
import type { LedgerReport } from './harness/limits.checks';
import { openHarness, runCheck } from './gpu';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

const MiB = 2 ** 20;

test('the ledger refuses a buffer over a limit when it is created and counts live bytes', async ({
  page,
}) => {
  await openHarness(page);
  const r = await runCheck<LedgerReport>(page, 'ledgerDefaultLimits');
  console.log(`default limits: ${JSON.stringify(r.limits)}; refused: ${JSON.stringify(r.refused)}`);
  // WebGPU's defaults (spec §3.6.2): 128 MiB per storage binding, 256 MiB per buffer.
  expect(r.limits).toEqual({ maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB });
  expect(r.refused.map((e) => e.name)).toEqual(['GpuLimitError', 'GpuLimitError']);
  expect(r.refused[0].message).toBe(
    "Limits.tooWideBinding needs 134,217,732 bytes (128.0 MiB), over this device's " +
      'maxStorageBufferBindingSize of 134,217,728 bytes (128.0 MiB)',
  );
  expect([r.refused[0].bytes, r.refused[0].limitBytes]).toEqual([128 * MiB + 4, 128 * MiB]);
  expect(r.refused[1].message).toContain('maxBufferSize of 268,435,456 bytes (256.0 MiB)');
  expect(r.validationErrors).toEqual([]);
  expect(r.bytesWith - r.bytesBefore).toBe(MiB);
  expect(r.bytesAfter).toBe(r.bytesBefore);
});

test('a batch too large for a small GPU is refused in the form and by the engine, with numbers', async ({
  page,
}) => {
  const app = new AppPage(page);
  const data = new DataPage(page);
  const train = new TrainPage(page);
  await page.goto('/?limits=default');
  await data.expectDemoReady();
  await app.expectGpuReady();
  await app.show('train');
  // Demo: D = 64. F = 65536, B = 1024: each [B, F] buffer is 1024 · 65536 · 4 B = 256 MiB.
  // B = 512 makes them exactly 128 MiB, the binding limit; the sparse lists (16384 entries per
  // row, 32 MiB at B = 512) and each parameter tensor (at most F·D floats, 16 MiB) fit.
  const big = { dict_size: '65536', k: '8', k_max: '32', batch_size: '1024' };
  await train.set(big);
  const want =
    'batch_size (1024) is too large: Sae.h needs 256 MiB (batch 1024 × dictionary 65536) but ' +
    'this GPU allows 128 MiB per buffer (maxStorageBufferBindingSize): use a batch of at most 512.';
  await expect(train.errors).toHaveText(want);
  await expect(train.start).toBeDisabled();
  await train.set({ batch_size: '512' });
  await expect(train.errors).toHaveCount(0);
  await expect(train.start).toBeEnabled();
  // The plan: 128 MiB / (65536 · 4 B) = 512 rows at most; W_enc [65536, 64] is 16 MiB.
  await page.getByTestId('train.plan').locator('summary').click();
  await expect(page.getByTestId('train.plan.maxBatch')).toHaveText('512');
  await expect(page.getByTestId('train.plan.row.encoder.weight')).toHaveText(
    'encoder.weight[65536, 64]16.0 MiB464.0 MiB',
  );

  // The engine checks again before allocating (a request that skipped the form).
  await page.waitForFunction(() => window.__softsae !== undefined);
  await page.evaluate(
    (c) => window.__softsae!.send({ type: 'train-start', dataset: 'demo', config: c }),
    {
      arch: 'softsae',
      dict_size: 65536,
      k: 8,
      k_max: 32,
      batch_size: 1024,
      steps: 10,
      warmup_steps: 0,
    },
  );
  await expect(train.state).toHaveText(
    'failed: Sae.h needs 256 MiB (batch 1024 × dictionary 65536) but this GPU allows 128 MiB ' +
      'per buffer (maxStorageBufferBindingSize): use a batch of at most 512.',
  );
  expect(await page.evaluate(() => window.__softsae!.state().gpuErrors)).toEqual([]);

  // A dictionary whose encoder alone is over the limit: no batch helps. W_enc [600000, 64] is
  // 153,600,000 bytes; 128 MiB / (64 · 4 B) = 524288 atoms fit.
  await train.set({ dict_size: '600000', batch_size: '1' });
  await expect(train.errors).toContainText(
    'dict_size (600000) is too large: Sae.params.encoder.weight needs 146 MiB (the encoder ' +
      'weight, [600000, 64] float32: 153,600,000 bytes)',
  );
  await expect(train.errors).toContainText('use a dictionary of at most 524288 atoms.');
  expect(app.pageErrors).toEqual([]);
});
