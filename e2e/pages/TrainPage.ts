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
      .evaluateAll((els) => els.map((e) => e.dataset.testid!.replace(/^train\./, '')));
    for (const key of keys) {
      const v = config[key];
      await this.field(key).fill(v === undefined || v === null ? '' : String(v));
    }
    const unknown = Object.keys(config).filter((k) => k !== 'arch' && !keys.includes(k));
    expect(unknown, 'every config key has a field in the form').toEqual([]);
    await expect(this.errors).toHaveCount(0);
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
