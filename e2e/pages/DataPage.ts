// Page object of the Data panel: choosing files, the load's questions and errors, the datasets
// list and the active dataset's summary — as a person sees them.
import { expect, type Locator, type Page } from '@playwright/test';

export type SummaryField =
  | 'name'
  | 'rows'
  | 'D'
  | 'dtype'
  | 'sequences'
  | 'normFactor'
  | 'meanNorm'
  | 'range'
  | 'nonFinite'
  | 'tokens'
  | 'source';

export class DataPage {
  readonly dropzone: Locator;
  readonly files: Locator;
  readonly loadButton: Locator;
  readonly progress: Locator;
  readonly cancel: Locator;
  readonly error: Locator;
  readonly nonFinite: Locator;
  readonly drop: Locator;
  readonly abort: Locator;
  readonly tensorSelect: Locator;
  readonly tensorLoad: Locator;
  readonly items: Locator;

  constructor(readonly page: Page) {
    this.dropzone = page.getByTestId('data.dropzone');
    this.files = page.getByTestId('data.files');
    this.loadButton = page.getByTestId('data.load');
    this.progress = page.getByTestId('data.progress');
    this.cancel = page.getByTestId('data.cancel');
    this.error = page.getByTestId('data.error');
    this.nonFinite = page.getByTestId('data.nonfinite');
    this.drop = page.getByTestId('data.nonfinite.drop');
    this.abort = page.getByTestId('data.nonfinite.abort');
    this.tensorSelect = page.getByTestId('data.tensor.select');
    this.tensorLoad = page.getByTestId('data.tensor.load');
    this.items = page.getByTestId('data.item');
  }

  summary(field: SummaryField): Locator {
    return this.page.getByTestId(`data.summary.${field}`);
  }

  /** A summary number as a number (thousands separators removed). */
  async summaryNumber(field: SummaryField): Promise<number> {
    return Number((await this.summary(field).textContent())!.replace(/,/g, ''));
  }

  /** Chooses files in the picker; `roles` corrects guessed roles by position. */
  async choose(paths: string[], roles: Record<number, string> = {}): Promise<void> {
    await this.files.setInputFiles(paths);
    for (const [i, role] of Object.entries(roles))
      await this.page.getByTestId('data.role').nth(Number(i)).selectOption(role);
  }

  /** Chooses files and presses "Load dataset". */
  async load(paths: string[], roles: Record<number, string> = {}): Promise<void> {
    await this.choose(paths, roles);
    await this.loadButton.click();
  }

  /** Waits until the demo dataset is listed, selected and summarised. */
  async expectDemoReady(): Promise<void> {
    await expect(this.summary('name')).toContainText('Demo', { timeout: 60_000 });
    await expect(this.items.filter({ hasText: 'Demo' }).getByRole('radio')).toBeChecked();
  }

  async select(name: string): Promise<void> {
    await this.items.filter({ hasText: name }).getByRole('radio').check();
    await expect(this.summary('name')).toContainText(name);
  }

  /** Waits for the load in progress to finish (progress gone, no question open). */
  async settled(): Promise<void> {
    await expect(this.progress).toHaveCount(0, { timeout: 60_000 });
  }
}
