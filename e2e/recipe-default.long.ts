// Issue 14's acceptance for the default preset: the demo trained to the end from the Train form
// (2000 steps × 256 rows), then Spearman(k̂, true count) ≥ 0.85 and feature recovery ≥ 0.9 read
// off Inspect. About an hour on a software adapter, so it is a bench, not part of `npm test`:
//   npm run bench:recipe   (playwright.long.config.ts runs e2e/*.long.ts)
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/AppPage';
import { openTrainOn } from './pages/flows';

const num = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

test('default preset on the demo, from the form: Spearman ≥ 0.85, recovery ≥ 0.9', async ({
  page,
}) => {
  test.setTimeout(4 * 3600_000);
  const { train } = await openTrainOn(page, 'Demo');
  await expect(train.errors).toHaveCount(0);
  const started = Date.now();
  await train.start.click();
  await train.waitDone(4 * 3600_000);
  await new AppPage(page).show('inspect');
  const rho = await num(page, 'inspect.spearmanKHat');
  const recovery = await num(page, 'inspect.recovery');
  console.log(
    `demo, default preset: Spearman(k̂, count) ${rho}, recovery ${recovery}, ` +
      `${((Date.now() - started) / 60_000).toFixed(1)} min`,
  );
  expect(rho).toBeGreaterThanOrEqual(0.85);
  expect(recovery).toBeGreaterThanOrEqual(0.9);
});
