// Page object of the Compare panel.
import type { Locator, Page } from '@playwright/test';

export class ComparePage {
  readonly panel: Locator;
  readonly marks: Locator;
  readonly l0Hists: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('compare.panel');
    this.marks = page.getByTestId('compare.chart').locator('g.run-mark');
    this.l0Hists = page.getByTestId('compare.l0Hist');
  }

  /** Each mark's run id, architecture, label and translate(x, y) position in the plot. */
  async markData(): Promise<{ run: string; arch: string; label: string; x: number; y: number }[]> {
    return this.marks.evaluateAll((els) =>
      els.map((e) => {
        const [x, y] = e
          .getAttribute('transform')!
          .match(/translate\(([^,]+),([^)]+)\)/)!
          .slice(1)
          .map(Number);
        return {
          run: e.getAttribute('data-run')!,
          arch: e.getAttribute('data-arch')!,
          label: e.querySelector('text')!.textContent!,
          x,
          y,
        };
      }),
    );
  }

  /** Bar counts of each run's L0 histogram, in display order. */
  async l0Counts(): Promise<number[][]> {
    return this.l0Hists.evaluateAll((figs) =>
      figs.map((f) =>
        [...f.querySelectorAll('rect.bar')].map((b) => Number(b.getAttribute('data-count'))),
      ),
    );
  }
}
