// Keeping the work (issue 6; reliability cases 25, 29, 31–33): checkpoints in the Origin Private
// File System written by the engine worker, resumed after a reload with the same RNG and data
// cursor, restored after a GPU device loss, kept through a full disk and a tab closed mid-write,
// written by one tab only. Real Chromium WebGPU (SwiftShader) and real OPFS; small shapes.
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

/** A small SoftSAE on the built-in quick corpus with a hard phase in the second half. */
const SMALL = {
  dict_size: '32',
  k: '4',
  k_max: '16',
  batch_size: '16',
  warmup_steps: '5',
  hard_topk_steps: '15',
};

async function openTrain(page: Page): Promise<TrainPage> {
  const app = new AppPage(page);
  const data = new DataPage(page);
  await app.open();
  await data.expectDemoReady();
  await data.select('Quick');
  await app.expectGpuReady();
  await app.show('train');
  return new TrainPage(page);
}

async function configure(train: TrainPage, steps: number, every: number, extra = {}) {
  await train.preset.selectOption('quick');
  await train.set({ ...SMALL, steps: String(steps), ...extra });
  await train.checkpointEvery.fill(String(every));
  await expect(train.errors).toHaveCount(0);
}

const runIdOf = (page: Page) =>
  page.evaluate(() => window.__softsae!.state().training.runId as string);

/** The kept model's parameters after the final evaluation (flattened per tensor). */
async function paramsOf(page: Page, runId: string): Promise<Record<string, number[]>> {
  return page.evaluate(async (id) => {
    const m = await window.__softsae!.queryModel(id);
    return Object.fromEntries(Object.entries(m.tensors).map(([k, v]) => [k, Array.from(v)]));
  }, runId);
}

function maxAbsDiff(a: Record<string, number[]>, b: Record<string, number[]>): number {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  let worst = 0;
  for (const k of Object.keys(a)) {
    expect(a[k].length, k).toBe(b[k].length);
    for (let i = 0; i < a[k].length; i++) worst = Math.max(worst, Math.abs(a[k][i] - b[k][i]));
  }
  return worst;
}

test('resume after a reload continues from the saved step and equals an uninterrupted run', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const STEPS = 120;
  let train = await openTrain(page);
  await configure(train, STEPS, 30);
  await train.start.click();
  await expect.poll(() => train.checkpointStep(), { timeout: 120_000 }).toBeGreaterThanOrEqual(30);
  await train.pause.click();
  await expect(train.state).toHaveText('paused');
  // Pausing commits a checkpoint of the paused step.
  const saved = await train.checkpointStep();
  const pausedAt = await train.currentStep();
  expect(saved).toBe(pausedAt);
  expect(saved).toBeLessThan(STEPS);
  const runId = await runIdOf(page);

  await page.reload();
  train = await openTrain(page);
  const entry = train.savedRun(runId);
  await expect(entry).toContainText(`step ${saved} / ${STEPS}`);
  await expect(page.getByTestId('train.state')).toHaveText('Not started.');
  await entry.getByTestId('ckpt.resume').click();
  await expect(train.restored).toHaveText(`resumed from the checkpoint of step ${saved}`);
  await train.waitDone();
  await expect(train.step).toHaveText(`step ${STEPS} / ${STEPS}`);
  expect(await runIdOf(page)).toBe(runId);
  const resumed = await paramsOf(page, runId);

  // The same run without interruption, in a fresh page.
  await page.reload();
  train = await openTrain(page);
  await configure(train, STEPS, 1000);
  await train.start.click();
  await train.waitDone();
  const straight = await paramsOf(page, await runIdOf(page));
  const diff = maxAbsDiff(resumed, straight);
  console.log(
    `resume equivalence: ${saved} steps, reload, resume to ${STEPS} vs ${STEPS} straight: ` +
      `max |Δparam| = ${diff}`,
  );
  // Same kernels, same state (parameters, Adam moments and step counts, dead counters, RNG and
  // data cursor), same order of operations: the resumed run is bit-identical.
  expect(diff).toBe(0);
});
