// Page object of the Inspect panel: what a person sees and clicks, by data-testid.
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

export class InspectPage {
  readonly panel: Locator;
  readonly tokens: Locator;
  readonly tokenScroll: Locator;
  readonly rowFeatures: Locator;
  readonly featureRows: Locator;
  readonly feature: Locator;
  /** "Load an SAE": the file input, and the refusal shown when a load fails. */
  readonly importSae: Locator;
  readonly importError: Locator;
  readonly run: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('inspect.panel');
    this.tokens = page.getByTestId('inspect.token');
    this.tokenScroll = page.getByTestId('inspect.tokens');
    this.rowFeatures = page.getByTestId('inspect.rowFeatures').locator('li');
    this.featureRows = page.getByTestId('inspect.featureRow');
    this.feature = page.getByTestId('inspect.feature');
    this.importSae = page.getByTestId('inspect.importSae');
    this.importError = page.getByTestId('inspect.importError');
    this.run = page.getByTestId('inspect.run');
  }

  /** Waits for the dev-only test hook (installed when the panel mounts). */
  async waitForHook(): Promise<void> {
    await this.page.waitForFunction(() => window.__softsae !== undefined);
  }

  /** The counts carried by a histogram's bars (`data-count`), in bar order. */
  async barCounts(chartTestId: string): Promise<number[]> {
    const bars = this.page.getByTestId(chartTestId).locator('rect.bar');
    return (await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-count')))).map(
      Number,
    );
  }

  /** The row of the token the keyboard is on (the view's aria-activedescendant), or null. */
  async activeRow(): Promise<number | null> {
    return this.tokenScroll.evaluate((box) => {
      const id = box.getAttribute('aria-activedescendant');
      const el = id ? document.getElementById(id) : null;
      return el && box.contains(el) ? Number(el.dataset.row) : null;
    });
  }

  token(row: number): Locator {
    return this.page.locator(`[data-testid="inspect.token"][data-row="${row}"]`);
  }

  /**
   * The rows of the token view's lines that intersect the scroll box's visible area, in screen
   * order (each line's box against the box's client area), and the box's scroll geometry.
   */
  async tokensInView(): Promise<{
    rows: number[];
    scrollTop: number;
    clientHeight: number;
    scrollHeight: number;
  }> {
    return this.tokenScroll.evaluate((box) => {
      const b = box.getBoundingClientRect();
      const top = b.top + box.clientTop;
      const bottom = top + box.clientHeight;
      // Lines top to bottom as drawn (the renderer reuses line elements, so DOM order is not
      // screen order); tokens left to right within a line.
      const lines = [...box.querySelectorAll('.token-line')]
        .map((line) => ({ line, rect: line.getBoundingClientRect() }))
        .filter(({ rect: l }) => l.height > 0 && l.bottom > top && l.top < bottom)
        .sort((a, b) => a.rect.top - b.rect.top);
      const rows: number[] = [];
      for (const { line } of lines)
        for (const t of line.querySelectorAll<HTMLElement>('[data-testid="inspect.token"]'))
          rows.push(Number(t.dataset.row));
      const { scrollTop, clientHeight, scrollHeight } = box;
      return { rows, scrollTop, clientHeight, scrollHeight };
    });
  }

  /** The features listed for the selected row: [feature, value] in display order. */
  async listedFeatures(): Promise<[number, number][]> {
    return this.rowFeatures.evaluateAll((els) =>
      els.map((e) => [Number(e.dataset.feature), Number(e.dataset.value)] as [number, number]),
    );
  }

  /** Clicks a button that downloads a file and returns the file's bytes. */
  async download(testId: string): Promise<{ name: string; bytes: Buffer }> {
    const [dl] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId(testId).click(),
    ]);
    const path = await dl.path();
    expect(path, 'download saved').toBeTruthy();
    return { name: dl.suggestedFilename(), bytes: await readFile(path) };
  }

  async downloadText(testId: string): Promise<string> {
    return (await this.download(testId)).bytes.toString('utf8');
  }

  /** Drags a rectangle on the error scatter, in fractions of its plot's box. */
  async brushScatter(from: [number, number], to: [number, number]): Promise<void> {
    const overlay = this.page.getByTestId('inspect.scatter').locator('.brush rect.overlay');
    await overlay.scrollIntoViewIfNeeded();
    const box = (await overlay.boundingBox())!;
    const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height];
    const [x0, y0] = at(from);
    const [x1, y1] = at(to);
    await this.page.mouse.move(x0, y0);
    await this.page.mouse.down();
    await this.page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
    await this.page.mouse.move(x1, y1, { steps: 4 });
    await this.page.mouse.up();
  }
}

/** A minimal RFC 4180 reader for the exported CSVs (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}
