// The prompt view (Inspect) and feature matching across runs (Compare), through the UI only:
// train a TopK on the built-in quick corpus from the Train form; search the token text, select
// the matches, and read the ranked features and the contrast of two selections off the tables;
// then match the run against itself and against a permuted copy loaded as an SAE file.
// Expected values come from outside the code under test: the corpus generated here in Node, the
// matches found here by plain string search, and float64 codes of the model read back from the
// engine (e2e/inspect-reference.ts), summed here over the selected rows.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { quickDataset, QUICK_OPTIONS } from '../src/data/demo';
import { writeModel } from '../src/io/sae/modelFile';
import type { ParamName } from '../src/model/params';
import { createRng } from '../src/model/rng';
import { referenceEval, type PlainModel, type ReferenceEval } from './inspect-reference';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { InspectPage } from './pages/inspect';
import { TrainPage } from './pages/TrainPage';

test.describe.configure({ mode: 'serial' });

const ROWS = QUICK_OPTIONS.sequences * QUICK_OPTIONS.sequenceLength;
const F = 64;
const quick = quickDataset();

let page: Page;
let app: AppPage;
let runId: string;
let model: PlainModel;
let ref: ReferenceEval;

/** Rows covered by the non-overlapping occurrences of `needle` in each sequence's text. */
function substringRows(needle: string): number[] {
  const rows = new Set<number>();
  for (let s = 0; s < ROWS;) {
    let e = s;
    while (e < ROWS && quick.sequenceOfRow[e] === quick.sequenceOfRow[s]) e++;
    const owner: number[] = [];
    let text = '';
    for (let r = s; r < e; r++) {
      text += quick.tokens[r];
      for (let c = 0; c < quick.tokens[r].length; c++) owner.push(r);
    }
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length))
      for (let c = at; c < at + needle.length; c++) rows.add(owner[c]);
    s = e;
  }
  return [...rows].sort((a, b) => a - b);
}

/** count and Σ f_j over `rows` per feature, from the float64 codes. */
function refStats(rows: number[]) {
  const count = new Float64Array(F);
  const total = new Float64Array(F);
  for (const r of rows)
    for (const [j, v] of ref.codes[r]) {
      count[j]++;
      total[j] += v;
    }
  return { count, total };
}

/** Rows of a table: [feature, attribute values…]. */
async function tableRows(testId: string, attrs: string[]) {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll(
      (trs, names) => trs.map((tr) => names.map((n) => Number(tr.getAttribute(n)))),
      attrs,
    );
}

async function search(query: string, mode: 'substring' | 'token' | 'regex') {
  await page.getByTestId('prompt.mode').selectOption(mode);
  await page.getByTestId('prompt.query').fill(query);
  await page.getByTestId('prompt.search').click();
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  app = new AppPage(page);
  await app.open();
  const data = new DataPage(page);
  await data.expectDemoReady();
  await data.select('Quick');
  await app.expectGpuReady();
  // Only to read the kept model back for the float64 reference.
  await new InspectPage(page).waitForHook();
});
test.afterAll(() => page.close());

test('a TopK trained from the form is evaluated', async () => {
  test.setTimeout(420_000);
  await app.show('train');
  const train = new TrainPage(page);
  await train.configure({
    arch: 'topk',
    dict_size: F,
    k: 4,
    lr: 3e-3,
    steps: 150,
    batch_size: 128,
    warmup_steps: 10,
    dead_feature_threshold: 1e7,
    seed: 3,
  });
  await train.start.click();
  await expect(train.state).toHaveText('done', { timeout: 400_000 });
  await app.show('inspect');
  await expect(page.getByTestId('inspect.summary')).toContainText('2,048 inputs');
  runId = await page.evaluate(() => window.__softsae!.state().inspect.runId!);
  model = await page.evaluate(async (id) => {
    const m = await window.__softsae!.queryModel(id);
    const tensors = Object.fromEntries(Object.entries(m.tensors).map(([k, v]) => [k, [...v]]));
    return { ...m, shift: [...m.shift], tensors };
  }, runId);
  ref = referenceEval(model, quick.x, ROWS);
});

test('search → select all matches → the features ranked by total equal float64', async () => {
  await search('dog', 'substring');
  const want = substringRows('dog');
  await expect(page.getByTestId('prompt.status')).toContainText(/^\d/);
  await page.getByTestId('prompt.selectAll').click();
  await expect(page.getByTestId('prompt.selected')).toHaveAttribute('data-rows', `${want.length}`);
  const ambiguous = want.filter((r) => ref.ambiguous[r]);
  expect(ambiguous, 'selected rows whose kept set float32 may change').toEqual([]);
  const { count, total } = refStats(want);
  const order = [...Array(F).keys()]
    .filter((j) => count[j] > 0)
    .sort((a, b) => total[b] - total[a] || a - b);
  // The top 5 must be separated by more than float32 rounding for an exact order to mean much.
  for (let i = 0; i < 5; i++)
    expect(total[order[i]] - total[order[i + 1]]).toBeGreaterThan(1e-3 * total[order[i]]);
  await expect(page.getByTestId('prompt.features').locator('tbody tr').first()).toBeVisible();
  const got = (await tableRows('prompt.features', ['data-feature', 'data-count'])).slice(0, 5);
  const totals = await page
    .getByTestId('prompt.features')
    .locator('tbody tr td[data-value]:nth-child(3)')
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
  console.log(`"dog": ${want.length} rows; top 5 (feature, count, total):`);
  for (let i = 0; i < 5; i++) {
    const j = order[i];
    console.log(`  ${j} ${count[j]} ${total[j].toFixed(6)} | ui ${got[i]} ${totals[i].toFixed(6)}`);
  }
  expect(got).toEqual(order.slice(0, 5).map((j) => [j, count[j]]));
  totals.slice(0, 5).forEach((t, i) => expect(Math.abs(t - total[order[i]])).toBeLessThan(1e-4));
});

test('contrast A ("dog") against B ("cat"): top-5 by Δ frequency and their counts', async () => {
  await page.getByTestId('prompt.setA').click();
  await page.getByTestId('prompt.clear').click();
  await expect(page.getByTestId('prompt.selected')).toHaveAttribute('data-rows', '0');
  await search('cat', 'substring');
  const B = substringRows('cat');
  await expect(page.getByTestId('prompt.status')).toContainText(/^\d/);
  await page.getByTestId('prompt.selectAll').click();
  await expect(page.getByTestId('prompt.selected')).toHaveAttribute('data-rows', `${B.length}`);
  await page.getByTestId('prompt.setB').click();
  const A = substringRows('dog');
  expect(B.filter((r) => ref.ambiguous[r])).toEqual([]);
  const a = refStats(A);
  const b = refStats(B);
  const dFreq = (j: number) => a.count[j] / A.length - b.count[j] / B.length;
  const features = [...Array(F).keys()].filter((j) => a.count[j] + b.count[j] > 0);
  const moreA = features.filter((j) => dFreq(j) > 0).sort((x, y) => dFreq(y) - dFreq(x) || x - y);
  const moreB = features.filter((j) => dFreq(j) < 0).sort((x, y) => dFreq(x) - dFreq(y) || x - y);
  const rows = (js: number[]) => js.slice(0, 5).map((j) => [j, a.count[j], b.count[j]]);
  await expect(page.getByTestId('prompt.moreInA').locator('tbody tr').first()).toBeVisible();
  const attrs = ['data-feature', 'data-count-a', 'data-count-b'];
  const gotA = (await tableRows('prompt.moreInA', attrs)).slice(0, 5);
  const gotB = (await tableRows('prompt.moreInB', attrs)).slice(0, 5);
  console.log(`A ${A.length} rows, B ${B.length} rows; more in A (feature, count A, count B):`);
  console.log(`  ref ${JSON.stringify(rows(moreA))}\n  ui  ${JSON.stringify(gotA)}`);
  console.log(`more in B: ref ${JSON.stringify(rows(moreB))}\n  ui  ${JSON.stringify(gotB)}`);
  expect(gotA).toEqual(rows(moreA));
  expect(gotB).toEqual(rows(moreB));
});

test('a catastrophic regular expression is stopped at the time cap; the next search works', async () => {
  await search('(\\w+\\+?)+#', 'regex');
  await expect(page.getByTestId('prompt.error')).toContainText('was stopped', { timeout: 20_000 });
  await search('.', 'token');
  const fullStops = quick.tokens.filter((t) => t === '.').length;
  await expect(page.getByTestId('prompt.status')).toContainText(`${fullStops} matches`);
});

async function matchRuns(a: string, b: string) {
  await app.show('compare');
  await page.getByTestId('compare.matchA').selectOption(a);
  await page.getByTestId('compare.matchB').selectOption(b);
  await page.getByTestId('compare.matchRun').click();
  await expect(page.getByTestId('compare.matchTable').locator('tbody tr')).toHaveCount(F, {
    timeout: 60_000,
  });
  return tableRows('compare.matchTable', ['data-feature', 'data-partner', 'data-cosine']);
}

test('Compare: a run matched with itself pairs every feature with itself at cosine 1', async () => {
  const rows = await matchRuns(runId, runId);
  // A feature's own atom has cosine 1; another atom can tie only if it is parallel (none is).
  expect(rows.map((r) => r[1])).toEqual([...Array(F).keys()]);
  for (const r of rows) expect(Math.abs(r[2] - 1)).toBeLessThan(1e-6);
  await expect(page.getByTestId('compare.meanAB')).toHaveText('1');
  await expect(page.getByTestId('compare.meanBA')).toHaveText('1');
  const bars = page.getByTestId('compare.matchHist').locator('rect.bar[data-series="a"]');
  expect(await bars.last().getAttribute('data-count')).toBe(`${F}`);
});

test('Compare: a permuted copy loaded as an SAE file is matched back to the permutation', async () => {
  const rng = createRng(99);
  const perm = [...Array(F).keys()];
  for (let i = F - 1; i > 0; i--) {
    const k = Math.floor(rng.uniform() * (i + 1));
    [perm[i], perm[k]] = [perm[k], perm[i]];
  }
  // Feature perm[j] of the copy is feature j of the run: encoder rows, biases, decoder columns.
  const D = model.D;
  const t = model.tensors;
  const tensors: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(t)) tensors[name] = Float32Array.from(v);
  for (let j = 0; j < F; j++) {
    const p = perm[j];
    tensors['encoder.bias'][p] = t['encoder.bias'][j];
    for (let d = 0; d < D; d++) {
      tensors['encoder.weight'][p * D + d] = t['encoder.weight'][j * D + d];
      tensors['decoder.weight'][d * F + p] = t['decoder.weight'][d * F + j];
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'permuted-sae-'));
  const file = join(dir, 'model.safetensors');
  writeFileSync(
    file,
    writeModel({
      arch: 'topk',
      D,
      F,
      k: model.k,
      kMax: model.kMax,
      alpha: model.alpha,
      normFactor: model.normFactor,
      shift: Float32Array.from(model.shift),
      tensors: tensors as Record<ParamName, Float32Array>,
    }),
  );
  await app.show('inspect');
  const inspect = new InspectPage(page);
  await inspect.importSae.setInputFiles([file]);
  await expect(inspect.run.locator('option')).toHaveCount(2, { timeout: 120_000 });
  const copy = await page.evaluate(() => window.__softsae!.state().inspect.runId!);
  expect(copy).not.toBe(runId);
  const rows = await matchRuns(runId, copy);
  expect(rows.map((r) => r[1])).toEqual(perm);
  for (const r of rows) expect(Math.abs(r[2] - 1)).toBeLessThan(1e-6);
  // A feature link opens that run's feature page in Inspect.
  await page
    .getByTestId('compare.matchTable')
    .locator('tbody tr')
    .nth(3)
    .locator('td button')
    .click();
  await expect(page.getByTestId('inspect.run')).toHaveValue(copy);
  await expect(page.getByTestId('inspect.feature')).toContainText(`${perm[3]}`);
});
