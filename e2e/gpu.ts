// Playwright helpers for GPU tests: open the kernel harness and fail loudly without an adapter.
import { expect, test, type Page } from '@playwright/test';
import type { CheckResult } from '../src/selfcheck/kernels';
import { formatMismatches } from '../src/reference/compare';

export async function openHarness(page: Page): Promise<void> {
  await page.goto('/e2e/harness/index.html');
  await page.waitForFunction(() => window.harness || window.harnessError, undefined, {
    timeout: 60_000,
  });
  const error = await page.evaluate(() => window.harnessError);
  // A missing adapter is a failure, never a skip: CI must run every GPU test.
  expect(error, 'WebGPU adapter and device must be available').toBeUndefined();
}

/**
 * One harness page for every test of a spec file (opened once, closed at the end), checked for
 * device errors after each test; `set` receives it before the first test runs.
 */
export function sharedHarness(set: (page: Page) => void): void {
  let page: Page | undefined;
  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    await openHarness(page);
    set(page);
  });
  test.afterAll(async () => page?.close());
  test.afterEach(async () => {
    if (page) await expectNoGpuErrors(page);
  });
}

/** Runs a named check from e2e/harness/*.checks.ts in the page. */
export function runCheck<T = CheckResult>(page: Page, name: string, arg?: unknown): Promise<T> {
  return page.evaluate(([n, a]) => window.harness!.run(n, a), [name, arg] as const) as Promise<T>;
}

/** Fails if the device reported any uncaptured error (a "pass" beside one would be false). */
export async function expectNoGpuErrors(page: Page): Promise<void> {
  expect(await page.evaluate(() => window.harness?.errors ?? [])).toEqual([]);
}

/** Asserts a kernel check passed, printing the first mismatches by index when it did not. */
export function expectCheck(result: CheckResult): void {
  const c = result.comparison;
  const summary =
    `${result.name}: ${c.count} values, max |err| ${c.maxAbsError.toExponential(2)}, ` +
    `worst err/tol ${c.worstRatio.toFixed(3)} (atol ${result.tolerance.atol.toExponential(2)}, ` +
    `rtol ${result.tolerance.rtol.toExponential(2)})`;
  console.log(summary);
  expect(c.failures, `${summary}\nfirst mismatches:\n${formatMismatches(c)}`).toBe(0);
}
