// The token view with a million rows: registered through the dev hook as the engine client would
// (scripts/token-rows.mjs, no GPU needed), the view keeps only the lines in view in the DOM and
// shows exactly the right rows wherever it is scrolled; a million one-token lines (26 million px,
// taller than browsers lay out) scroll stretched with every row reachable. How fast it scrolls is
// measured by `npm run bench -- --tokens`, not here.
import { expect, test, type Page } from '@playwright/test';
import { registerTokenRows, tokenRow } from '../scripts/token-rows.mjs';
import { InspectPage } from './pages/inspect';

const ROWS = 1_000_000;
const SEQ_LEN = 64;
/** 64-token sequences break into lines of 8: row r sits on line ⌊r / 8⌋. */
const PER_LINE = 8;
const LINES = ROWS / PER_LINE;
const MAX_ELEMENTS = 300;
const fmt = (v: number) => Number(Math.fround(v).toPrecision(4)).toString();

/**
 * Opens Inspect on a registered stream of ROWS tokens in sequences of `seqLen`; returns the page
 * object and the page errors seen (expected to stay empty).
 */
async function openTokens(page: Page, id: string, seqLen: number) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  const inspect = new InspectPage(page);
  await inspect.waitForHook();
  await page.getByRole('tab', { name: 'Inspect', exact: true }).click();
  await page.evaluate(registerTokenRows, { id, rows: ROWS, seqLen });
  await expect(inspect.token(0)).toBeVisible();
  return { inspect, errors };
}

test('a million tokens: few elements in the DOM, exactly the right rows at any scroll', async ({
  page,
}) => {
  const { inspect, errors } = await openTokens(page, 'million', SEQ_LEN);
  await expect(page.getByTestId('inspect.tokenCount')).toContainText(
    '1,000,000 of 1,000,000 tokens',
  );

  const lineH = await inspect.tokenScroll
    .locator('.token-line')
    .first()
    .evaluate((l) => l.getBoundingClientRect().height);
  /** Rows of the lines that intersect [top, top + height): what a person sees there. */
  const expected = (top: number, height: number) => {
    const first = Math.floor(top / lineH);
    const last = Math.min(LINES, Math.ceil((top + height) / lineH));
    return Array.from({ length: (last - first) * PER_LINE }, (_, i) => first * PER_LINE + i);
  };
  /** Scrolls the box (or lets `act` scroll it) and checks what it shows against `expected`. */
  async function expectShown(act: () => Promise<unknown>, label: string) {
    await act();
    await expect
      .poll(
        async () => {
          const v = await inspect.tokensInView();
          return v.rows.join() === expected(v.scrollTop, v.clientHeight).join();
        },
        { message: `${label}: the rows in view` },
      )
      .toBe(true);
    const v = await inspect.tokensInView();
    expect(await inspect.tokens.count(), `${label}: token elements`).toBeLessThanOrEqual(
      MAX_ELEMENTS,
    );
    const texts = await inspect.tokens.evaluateAll((els) =>
      els.map((e) => [Number((e as HTMLElement).dataset.row), e.textContent] as const),
    );
    for (const [r, text] of texts) expect(text, `row ${r}`).toBe(tokenRow(r).token);
    console.log(
      `${label}: scrollTop ${v.scrollTop}, rows ${v.rows[0]}…${v.rows.at(-1)} in view, ` +
        `${texts.length} token elements`,
    );
    return v;
  }

  const top = await expectShown(async () => {}, 'top');
  expect(top.rows[0]).toBe(0);
  expect(top.scrollHeight, 'one line per 8 tokens of a 64-token sequence').toBe(LINES * lineH);

  // The middle: row 500 000 starts line 62 500; scrolled there it is the first row shown.
  const middle = await expectShown(
    () => inspect.tokenScroll.evaluate((el, y) => (el.scrollTop = y), (500_000 / PER_LINE) * lineH),
    'middle',
  );
  expect(middle.rows[0]).toBe(500_000);
  await expect(inspect.token(500_000)).toHaveText('t500000');

  // The end: the last row is shown, the first ones are gone from the DOM.
  const end = await expectShown(
    () => inspect.tokenScroll.evaluate((el) => (el.scrollTop = el.scrollHeight)),
    'end',
  );
  expect(end.rows.at(-1)).toBe(ROWS - 1);
  await expect(inspect.token(0)).toHaveCount(0);
  await expect(inspect.token(500_000)).toHaveCount(0);

  // A person's scroll: the mouse wheel over the view, upwards by ten lines.
  await inspect.tokenScroll.hover();
  const wheeled = await expectShown(() => page.mouse.wheel(0, -10 * lineH), 'wheel');
  expect(wheeled.scrollTop).toBeLessThan(end.scrollTop);

  // Clicking a token far down selects its row; hovering it tells its k̂, L0 and error.
  const r = ROWS - 10;
  await inspect.tokenScroll.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await inspect.token(r).click();
  await expect(inspect.token(r)).toHaveAttribute('aria-selected', 'true');
  const want = tokenRow(r);
  await expect(page.getByTestId('inspect.tokenStatus')).toHaveText(
    `t${r} — row ${r} · k̂ ${fmt(want.kHat)} · L0 ${want.l0} · error ${fmt(want.sqErr)}`,
  );
  await expect(page.getByTestId('inspect.row')).toContainText(`t${r}`);
  expect(await page.evaluate(() => window.__softsae!.state().inspect.row), 'the selected row').toBe(
    r,
  );

  // The keyboard from there (the click focused the view): End and Home cross the million rows
  // and scroll the token into view; PageDown moves by the box's lines less one, column kept.
  await expect(inspect.tokenScroll).toBeFocused();
  await page.keyboard.press('End');
  expect(await inspect.activeRow()).toBe(ROWS - 1);
  await page.keyboard.press('Home');
  expect(await inspect.activeRow()).toBe(0);
  const home = await expectShown(async () => {}, 'Home key');
  expect(home.scrollTop).toBe(0);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('PageDown');
  const pageLines =
    Math.floor(
      (await inspect.tokenScroll.evaluate((el) => (el as HTMLElement).offsetHeight)) / lineH,
    ) - 1;
  expect(await inspect.activeRow()).toBe(pageLines * PER_LINE + 1);
  await page.keyboard.press('Space');
  await expect(inspect.token(pageLines * PER_LINE + 1)).toHaveAttribute('aria-selected', 'true');
  expect(errors).toEqual([]);
});

test('a million one-token lines: taller than a browser lays out, scrolled stretched, every row reachable', async ({
  page,
}) => {
  // Sequences of one token: a line per row, 1 000 000 lines of 26 px = 26 million px.
  const { inspect, errors } = await openTokens(page, 'lines', 1);
  const lineH = await inspect.tokenScroll
    .locator('.token-line')
    .first()
    .evaluate((l) => l.getBoundingClientRect().height);
  const H = ROWS * lineH;
  const g = await inspect.tokensInView();
  const S = g.scrollHeight;
  const view = g.clientHeight;
  // The box is shorter than the content (under Firefox's ~17.9 million px cap); its scroll
  // range maps linearly onto the content's (the documented stretch, written out here).
  expect(S).toBeLessThan(17_000_000);
  expect(S).toBeLessThan(H);
  const contentTop = (s: number) => (s * (H - view)) / (S - view);

  const scrollTo = (y: number) => () =>
    inspect.tokenScroll.evaluate((el, t) => (el.scrollTop = t), y);
  const steps: [string, () => Promise<unknown>][] = [
    ['top', scrollTo(0)],
    ['a third', scrollTo(Math.round((S - view) / 3))],
    ['middle', scrollTo(Math.round((S - view) / 2))],
    // A person's wheel, ten lines' worth of pixels down from the middle.
    [
      'wheel',
      async () => {
        await inspect.tokenScroll.hover();
        await page.mouse.wheel(0, 10 * lineH);
      },
    ],
    ['end', scrollTo(S - view)],
  ];
  let previous = -1;
  for (const [label, act] of steps) {
    await act();
    // Wherever the box is now: contiguous rows from the line at the content offset of its
    // scrollTop (± a line for sub-pixel rounding) down to the line at its bottom.
    const rowsMatch = (v: Awaited<ReturnType<typeof inspect.tokensInView>>) => {
      const first = Math.floor(contentTop(v.scrollTop) / lineH);
      const last = Math.min(ROWS - 1, Math.floor((contentTop(v.scrollTop) + view - 1) / lineH));
      const contiguous = v.rows.every((r, i) => i === 0 || r === v.rows[i - 1] + 1);
      return contiguous && Math.abs(v.rows[0] - first) <= 1 && v.rows.at(-1)! >= last;
    };
    await expect
      .poll(async () => rowsMatch(await inspect.tokensInView()), {
        message: `${label}: rows in view`,
      })
      .toBe(true);
    const v = await inspect.tokensInView();
    const texts = await inspect.tokens.evaluateAll((els) =>
      els.map((e) => [Number((e as HTMLElement).dataset.row), e.textContent] as const),
    );
    for (const [r, text] of texts) expect(text, `row ${r}`).toBe(tokenRow(r).token);
    console.log(
      `stretched ${label}: scrollTop ${v.scrollTop} of ${S - view}, rows ${v.rows[0]}…${v.rows.at(-1)} in view`,
    );
    if (label === 'top') expect(v.rows[0]).toBe(0);
    if (label === 'wheel') expect(v.rows[0], 'the wheel moved down').toBeGreaterThan(previous);
    if (label === 'end') expect(v.rows.at(-1)).toBe(ROWS - 1);
    previous = v.rows[0];
  }

  // The keyboard crosses it too: Home, down three lines, End.
  await inspect.tokenScroll.focus();
  await page.keyboard.press('Home');
  expect(await inspect.activeRow()).toBe(0);
  await expect(inspect.token(0)).toBeInViewport();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  expect(await inspect.activeRow()).toBe(3);
  await page.keyboard.press('End');
  expect(await inspect.activeRow()).toBe(ROWS - 1);
  await expect(inspect.token(ROWS - 1)).toBeInViewport({ ratio: 1 });
  await page.keyboard.press('Enter');
  await expect(inspect.token(ROWS - 1)).toHaveAttribute('aria-selected', 'true');
  expect(errors).toEqual([]);
});
