// Reliability case 30: a long run does not grow GPU or JS memory. The quick corpus trains for
// 2000+ steps from the form; at step ~100 and again at step ~2000 the run is paused and
// measured: the engine's live GPU buffer bytes (its ledger, shown in the Train panel) and the JS
// heap of the page and of each worker after a forced garbage collection (DevTools protocol,
// attached to every target at the browser level, workers included).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { openTrainOn } from './pages/flows';

const MiB = 2 ** 20;

interface Heaps {
  page: number;
  workers: Record<string, number>;
}

/** Used JS heap of the page and of each worker, after a garbage collection in each. */
async function heaps(browser: Browser, page: Page): Promise<Heaps> {
  const cdp = await browser.newBrowserCDPSession();
  const pending = new Map<number, (r: { usedSize: number }) => void>();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const msg = JSON.parse(e.message) as { id?: number; result?: { usedSize: number } };
    if (msg.id !== undefined && msg.result) pending.get(msg.id)?.(msg.result);
  });
  let id = 0;
  const call = (sessionId: string, method: string) =>
    new Promise<{ usedSize: number }>((resolve) => {
      pending.set(++id, resolve);
      void cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method }),
      });
    });
  const { targetInfos } = await cdp.send('Target.getTargets');
  const origin = new URL(page.url()).origin;
  const out: Heaps = { page: 0, workers: {} };
  for (const t of targetInfos) {
    if (!t.url.startsWith(origin) || (t.type !== 'page' && t.type !== 'worker')) continue;
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: t.targetId,
      flatten: false,
    });
    await call(sessionId, 'HeapProfiler.collectGarbage');
    const { usedSize } = await call(sessionId, 'Runtime.getHeapUsage');
    if (t.type === 'page') out.page = usedSize;
    else out.workers[t.url.match(/(\w+)\.worker/)?.[1] ?? t.url] = usedSize;
    await cdp.send('Target.detachFromTarget', { sessionId });
  }
  await cdp.detach();
  return out;
}

test('2000 steps: GPU bytes unchanged, worker and page heaps flat', async ({ page, browser }) => {
  test.setTimeout(900_000);
  const { app, train } = await openTrainOn(page, 'Quick');
  await train.set({
    dict_size: '32',
    k: '2',
    k_max: '8',
    batch_size: '32',
    steps: '2200',
    warmup_steps: '20',
    hard_topk_steps: '100',
  });
  // The GPU tab's self-check runs only when that tab is opened: the run's GPU bytes are its own.
  expect(await page.evaluate(() => window.__softsae?.state().selfCheck.state)).toBe('idle');
  await train.start.click();

  const stepNow = async () => Number((await train.step.textContent())!.match(/step (\d+)/)![1]);
  const pauseAfter = async (step: number) => {
    await expect.poll(stepNow, { timeout: 600_000, intervals: [500] }).toBeGreaterThanOrEqual(step);
    await train.pause.click();
    await expect(train.state).toHaveText('paused');
    const at = await stepNow();
    const gpu = Number(await page.getByTestId('train.gpuBytes').getAttribute('data-bytes'));
    return { at, gpu, heap: await heaps(browser, page) };
  };
  const early = await pauseAfter(100);
  await train.resume.click();
  const late = await pauseAfter(2000);
  const mib = (n: number) => `${(n / MiB).toFixed(2)} MiB`;
  for (const m of [early, late])
    console.log(
      `step ${m.at}: GPU ${m.gpu} bytes; heap page ${mib(m.heap.page)}, ` +
        Object.entries(m.heap.workers)
          .map(([w, b]) => `${w} worker ${mib(b)}`)
          .join(', '),
    );
  expect(late.at - early.at).toBeGreaterThanOrEqual(1800);
  // Every buffer is allocated once for the run: the same bytes, to the byte.
  expect(early.gpu).toBeGreaterThan(0);
  expect(late.gpu).toBe(early.gpu);
  // The ingestion worker is idle. The engine worker and the page each keep the metric history
  // (the engine for its checkpoints, the page for the charts), both thinned to at most 4000
  // points of a few hundred bytes: growth up to that bound, nothing per step beyond it.
  expect(late.heap.workers.ingest - early.heap.workers.ingest, 'ingest worker heap').toBeLessThan(
    MiB / 4,
  );
  for (const [where, grew] of [
    ['engine worker', late.heap.workers.engine - early.heap.workers.engine],
    ['page', late.heap.page - early.heap.page],
  ] as const)
    expect(grew, `${where} heap growth`).toBeLessThan(2 * MiB);
  await train.stop.click();
  expect(app.pageErrors).toEqual([]);
});
