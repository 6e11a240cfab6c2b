// Issue 14's acceptance for the default preset: the demo trained to the end from the Train form
// (3000 steps × 256 rows, F = 4·D), then Spearman(k̂, true count) ≥ 0.85 and feature recovery ≥ 0.9 read
// off Inspect; then TopK with k = the SoftSAE run's rounded mean L0, same preset, from the same
// form, and Compare's equal-L0 table: SoftSAE's FVU ≤ TopK's. About an hour per run on a software
// adapter, so it is a bench, not part of `npm test`:
//   npm run bench:recipe   (playwright.long.config.ts runs e2e/*.long.ts)
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/AppPage';
import { openTrainOn } from './pages/flows';

const num = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

test('default preset on the demo, from the form: Spearman ≥ 0.85, recovery ≥ 0.9', async ({
  page,
}) => {
  test.setTimeout(8 * 3600_000);
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
  const softFvu = await num(page, 'eval.fvu');
  const softL0 = await num(page, 'eval.meanL0');

  // TopK at SoftSAE's rounded mean L0, with the same preset (its recipe: k annealed, LR decay).
  await new AppPage(page).show('train');
  const k = Math.max(1, Math.round(softL0));
  await train.arch.selectOption('topk');
  await train.field('k').fill(String(k));
  await expect(train.errors).toHaveCount(0);
  const t1 = Date.now();
  await train.start.click();
  // The first run's 'done' is still on screen until this one starts.
  await expect(train.state).toHaveText('running', { timeout: 600_000 });
  await train.waitDone(4 * 3600_000);
  const topkFvu = await num(page, 'eval.fvu');
  const topkL0 = await num(page, 'eval.meanL0');
  console.log(
    `demo, equal L0: SoftSAE FVU ${softFvu} at mean L0 ${softL0}; TopK k = ${k}: FVU ${topkFvu} ` +
      `at mean L0 ${topkL0}, ${((Date.now() - t1) / 60_000).toFixed(1)} min`,
  );
  await new AppPage(page).show('compare');
  await expect(page.getByTestId('compare.verdict').first()).toBeVisible();
  console.log(`Compare: ${await page.getByTestId('compare.verdict').first().textContent()}`);
  expect(rho).toBeGreaterThanOrEqual(0.85);
  expect(recovery).toBeGreaterThanOrEqual(0.9);
  expect(softFvu).toBeLessThanOrEqual(topkFvu);
});
