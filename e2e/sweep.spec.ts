// L0 sweeps from the Train form (issue 14): 3 k × 3 architectures on the built-in Quick lab,
// queued one after another; a reload mid-sweep leaves it interrupted at its run, and Continue
// resumes that run from its checkpoint; Compare draws one FVU–L0 curve per architecture.
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

const BASE = {
  arch: 'softsae',
  dict_size: 32,
  k: 4,
  k_max: 8,
  // Long enough that the pause below cannot arrive after the end of the run it pauses: it is
  // clicked once that run has committed its step-20 checkpoint, 180 steps before its last.
  steps: 200,
  batch_size: 64,
  warmup_steps: 5,
  hard_topk_steps: 5,
  seed: 1,
};
const NAMES = ['softsae', 'topk', 'batchtopk'].flatMap((a) => [2, 4, 8].map((k) => `${a}-k${k}`));

async function openQuick(page: Page) {
  const app = new AppPage(page);
  const data = new DataPage(page);
  await app.open();
  await data.expectDemoReady();
  await data.select('Quick');
  await app.expectGpuReady();
  await app.show('train');
  return { app, train: new TrainPage(page) };
}

const row = (page: Page, name: string) =>
  page.locator(`[data-testid="train.sweep.runs"] tr[data-run$="-${name}"]`);

test('an L0 sweep from the form survives a reload: it continues at its run and step, and Compare draws a curve per architecture', async ({
  page,
}) => {
  test.setTimeout(900_000);
  let { app, train } = await openQuick(page);
  await train.configure(BASE);
  await train.checkpointEvery.fill('10');
  await page.getByTestId('train.sweep.ks').fill('2, 4, 8');
  await expect(page.getByTestId('train.sweep.start')).toHaveText('Start sweep (9 runs)');
  await page.getByTestId('train.sweep.start').click();
  const state = page.getByTestId('train.sweep.state');
  await expect(state).toHaveText('running, 0 of 9 runs finished');

  // The second run (TopK at k = 2) trains after the first is done; it is paused past step 20.
  await expect(row(page, 'softsae-k2')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  await expect(row(page, 'topk-k2')).toHaveAttribute('data-state', 'running');
  await expect.poll(() => train.checkpointStep(), { timeout: 120_000 }).toBeGreaterThanOrEqual(20);
  await train.pause.click();
  await expect(train.state).toHaveText('paused');
  const saved = await train.checkpointStep();
  expect(saved).toBeLessThan(BASE.steps);

  await page.reload();
  ({ app, train } = await openQuick(page));
  await expect(state).toHaveText(`interrupted at run 2 of 9 (topk-k2, step ${saved} saved)`);
  await expect(page.getByTestId('train.state')).toHaveText('Not started.');
  await page.getByTestId('train.sweep.continue').click();
  await expect(train.restored).toHaveText(`resumed from the checkpoint of step ${saved}`);
  await expect(state).toHaveText('done, 9 of 9 runs finished', { timeout: 600_000 });

  // Every run finished with its final evaluation; TopK keeps at most k codes per row (fewer
  // where fewer than k pre-activations are positive).
  const results = await page.evaluate(() =>
    window.__softsae!.state().sweep!.runs.map((r) => [r.name, r.state, r.fvu, r.meanL0]),
  );
  console.log(`sweep: ${JSON.stringify(results)}`);
  expect(results.map((r) => r[0]).sort()).toEqual([...NAMES].sort());
  for (const [name, s, fvu, l0] of results) {
    expect(s, String(name)).toBe('done');
    expect(fvu as number).toBeGreaterThan(0);
    expect(fvu as number).toBeLessThan(1);
    if (String(name).startsWith('topk-')) {
      const k = Number(String(name).slice(6));
      expect(l0 as number).toBeLessThanOrEqual(k);
      expect(l0 as number).toBeGreaterThan(k - 1);
    }
  }
  await app.show('compare');
  const curves = page.locator('[data-testid="compare.chart"] path.series-curve');
  await expect(curves).toHaveCount(3);
  expect(
    (
      await curves.evaluateAll((ps) => ps.map((p) => p.getAttribute('data-series')!.split('/')[1]))
    ).sort(),
  ).toEqual(['batchtopk', 'softsae', 'topk']);
  expect(app.pageErrors).toEqual([]);
});
