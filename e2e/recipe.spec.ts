// Issue 14: the reference recipe from the Train form, and the paper's claim read off Inspect and
// Compare on data with ground truth. The first test runs a short SoftSAE and its TopK partner on
// the quick corpus (the plumbing: boxes per true count, Spearman, recovery, the equal-L0 pair).
// The default preset trained to the end on the demo, with the claim's thresholds, is a bench:
// `npm run bench:recipe` (e2e/recipe-default.long.ts; about an hour on a software adapter).
import { expect, test, type Page } from '@playwright/test';
import { quickDataset } from '../src/data/demo';
import { AppPage } from './pages/AppPage';
import { openTrainOn } from './pages/flows';

const num = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

test('Inspect shows k̂ by true count, Spearman and recovery; Compare pairs TopK at equal L0', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const { train } = await openTrainOn(page, 'Quick');
  await expect(page.getByTestId('train.presetNote')).toContainText('softsae-spec §5');
  // The default preset, shortened: the schedule follows the step count.
  await train.set({ steps: '60', batch_size: '64' });
  await expect(train.field('decay_start')).toHaveValue('48');
  await expect(train.field('hard_topk_steps')).toHaveValue('9');
  await expect(train.errors).toHaveCount(0);
  await train.start.click();
  await train.waitDone(400_000);

  const app = new AppPage(page);
  await app.show('inspect');
  // One box per true count: the quick corpus's tokens hold 1…6 concepts.
  const counts = new Set(quickDataset().activeCount);
  await expect(page.getByTestId('inspect.byCount').locator('g.box')).toHaveCount(counts.size);
  const rho = await num(page, 'inspect.spearmanKHat');
  const recovery = await num(page, 'inspect.recovery');
  console.log(`quick, 60 steps: Spearman(k̂, count) ${rho}, recovery ${recovery}`);
  expect(rho).toBeGreaterThanOrEqual(-1);
  expect(rho).toBeLessThanOrEqual(1);
  // The same number the Train panel reports from the engine's own Spearman.
  expect(await num(page, 'eval.spearmanKHat')).toBeCloseTo(rho, 2);
  expect(recovery).toBeGreaterThan(0);
  expect(recovery).toBeLessThanOrEqual(1);

  // Compare: no TopK run yet, so it says which k would match; train it and the pair is made.
  await app.show('compare');
  const verdict = page.getByTestId('compare.verdict');
  await expect(verdict).toContainText('train TopK with k = ');
  const k = Number((await verdict.textContent())!.match(/k = (\d+)/)![1]);
  await app.show('train');
  await train.arch.selectOption('topk');
  await train.set({ k: String(k) });
  await train.start.click();
  await train.waitDone(400_000);
  await app.show('compare');
  await expect(verdict).toHaveText(
    /SoftSAE reconstructs at least as well|TopK reconstructs better/,
  );
  console.log(`equal L0 (k = ${k}): ${await verdict.textContent()}`);
});
