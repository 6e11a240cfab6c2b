// The app as a person opens it: served by the README's first command (`npm start`), it shows the
// WebGPU adapter with its limits (GPU tab) and runs a visible kernel self-check that passes.
import { expect, test } from '@playwright/test';
import { SELF_CHECK_CASES, shadersOf } from '../src/selfcheck/cases';
import { KERNELS } from '../src/selfcheck/registry';

test('shows the adapter and a passing kernel self-check', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto('/');

  // What the browser itself reports, asked independently of the app.
  const info = await page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    return adapter
      ? { vendor: adapter.info.vendor, architecture: adapter.info.architecture }
      : null;
  });
  expect(info, 'WebGPU adapter must be available (it fails, never skips, in CI)').not.toBeNull();

  // The self-check waits for its tab: with the device ready and two seconds gone, none of it has
  // started while the user is on another tab.
  await page.waitForFunction(() => window.__softsae?.state().gpuStatus === 'ready');
  await page.waitForTimeout(2000);
  expect(await page.evaluate(() => window.__softsae?.state().selfCheck.state)).toBe('idle');
  await page.getByTestId('nav.gpu').click();
  await expect(page.getByTestId('gpu.panel')).toBeVisible();
  await expect(page.getByTestId('gpu.status')).toHaveText('Ready');
  const adapterText = page.getByTestId('gpu.adapter');
  await expect(adapterText).toContainText(info!.architecture);
  await expect(adapterText).toContainText(info!.vendor);
  await expect(page.getByTestId('gpu.limits')).toContainText('maxStorageBufferBindingSize');

  // Every kernel family of the registry runs (test/selfcheck/registry.test.ts checks which).
  const total = SELF_CHECK_CASES.length;
  expect(new Set(SELF_CHECK_CASES.flatMap(shadersOf)).size).toBe(KERNELS.length);
  const summary = page.getByTestId('selfcheck.summary');
  await expect(summary).toContainText(`${total}/${total} passed`, { timeout: 90_000 });
  await expect(summary).not.toContainText('failed');
  const rows = page.getByTestId('selfcheck.row');
  await expect(rows).toHaveCount(total);
  for (let i = 0; i < total; i++) await expect(rows.nth(i)).toHaveAttribute('data-status', 'pass');
  console.log(`self-check of ${KERNELS.length} kernel families: ${await summary.textContent()}`);
  expect(pageErrors).toEqual([]);
});
