// Page object of the explorer's shell: the section tabs and the always-visible WebGPU status.
import { expect, type Locator, type Page } from '@playwright/test';

export type Section = 'data' | 'train' | 'inspect' | 'compare' | 'gpu';

export class AppPage {
  readonly gpuBadge: Locator;
  readonly gpuHelp: Locator;
  /** Uncaught page errors seen since {@link open}. */
  readonly pageErrors: string[] = [];

  constructor(readonly page: Page) {
    this.gpuBadge = page.getByTestId('gpu.badge');
    this.gpuHelp = page.getByTestId('gpu.help');
    page.on('pageerror', (e) => this.pageErrors.push(e.message));
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { name: 'SoftSAE Explorer' })).toBeVisible();
  }

  tab(section: Section): Locator {
    return this.page.getByTestId(`nav.${section}`);
  }

  async show(section: Section): Promise<void> {
    await this.tab(section).click();
    await expect(this.tab(section)).toHaveAttribute('aria-selected', 'true');
  }

  async expectGpuReady(): Promise<void> {
    await expect(this.gpuBadge).toContainText('WebGPU ready', { timeout: 60_000 });
  }
}
