// The GPU runtime on a real WebGPU device: timer, pipeline cache, compile errors, error events.
import { expect, test } from '@playwright/test';
import { openHarness, runCheck } from './gpu';

test('device has the engine limits and optional features of the adapter', async ({ page }) => {
  await openHarness(page);
  const { adapter, features } = await page.evaluate(() => ({
    adapter: window.harness!.adapter,
    features: window.harness!.deviceFeatures,
  }));
  for (const f of ['subgroups', 'timestamp-query', 'shader-f16'])
    expect(features.includes(f), f).toBe(adapter.features.includes(f));
  // Limits requested up to the adapter's: a device with default limits would report 128 MiB.
  const deviceLimit = await page.evaluate(async () => {
    const a = await navigator.gpu.requestAdapter();
    return a!.limits.maxStorageBufferBindingSize;
  });
  expect(adapter.limits.maxStorageBufferBindingSize).toBe(deviceLimit);
});

test('GPU timer measures a GEMM', async ({ page }) => {
  await openHarness(page);
  const t = await runCheck<{ ms: number; usesTimestamps: boolean }>(
    page,
    'timeGemm',
    [64, 128, 64],
  );
  console.log(`timer: ${t.ms.toFixed(3)} ms (timestamps: ${t.usesTimestamps})`);
  expect(t.ms).toBeGreaterThan(0);
  expect(Number.isFinite(t.ms)).toBe(true);
});

test('pipeline cache reuses equal constants and compiles new ones', async ({ page }) => {
  await openHarness(page);
  const [s0, s1, s2, s3] = await runCheck<number[]>(page, 'cacheSizes');
  expect(s1).toBe(s0 + 1);
  expect(s2).toBe(s1);
  expect(s3).toBe(s2 + 1);
});

test('a shader that does not compile fails with its label and the compiler message', async ({
  page,
}) => {
  await openHarness(page);
  const err = await runCheck<{ name: string; message: string }>(page, 'compileError');
  expect(err.name).toBe('KernelCompileError');
  expect(err.message).toContain('Harness.broken');
  expect(err.message).toMatch(/error at \d+:\d+/);
});

test('uncaptured validation errors reach the app as events naming the object', async ({ page }) => {
  await openHarness(page);
  const events = await runCheck<string[]>(page, 'provokeValidationError');
  expect(events.length).toBeGreaterThan(0);
  expect(events[0]).toMatch(/^error: /);
  expect(events.join('\n')).toContain('Harness.badBuffer');
});
