// The token view with hostile and many tokens, no GPU training needed: a dataset and an
// evaluation are registered through the page's own ingestion path (dev test hook), as the engine
// client would after a run. Reliability case 23: token text is shown literally (control and
// invisible characters as visible escapes) and never runs as markup; and the view is virtualised:
// 16 500 rows keep only a few hundred token elements in the DOM.
import { expect, test } from '@playwright/test';
import type { EvalResult } from '../src/workers/inspectProtocol';
import { InspectPage, parseCsv } from './pages/inspect';

/** Case 23's corpus, and how each token must read on screen (written out by hand). */
const CORPUS: [string, string][] = [
  ['<img src=x onerror="window.__xss=1">', '<img src=x onerror="window.__xss=1">'],
  ['<script>window.__xss=1</script>', '<script>window.__xss=1</script>'],
  ['"><svg onload=window.__xss=1>', '"><svg onload=window.__xss=1>'],
  ['javascript:window.__xss=1', 'javascript:window.__xss=1'],
  ['abc\u202Edef', 'abc\\u202Edef'],
  ['zero\u200Bwidth', 'zero\\u200Bwidth'],
  ['nul\u0000byte', 'nul\\0byte'],
  ['new\nline', 'new\\nline'],
  ['=HYPERLINK("http://x")', '=HYPERLINK("http://x")'],
  ['&lt;b&gt;', '&lt;b&gt;'],
];
const ROWS = 16_500;
const SEQ = 64;
const F = 4;

test('hostile and many tokens: shown literally, nothing runs, only visible rows in the DOM', async ({
  page,
}) => {
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  const inspect = new InspectPage(page);
  await inspect.waitForHook();
  await page.getByRole('tab', { name: 'Inspect', exact: true }).click();

  await page.evaluate(
    ({ corpus, rows, seqLen, F }) => {
      const tokens = Array.from({ length: rows }, (_, r) => corpus[r % corpus.length]);
      const seq = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / seqLen));
      const pos = Int32Array.from({ length: rows }, (_, r) => r % seqLen);
      window.__softsae!.putDataset({ id: 'xss', name: 'xss', rows, D: 2, tokens, seq, pos });
      const topN = 4;
      const topRows = new Int32Array(F * topN).fill(-1);
      const topValues = new Float32Array(F * topN);
      for (let i = 0; i < topN; i++) {
        topRows[i] = i; // feature 0's top rows: the first corpus tokens
        topValues[i] = 4 - i;
      }
      const result: EvalResult = {
        runId: 'injected',
        datasetId: 'xss',
        arch: 'softsae',
        step: 1,
        final: true,
        config: { arch: 'softsae', F, k: 2 },
        rows,
        D: 2,
        F,
        kHat: Float32Array.from({ length: rows }, (_, r) => 1 + (r % 7) / 2),
        l0: Uint32Array.from({ length: rows }, (_, r) => r % 5),
        sqErr: Float32Array.from({ length: rows }, (_, r) => (r % 11) / 10),
        fireCount: Uint32Array.of(100, 50, 0, 7),
        actSum: Float64Array.of(120, 30, 0, 7),
        actMax: Float32Array.of(4, 1, 0, 1),
        bins: 2,
        hist: new Uint32Array(F * 2).fill(1),
        histHi: Float32Array.of(4, 1, 0, 1),
        topN,
        topRows,
        topValues,
        fvu: 0.5,
        meanL0: 2,
        deadFraction: 0.25,
        kHatMean: 2.5,
        truth: null,
      };
      window.__softsae!.ingestEvalResult(result);
    },
    { corpus: CORPUS.map(([t]) => t), rows: ROWS, seqLen: SEQ, F },
  );

  // Virtualised: far fewer token elements than rows, before and after scrolling to the end.
  await expect(inspect.token(0)).toBeVisible();
  const initial = await inspect.tokens.count();
  console.log(`token elements in the DOM for ${ROWS} rows: ${initial}`);
  expect(initial).toBeGreaterThan(0);
  expect(initial).toBeLessThanOrEqual(300);
  await inspect.tokenScroll.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(inspect.token(ROWS - 1)).toBeVisible();
  expect(await inspect.tokens.count()).toBeLessThanOrEqual(300);
  await expect(inspect.token(0)).toHaveCount(0);
  await inspect.tokenScroll.evaluate((el) => (el.scrollTop = 0));
  await expect(inspect.token(0)).toBeVisible();

  // Literal text, with visible escapes for control and invisible characters.
  for (const [r, [, shown]] of CORPUS.entries())
    await expect(inspect.token(r)).toHaveText(shown, { useInnerText: true });

  // Keyboard: the view is one tab stop; the arrows move, Enter or Space selects; the status
  // line tells the numbers of the token moved to, its details show the literal token.
  await inspect.tokenScroll.focus();
  await page.keyboard.press('Home');
  expect(await inspect.activeRow()).toBe(0);
  await page.keyboard.press('ArrowRight');
  expect(await inspect.activeRow()).toBe(1);
  await expect(page.getByTestId('inspect.tokenStatus')).toContainText('row 1 · k̂ 1.5 · L0 1');
  await page.keyboard.press('Enter');
  await expect(inspect.token(1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('inspect.row')).toContainText(CORPUS[1][1]);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await expect(inspect.token(2)).toHaveAttribute('aria-selected', 'true');
  await expect(inspect.token(1)).toHaveAttribute('aria-selected', 'false');
  // Down keeps the column: row 2 → row 10 on the next line of 8.
  await page.keyboard.press('ArrowDown');
  expect(await inspect.activeRow()).toBe(10);
  // End goes to the last token and scrolls it into view; Home comes back.
  await page.keyboard.press('End');
  expect(await inspect.activeRow()).toBe(ROWS - 1);
  await expect(inspect.token(ROWS - 1)).toBeInViewport();
  await page.keyboard.press('Home');
  expect(await inspect.activeRow()).toBe(0);
  await expect(inspect.token(2)).toHaveAttribute('aria-selected', 'true');

  // The feature page shows feature 0's top tokens (rows 0–3) with context, literally.
  await page.locator('[data-testid="inspect.featureRow"][data-feature="0"] button').click();
  const top = page.getByTestId('inspect.topTokens').locator('li');
  await expect(top).toHaveCount(4);
  await expect(top.first().locator('mark')).toHaveText(CORPUS[0][1]);
  // Row 0 opens its sequence: context is rows 0…5 only.
  await expect(top.first().locator('.ctx')).toHaveCount(5);

  // Nothing ran and no markup was created from token text.
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await inspect.panel.locator('img, script, svg[onload], [onerror]').count()).toBe(0);
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);

  // Every control of the Inspect and Compare panels has an accessible name and is focusable.
  const unnamed = await page
    .locator('[data-testid="inspect.panel"], [data-testid="compare.panel"]')
    .locator('button, input, select')
    .evaluateAll((els) =>
      els
        .filter((e) => {
          const el = e as HTMLInputElement;
          const name =
            el.getAttribute('aria-label') ??
            [...(el.labels ?? [])].map((l) => l.textContent).join('') ??
            '';
          return (name || el.textContent || '').trim() === '' || el.tabIndex < 0;
        })
        .map((e) => e.outerHTML.slice(0, 80)),
    );
  expect(unnamed).toEqual([]);

  // The per-row CSV: one line per row, hostile tokens quoted and formula-defused.
  const rows = parseCsv(await inspect.downloadText('inspect.exportRows'));
  expect(rows).toHaveLength(ROWS + 1);
  expect(rows[0]).toEqual(['row', 'token', 'k_hat', 'l0', 'sq_err']);
  for (const [r, [token]] of CORPUS.entries())
    expect(rows[r + 1][1]).toBe(token.startsWith('=') ? `'${token}` : token);
  expect(Number(rows[ROWS][0])).toBe(ROWS - 1);
  expect(Number(rows[ROWS][3])).toBe((ROWS - 1) % 5);

  // A dataset without tokens: rows are labelled by their index.
  await page.evaluate(() => {
    const h = window.__softsae!;
    h.putDataset({ id: 'bare', name: 'bare', rows: 3, D: 2, tokens: null, seq: null, pos: null });
    const a = h.getAnalysis('injected')!;
    h.ingestEvalResult({
      ...a,
      runId: 'bare-run',
      datasetId: 'bare',
      rows: 3,
      kHat: a.kHat!.slice(0, 3),
      l0: a.l0.slice(0, 3),
      sqErr: a.sqErr.slice(0, 3),
    });
  });
  await expect(page.getByTestId('inspect.run')).toHaveValue('bare-run');
  await expect(inspect.tokens).toHaveCount(3);
  await expect(inspect.tokens).toHaveText(['#0', '#1', '#2']);
});
