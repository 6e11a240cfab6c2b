// Page object of the Train panel: the settings form, the controls, progress and live charts.
import { expect, type Locator, type Page } from '@playwright/test';

export type ChartId = 'loss' | 'l2' | 'khat' | 'dead' | 'lr';

export class TrainPage {
  readonly preset: Locator;
  readonly arch: Locator;
  readonly start: Locator;
  readonly pause: Locator;
  readonly resume: Locator;
  readonly stop: Locator;
  readonly state: Locator;
  readonly step: Locator;
  readonly progress: Locator;
  readonly errors: Locator;
  readonly dataset: Locator;
  readonly checkpointEvery: Locator;
  /** The newest committed checkpoint ("checkpoint: step N (generation G, …)"). */
  readonly checkpoint: Locator;
  readonly checkpointProblem: Locator;
  readonly restored: Locator;
  readonly skipped: Locator;
  /** Saved runs offered for resuming. */
  readonly savedRuns: Locator;
  readonly refused: Locator;

  constructor(readonly page: Page) {
    this.preset = page.getByTestId('train.preset');
    this.arch = page.getByTestId('train.arch');
    this.start = page.getByTestId('train.start');
    this.pause = page.getByTestId('train.pause');
    this.resume = page.getByTestId('train.resume');
    this.stop = page.getByTestId('train.stop');
    this.state = page.getByTestId('train.state');
    this.step = page.getByTestId('train.step');
    this.progress = page.getByTestId('train.progress');
    this.errors = page.getByTestId('train.errors');
    this.dataset = page.getByTestId('train.dataset');
    this.checkpointEvery = page.getByTestId('train.checkpointEvery');
    this.checkpoint = page.getByTestId('train.checkpoint');
    this.checkpointProblem = page.getByTestId('train.checkpointProblem');
    this.restored = page.getByTestId('train.restored');
    this.skipped = page.getByTestId('train.skipped');
    this.savedRuns = page.getByTestId('ckpt.run');
    this.refused = page.getByTestId('ckpt.refused');
  }

  field(key: string): Locator {
    return this.page.getByTestId(`train.${key}`);
  }

  /** Fills settings by config key (e.g. `{ steps: '200' }`). */
  async set(values: Record<string, string>): Promise<void> {
    for (const [key, v] of Object.entries(values)) await this.field(key).fill(v);
  }

  /**
   * Sets the whole form to `config`: the architecture, then every numeric setting — keys of the
   * config get its value, every other field is emptied (the engine's default), so the run gets
   * exactly this configuration whatever preset the form showed.
   */
  async configure(config: Record<string, unknown>): Promise<void> {
    if (typeof config.arch === 'string') await this.arch.selectOption(config.arch);
    const keys = await this.page
      .locator('form.config input[type="number"]')
      .evaluateAll((els) => els.map((e) => e.dataset.testid!.replace(/^train\./, '')))
      // The checkpoint interval is a setting of the run, not of the SAE's config.
      .then((all) => all.filter((k) => k !== 'checkpointEvery'));
    for (const key of keys) {
      const v = config[key];
      await this.field(key).fill(v === undefined || v === null ? '' : String(v));
    }
    const unknown = Object.keys(config).filter((k) => k !== 'arch' && !keys.includes(k));
    expect(unknown, 'every config key has a field in the form').toEqual([]);
    await expect(this.errors).toHaveCount(0);
  }

  /** The step of the newest committed checkpoint shown, or −1. */
  async checkpointStep(): Promise<number> {
    if (!(await this.checkpoint.isVisible())) return -1;
    const m = /step (\d+)/.exec((await this.checkpoint.textContent()) ?? '');
    return m ? Number(m[1]) : -1;
  }

  /** The step counter's current value ("step N / M"). */
  async currentStep(): Promise<number> {
    return Number(/step (\d+)/.exec((await this.step.textContent()) ?? '')?.[1] ?? NaN);
  }

  /** A saved run's entry in the resume offer. */
  savedRun(runId: string): Locator {
    return this.page.locator(`[data-testid="ckpt.run"][data-run-id="${runId}"]`);
  }

  async waitDone(timeout = 240_000): Promise<void> {
    await expect(this.state).toHaveText('done', { timeout });
  }

  /** Points drawn in each line of a chart, by series name: the SVG paths' M/L commands. */
  async chartPoints(id: ChartId): Promise<Record<string, number>> {
    const pairs = await this.page
      .getByTestId(`train.chart.${id}`)
      .locator('path.series')
      .evaluateAll((paths) =>
        paths.map((p) => [
          p.getAttribute('data-series') ?? '',
          (p.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0,
        ]),
      );
    return Object.fromEntries(pairs);
  }
}
