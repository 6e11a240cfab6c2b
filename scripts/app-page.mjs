// Page steps the benches and the screenshot script share: they drive the real app (dev server or
// production bundle with the test hook) the way a user or the Train panel would.

/** Records every main-thread long task (> 50 ms) of `page` in `window.longTasks`, from load on. */
export async function watchLongTasks(page) {
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        window.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** Picks the built-in quick corpus in the Data panel once the demo is loaded. */
export async function pickQuickCorpus(page) {
  await page.getByTestId('data.summary.name').getByText('Demo').waitFor({ timeout: 60_000 });
  await page.getByTestId('data.item').filter({ hasText: 'Quick' }).getByRole('radio').check();
  await page.getByTestId('data.summary.name').getByText('Quick').waitFor();
}

/**
 * Starts a small SoftSAE run on the quick corpus (D = 16) through the test hook, with the engine
 * request the Train panel sends: F = 96, k = 4, α = 0.01, `steps` steps of 128 rows.
 */
export function trainSmall(page, { steps, seed = 1, warmup = 10 }) {
  return page.evaluate(
    ([n, seed, warmup]) => {
      const hook = window.__softsae;
      hook.send({ type: 'dataset-builtin', id: 'quick' });
      hook.send({
        type: 'train-start',
        dataset: 'quick',
        config: {
          arch: 'softsae',
          dict_size: 96,
          k: 4,
          k_max: 16,
          soft_topk_alpha: 0.01,
          lr: 3e-3,
          steps: n,
          batch_size: 128,
          warmup_steps: warmup,
          hard_topk_steps: Math.round(n / 10),
          dead_feature_threshold: 1e7,
          seed,
        },
      });
    },
    [steps, seed, warmup],
  );
}

/**
 * Waits until `count` runs are listed and training is done (a new run's first state is not), or
 * training failed or was stopped (the caller reads which).
 */
export function trained(page, count, timeout = 900_000) {
  return page.waitForFunction(
    (c) => {
      const s = window.__softsae.state();
      if (['failed', 'stopped'].includes(s.training.state)) return true;
      return s.runs.length >= c && s.training.state === 'done';
    },
    count,
    { timeout, polling: 500 },
  );
}
