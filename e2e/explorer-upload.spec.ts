// One's own data, end to end: a .npy of activations and a .jsonl of tokens written here in Node
// are chosen in the Data panel's file input, a small SoftSAE is trained from the Train form, and
// the two CSV exports of the Inspect panel are checked against this test's own data and a float64
// reference evaluation (e2e/inspect-reference.ts) of the model read back from the engine.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { createRng } from '../src/model/rng';
import {
  close,
  referenceEval,
  referenceFeatureStats,
  type Bounds,
  type PlainModel,
} from './inspect-reference';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { InspectPage, parseCsv } from './pages/inspect';
import { TrainPage } from './pages/TrainPage';

const ROWS = 1024;
const D = 16;
const SEQ_LEN = 32;
const SEQUENCES = ROWS / SEQ_LEN;
/** Directions the rows are sparse combinations of. */
const G = 24;
const CONFIG = {
  arch: 'softsae',
  dict_size: 48,
  k: 3,
  k_max: 12,
  soft_topk_alpha: 0.01,
  lr: 3e-3,
  batch_size: 64,
  steps: 150,
  warmup_steps: 15,
  hard_topk_steps: 20,
  dead_feature_threshold: 1e7,
  seed: 3,
};

/**
 * Rows x = offset + Σ c_g·u_g + noise over 1–4 random unit directions u_g (c in [0.5, 2]); each
 * row's token names its strongest direction, with a few tokens that need CSV quoting or are not
 * ASCII.
 */
function corpus() {
  const { uniform: rand } = createRng(20240607);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const dirs = Array.from({ length: G }, () => {
    const u = Array.from({ length: D }, gauss);
    const n = Math.hypot(...u);
    return u.map((v) => v / n);
  });
  const offset = Array.from({ length: D }, () => 0.3 * gauss());
  const x = new Float32Array(ROWS * D);
  const tokens: string[] = [];
  for (let r = 0; r < ROWS; r++) {
    const m = 1 + Math.floor(rand() * 4);
    const row = offset.map((o) => o + 0.02 * gauss());
    let best = -1;
    let bestC = 0;
    for (let i = 0; i < m; i++) {
      const g = Math.floor(rand() * G);
      const c = 0.5 + 1.5 * rand();
      for (let d = 0; d < D; d++) row[d] += c * dirs[g][d];
      if (c > bestC) [best, bestC] = [g, c];
    }
    x.set(row, r * D);
    tokens.push(
      r % 97 === 5
        ? 'a,b'
        : r % 89 === 7
          ? '"quoted"'
          : r % 83 === 11
            ? `naïve ü${best}`
            : `w${best}`,
    );
  }
  return { x, tokens };
}

/** A float32 C-order .npy, version 1.0, its header padded to 64 bytes (NumPy's format spec). */
function npyBytes(x: Float32Array, rows: number, width: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${width}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(x.buffer)]);
}

const within = (v: number, [lo, hi]: Bounds, tol: number) => v >= lo - tol && v <= hi + tol;

test('upload .npy + tokens → train → both CSV exports equal a float64 reference', async ({
  page,
}, info) => {
  test.setTimeout(420_000);
  const { x, tokens } = corpus();
  const npy = info.outputPath('activations.npy');
  const jsonl = info.outputPath('activations.tokens.jsonl');
  writeFileSync(npy, npyBytes(x, ROWS, D));
  writeFileSync(
    jsonl,
    tokens
      .map((token, r) => JSON.stringify({ token, doc: `s${Math.floor(r / SEQ_LEN)}` }))
      .join('\n') + '\n',
  );

  const app = new AppPage(page);
  const data = new DataPage(page);
  const train = new TrainPage(page);
  const inspect = new InspectPage(page);
  await app.open();
  await data.expectDemoReady();
  await data.load([jsonl, npy]);
  await data.settled();
  await expect(data.error).toHaveCount(0);
  await expect(data.summary('name')).toHaveText('activations.npy');
  expect(await data.summaryNumber('rows')).toBe(ROWS);
  expect(await data.summaryNumber('D')).toBe(D);
  expect(await data.summaryNumber('sequences')).toBe(SEQUENCES);
  await expect(data.summary('dtype')).toHaveText('f32');
  await expect(data.summary('nonFinite')).toHaveText('none');
  await expect(data.summary('tokens')).toContainText(
    `${ROWS.toLocaleString('en-US')} tokens from activations.tokens.jsonl`,
  );

  await app.expectGpuReady();
  await app.show('train');
  await expect(train.dataset).toContainText('activations');
  await train.configure(CONFIG);
  await train.start.click();
  await train.waitDone(400_000);
  await expect(train.step).toHaveText(`step ${CONFIG.steps} / ${CONFIG.steps}`);

  await app.show('inspect');
  await expect(page.getByTestId('inspect.summary')).toContainText(
    `${ROWS.toLocaleString('en-US')} inputs`,
  );
  const rows = parseCsv(await inspect.downloadText('inspect.exportRows'));
  expect(rows[0]).toEqual(['row', 'token', 'k_hat', 'l0', 'sq_err']);
  expect(rows).toHaveLength(ROWS + 1);
  const csv = rows.slice(1);
  expect(csv.map((r) => Number(r[0]))).toEqual([...Array(ROWS).keys()]);
  expect(
    csv.map((r) => r[1]),
    'tokens as uploaded',
  ).toEqual(tokens);

  // The model the engine kept, evaluated in float64 in Node on the rows written above.
  await inspect.waitForHook();
  const runId = await page.evaluate(() => window.__softsae!.state().inspect.runId!);
  const model: PlainModel = await page.evaluate(async (id) => {
    const m = await window.__softsae!.queryModel(id);
    const tensors = Object.fromEntries(Object.entries(m.tensors).map(([k, v]) => [k, [...v]]));
    return { ...m, shift: [...m.shift], tensors };
  }, runId);
  expect([model.arch, model.D, model.F]).toEqual(['softsae', D, CONFIG.dict_size]);
  const ref = referenceEval(model, x, ROWS);
  const ambiguous = ref.ambiguous.reduce((a, b) => a + b, 0);
  const meanL0 = ref.l0.reduce((a, b) => a + b, 0) / ROWS;
  console.log(
    `reference: FVU ${ref.fvu.toFixed(4)}, mean L0 ${meanL0.toFixed(2)}, ` +
      `${ambiguous} rows with a float32-ambiguous kept set`,
  );
  expect(ref.fvu, 'the SAE learned something').toBeLessThan(0.5);
  expect(ambiguous, 'few rows sit on a rounding boundary').toBeLessThanOrEqual(ROWS * 0.01);
  const bad: string[] = [];
  csv.forEach(([, , kHat, l0, sqErr], r) => {
    if (!close(Number(kHat), ref.kHat![r], 1e-4, 1e-4))
      bad.push(`row ${r}: k̂ ${kHat} vs ${ref.kHat![r]}`);
    if (ref.ambiguous[r]) return;
    if (Number(l0) !== ref.l0[r]) bad.push(`row ${r}: L0 ${l0} vs ${ref.l0[r]}`);
    if (!close(Number(sqErr), ref.sqErr[r], 1e-5, 1e-3))
      bad.push(`row ${r}: sq_err ${sqErr} vs ${ref.sqErr[r]}`);
  });
  expect(bad.slice(0, 10), `${bad.length} row mismatches`).toEqual([]);

  // The feature table: count, frequency, mean (over the rows where it fires) and max.
  const features = parseCsv(await inspect.downloadText('inspect.exportFeatures'));
  expect(features[0]).toEqual(['feature', 'count', 'frequency', 'mean', 'max', 'label', 'note']);
  expect(features).toHaveLength(CONFIG.dict_size + 1);
  const want = referenceFeatureStats(ref, CONFIG.dict_size);
  const featureBad: string[] = [];
  let firing = 0;
  features.slice(1).forEach((f, j) => {
    const [feature, count, frequency, mean, max] = f.map(Number);
    if (count > 0) firing++;
    const sum = mean * count;
    if (feature !== j) featureBad.push(`line ${j + 1}: feature ${feature}`);
    if (!within(count, want.count[j], 0))
      featureBad.push(`feature ${j}: count ${count} vs ${want.count[j]}`);
    if (frequency !== count / ROWS) featureBad.push(`feature ${j}: frequency ${frequency}`);
    if (!within(sum, want.sum[j], 1e-5 + 1e-4 * want.sum[j][1]))
      featureBad.push(`feature ${j}: mean·count ${sum} vs Σf ${want.sum[j]}`);
    if (!within(max, want.max[j], 1e-5 + 1e-4 * want.max[j][1]))
      featureBad.push(`feature ${j}: max ${max} vs ${want.max[j]}`);
  });
  console.log(`feature table: ${firing} of ${CONFIG.dict_size} features fire`);
  expect(featureBad.slice(0, 10), `${featureBad.length} feature mismatches`).toEqual([]);
  expect(firing).toBeGreaterThan(1);
  expect(app.pageErrors).toEqual([]);
});
