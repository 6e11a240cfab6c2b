// Inspect and Compare as a person uses them, on real Chromium WebGPU: pick the built-in quick demo
// in the Data panel, set up a SoftSAE in the Train form and start it (200 steps), inspect it
// (histograms, a clicked token's features), export it, then train a TopK from the same form
// (paused once and evaluated mid-way) and compare. Expected values come from outside the code under test: the corpus generated here
// in Node, a float64 reference forward pass of the model read back from the engine
// (e2e/inspect-reference.ts), and the exported CSVs read with this test's own parser.
import { expect, test, type Page } from '@playwright/test';
import { quickDataset, QUICK_OPTIONS } from '../src/data/demo';
import type { TrainConfigInput } from '../src/model/config';
import { close, referenceEval, type PlainModel, type ReferenceEval } from './inspect-reference';
import { AppPage } from './pages/AppPage';
import { ComparePage } from './pages/compare';
import { DataPage } from './pages/DataPage';
import { InspectPage, parseCsv } from './pages/inspect';
import { TrainPage } from './pages/TrainPage';

test.describe.configure({ mode: 'serial' });

const ROWS = QUICK_OPTIONS.sequences * QUICK_OPTIONS.sequenceLength;
const STEPS = 200;
const quick = quickDataset();
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
/** A small SoftSAE for the quick corpus (D = 16, 2048 rows), trained through the engine. */
const QUICK_CONFIG: TrainConfigInput = {
  arch: 'softsae',
  dict_size: 96,
  k: 4,
  k_max: 16,
  soft_topk_alpha: 0.01,
  lr: 3e-3,
  steps: STEPS,
  batch_size: 128,
  warmup_steps: 20,
  hard_topk_steps: 30,
  dead_feature_threshold: 1e7,
  seed: 1,
};
const tab = (name: string) => page.getByRole('tab', { name, exact: true }).click();

let page: Page;
let app: AppPage;
let train: TrainPage;
let inspect: InspectPage;
let softRun: string;
let ref: ReferenceEval;
let csv: { token: string; kHat: number; l0: number; sqErr: number }[];

async function currentRunId(): Promise<string> {
  return page.evaluate(() => window.__softsae!.state().inspect.runId!);
}

async function readModel(runId: string): Promise<PlainModel> {
  return page.evaluate(async (id) => {
    const m = await window.__softsae!.queryModel(id);
    const tensors = Object.fromEntries(Object.entries(m.tensors).map(([k, v]) => [k, [...v]]));
    return { ...m, shift: [...m.shift], tensors };
  }, runId);
}

async function rowCsv() {
  const rows = parseCsv(await inspect.downloadText('inspect.exportRows'));
  expect(rows[0]).toEqual(['row', 'token', 'k_hat', 'l0', 'sq_err']);
  expect(rows, 'one line per input plus the header').toHaveLength(ROWS + 1);
  return rows.slice(1).map((r, i) => {
    expect(Number(r[0])).toBe(i);
    return {
      token: r[1],
      kHat: r[2] === '' ? NaN : Number(r[2]),
      l0: Number(r[3]),
      sqErr: Number(r[4]),
    };
  });
}

/** In the Train tab: the form set to `config` (architecture included), then Start. */
async function startFromForm(config: TrainConfigInput) {
  await app.show('train');
  await expect(train.dataset).toContainText('Quick');
  await train.configure(config);
  await train.start.click();
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  app = new AppPage(page);
  train = new TrainPage(page);
  inspect = new InspectPage(page);
  await app.open();
  // The Data panel lists the built-in corpora; a person picks the quick one (2048 × 16, tokens).
  const data = new DataPage(page);
  await data.expectDemoReady();
  await data.select('Quick');
  expect(await data.summaryNumber('rows')).toBe(ROWS);
  expect(await data.summaryNumber('D')).toBe(QUICK_OPTIONS.D);
  await app.expectGpuReady();
  // Only to read the kept model back for the float64 reference (the independent check).
  await inspect.waitForHook();
});
test.afterAll(() => page.close());

test('a trained SoftSAE is evaluated on every input: histograms count all 2048', async () => {
  test.setTimeout(420_000);
  await startFromForm(QUICK_CONFIG);
  await expect(train.state).toHaveText(/starting|running/);
  await expect(train.state).toHaveText('done', { timeout: 400_000 });
  await expect(train.step).toHaveText(`step ${STEPS} / ${STEPS}`);
  await tab('Inspect');
  await expect(page.getByTestId('inspect.summary')).toContainText('2,048 inputs');
  softRun = await currentRunId();
  for (const chart of ['inspect.l0Hist', 'inspect.kHatHist', 'inspect.errHist']) {
    await expect(page.getByTestId(chart).locator('rect.bar').first()).toBeAttached();
    const counts = await inspect.barCounts(chart);
    expect(counts.length, `${chart} has bars`).toBeGreaterThan(1);
    expect(sum(counts), `${chart} counts every input once`).toBe(ROWS);
  }
  // The feature-density histogram holds every feature once: in a bar or in the dead band.
  const density = page.getByTestId('inspect.densityHist');
  await expect(density.locator('rect.bar').first()).toBeAttached();
  const dead = Number(await density.locator('.band-dead').getAttribute('data-count'));
  expect(sum(await inspect.barCounts('inspect.densityHist')) + dead).toBe(QUICK_CONFIG.dict_size);
  // The quality metrics are shown; a trained run gets no import warning.
  await expect(page.getByTestId('inspect.quality.ev')).toHaveText(/^-?\d/);
  await expect(page.getByTestId('inspect.warning')).toHaveCount(0);
});

test('the per-row CSV equals a float64 reference of the kept model', async () => {
  csv = await rowCsv();
  expect(csv.map((r) => r.token)).toEqual(quick.tokens);
  ref = referenceEval(await readModel(softRun), quick.x, ROWS);
  const ambiguous = ref.ambiguous.reduce((a, b) => a + b, 0);
  console.log(
    `reference: FVU ${ref.fvu.toFixed(5)}, ${ambiguous} rows with a float32-ambiguous kept set`,
  );
  expect(ambiguous, 'few rows sit on a rounding boundary').toBeLessThanOrEqual(ROWS * 0.01);
  const bad: string[] = [];
  for (let r = 0; r < ROWS; r++) {
    if (!close(csv[r].kHat, ref.kHat![r], 1e-4, 1e-4))
      bad.push(`row ${r}: k̂ ${csv[r].kHat} vs ${ref.kHat![r]}`);
    if (ref.ambiguous[r]) continue;
    if (csv[r].l0 !== ref.l0[r]) bad.push(`row ${r}: L0 ${csv[r].l0} vs ${ref.l0[r]}`);
    if (!close(csv[r].sqErr, ref.sqErr[r], 1e-5, 1e-3))
      bad.push(`row ${r}: sq_err ${csv[r].sqErr} vs ${ref.sqErr[r]}`);
  }
  expect(bad.slice(0, 10), `${bad.length} mismatches`).toEqual([]);
  // The L0 histogram's bars are the counts of each L0 value in the CSV.
  const byL0: number[] = [];
  for (const r of csv) byL0[r.l0] = (byL0[r.l0] ?? 0) + 1;
  expect(await inspect.barCounts('inspect.l0Hist')).toEqual(Array.from(byL0, (c) => c ?? 0));
  const fvu = await page.evaluate(
    (id) => window.__softsae!.state().runs.find((r) => r.runId === id)!.fvu,
    softRun,
  );
  expect(close(fvu, ref.fvu, 1e-6, 1e-3), `FVU ${fvu} vs reference ${ref.fvu}`).toBe(true);
});

test('a clicked token lists its features, largest first, as many as its L0', async () => {
  const rows = [...Array(100).keys()].filter((r) => !ref.ambiguous[r] && csv[r].l0 >= 2);
  expect(rows.length).toBeGreaterThan(1);
  const [r1, r2] = rows;
  await inspect.token(r1).click();
  await expect(inspect.rowFeatures).toHaveCount(csv[r1].l0);
  const listed = await inspect.listedFeatures();
  const values = listed.map(([, v]) => v);
  expect(values, 'sorted descending').toEqual([...values].sort((a, b) => b - a));
  const expected = [...ref.codes[r1]].sort((a, b) => b[1] - a[1]);
  expect(listed.map(([j]) => j)).toEqual(expected.map(([j]) => j));
  listed.forEach(([, v], i) => expect(close(v, expected[i][1], 1e-5, 1e-3)).toBe(true));
  // Keyboard: the click left the view focused on r1; the right arrow walks to r2, Enter selects.
  await expect(inspect.tokenScroll).toBeFocused();
  for (let r = r1; r < r2; r++) await page.keyboard.press('ArrowRight');
  expect(await inspect.activeRow()).toBe(r2);
  await page.keyboard.press('Enter');
  await expect(inspect.token(r2)).toHaveAttribute('aria-selected', 'true');
  await expect(inspect.rowFeatures).toHaveCount(csv[r2].l0);
});

test('brushing the error scatter filters the token view to the rows inside', async () => {
  await inspect.brushScatter([0.2, 0.3], [0.7, 0.95]);
  const brush = await page.evaluate(() => window.__softsae!.state().inspect.brush);
  expect(brush).not.toBeNull();
  const inside = csv.filter(
    (r) =>
      r.kHat >= brush!.x[0] &&
      r.kHat <= brush!.x[1] &&
      r.sqErr >= brush!.y[0] &&
      r.sqErr <= brush!.y[1],
  ).length;
  console.log(
    `brushed k̂ ${brush!.x.map((v) => v.toFixed(3))}, error ${brush!.y.map((v) => v.toFixed(4))}: ${inside} rows`,
  );
  await expect(page.getByTestId('inspect.tokenCount')).toContainText(
    `${inside.toLocaleString('en-US')} of 2,048 tokens in the brushed range`,
  );
  for (const t of await inspect.tokens.evaluateAll((els) =>
    els.map((e) => Number(e.dataset.row)),
  )) {
    expect(csv[t].kHat).toBeGreaterThanOrEqual(brush!.x[0]);
    expect(csv[t].sqErr).toBeLessThanOrEqual(brush!.y[1]);
  }
  await page.getByTestId('inspect.brush.clear').click();
  await expect(page.getByTestId('inspect.tokenCount')).toContainText('2,048 of 2,048 tokens');
});

test('the feature table sorts and searches; a feature page shows top tokens and neighbours', async () => {
  const features = parseCsv(await inspect.downloadText('inspect.exportFeatures'))
    .slice(1)
    .map((r) => r.map(Number));
  expect(features).toHaveLength(Number(QUICK_CONFIG.dict_size));
  // Every nonzero code is counted once per feature: Σ counts = Σ L0.
  expect(sum(features.map((f) => f[1]))).toBe(sum(csv.map((r) => r.l0)));
  const counts = await page
    .getByTestId('inspect.featureRow')
    .evaluateAll((trs) => trs.map((tr) => Number(tr.children[1].textContent)));
  expect(counts, 'sorted by count, descending').toEqual([...counts].sort((a, b) => b - a));
  expect(counts[0]).toBe(Math.max(...features.map((f) => f[1])));
  await page.getByTestId('inspect.sort.count').click();
  const ascending = await page
    .getByTestId('inspect.featureRow')
    .first()
    .evaluate((tr) => Number(tr.children[1].textContent));
  expect(ascending).toBe(Math.min(...features.map((f) => f[1])));
  await page.getByTestId('inspect.featureSearch').fill('5');
  await expect(inspect.featureRows).toHaveCount(1);
  await expect(inspect.featureRows.first()).toHaveAttribute('data-feature', '5');
  await page.getByTestId('inspect.featureSearch').fill('');

  const j = features.reduce((best, f) => (f[1] > features[best][1] ? f[0] : best), 0);
  await page.getByTestId('inspect.featureSearch').fill(String(j));
  await inspect.featureRows.first().getByRole('button').click();
  await expect(inspect.feature).toHaveAttribute('data-feature', String(j));
  await expect(page.getByTestId('inspect.featureStats')).toContainText(
    `${features[j][1]} of 2048 inputs`,
  );
  const top = page.getByTestId('inspect.topTokens').locator('li');
  await expect(top.first()).toBeVisible();
  const topRow = Number(await top.first().getAttribute('data-row'));
  const topValue = Number(await top.first().locator('.value').textContent());
  expect(
    close(topValue, ref.featureMax[j], 1e-3, 1e-3),
    `top ${topValue} vs max ${ref.featureMax[j]}`,
  ).toBe(true);
  await expect(top.first().locator('mark')).toHaveText(quick.tokens[topRow]);
  // ±5 tokens of context, clipped to the row's sequence (64 tokens each).
  const s0 = Math.floor(topRow / QUICK_OPTIONS.sequenceLength) * QUICK_OPTIONS.sequenceLength;
  const context =
    Math.min(topRow + 5, s0 + QUICK_OPTIONS.sequenceLength - 1) - Math.max(topRow - 5, s0);
  await expect(top.first().locator('.ctx')).toHaveCount(context);

  const neighbours = page.getByTestId('inspect.neighbors').locator('li');
  await expect(neighbours).toHaveCount(8);
  const cos = await neighbours.evaluateAll((els) => els.map((e) => Number(e.dataset.cosine)));
  expect(cos).toEqual([...cos].sort((a, b) => b - a));
  const model = await readModel(softRun);
  const { D, F } = model;
  const dec = model.tensors['decoder.weight'];
  const col = (i: number) => Array.from({ length: D }, (_, d) => dec[d * F + i]);
  const cosine = (a: number[], b: number[]) =>
    sum(a.map((v, i) => v * b[i])) / Math.sqrt(sum(a.map((v) => v * v)) * sum(b.map((v) => v * v)));
  const best = [...Array(F).keys()].filter((i) => i !== j).map((i) => cosine(col(i), col(j)));
  expect(cos[0]).toBeCloseTo(Math.max(...best), 5);
});

test('charts export as SVG and PNG', async () => {
  const svg = (await inspect.download('inspect.l0Hist.svg')).bytes.toString('utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  const counts = [...svg.matchAll(/data-count="(\d+)"/g)].map((m) => Number(m[1]));
  expect(sum(counts)).toBe(ROWS);
  const png = (await inspect.download('inspect.l0Hist.png')).bytes;
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  // IHDR: width and height (big-endian) at bytes 16 and 20: the 360 × 200 chart at scale 2.
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([720, 400]);
});

test('a TopK run, evaluated once while paused, is compared with the SoftSAE on one chart', async () => {
  test.setTimeout(420_000);
  await startFromForm({ ...QUICK_CONFIG, arch: 'topk' });
  await expect(page.getByTestId('train.state')).toHaveText('running', { timeout: 60_000 });
  await page.getByTestId('train.pause').click();
  await expect(page.getByTestId('train.state')).toHaveText('paused');
  await tab('Inspect');
  await page.getByTestId('inspect.evalNow').click();
  await expect(page.getByTestId('inspect.run')).toContainText('TopK', { timeout: 120_000 });
  await expect(page.getByTestId('inspect.run').locator('option').nth(1)).toContainText(
    'paused at step',
  );
  await tab('Train');
  await page.getByTestId('train.resume').click();
  await expect(page.getByTestId('train.state')).toHaveText('done', { timeout: 400_000 });
  await tab('Inspect');
  await expect(page.getByTestId('inspect.run').locator('option').nth(1)).not.toContainText(
    'paused',
  );
  const topRun = await currentRunId();
  expect(topRun).not.toBe(softRun);
  await expect(page.getByTestId('inspect.summary')).toContainText('2,048 inputs');
  const topCsv = await rowCsv();
  const topRef = referenceEval(await readModel(topRun), quick.x, ROWS);
  // TopK has no k̂ (empty cells); its per-row L0 and error match the reference too.
  expect(topCsv.every((r) => Number.isNaN(r.kHat))).toBe(true);
  const topBad = topCsv.flatMap((r, i) =>
    topRef.ambiguous[i] || (r.l0 === topRef.l0[i] && close(r.sqErr, topRef.sqErr[i], 1e-5, 1e-3))
      ? []
      : [`row ${i}: L0 ${r.l0} vs ${topRef.l0[i]}, sq_err ${r.sqErr} vs ${topRef.sqErr[i]}`],
  );
  expect(topBad.slice(0, 10), `${topBad.length} TopK mismatches`).toEqual([]);

  await tab('Compare');
  const compare = new ComparePage(page);
  await expect(compare.marks).toHaveCount(2);
  const marks = await compare.markData();
  expect(marks.map((m) => [m.run, m.arch])).toEqual([
    [softRun, 'softsae'],
    [topRun, 'topk'],
  ]);
  // Positions from the CSVs' mean L0 and the reference FVUs, on zero-based axes reaching 1.1×
  // the largest value: plot 480 − 48 − 140 = 292 wide, 280 − 12 − 36 = 232 high.
  const meanL0 = [csv, topCsv].map((c) => sum(c.map((r) => r.l0)) / ROWS);
  const fvus = [ref.fvu, topRef.fvu];
  const xMax = 1.1 * Math.max(...meanL0);
  const yMax = 1.1 * Math.max(...fvus);
  marks.forEach((m, i) => {
    expect(m.x).toBeCloseTo((meanL0[i] / xMax) * 292, 6);
    expect(Math.abs(m.y - (232 - (fvus[i] / yMax) * 232))).toBeLessThan(232 * 2e-3);
  });
  expect(marks[0].label).toContain('SoftSAE');
  expect(marks[1].label).toContain('TopK');
  const hists = await compare.l0Counts();
  expect(hists).toHaveLength(2);
  for (const h of hists) expect(sum(h)).toBe(ROWS);
});
