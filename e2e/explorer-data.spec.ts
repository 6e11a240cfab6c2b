// Loading one's own files in the explorer: real files set on the real file input, read by the
// ingestion worker, their rows handed to the engine. Expected numbers come from NumPy's decoded
// rows beside each fixture (scripts/make-e2e-ingest-fixtures.py) or from data written here.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { writeSafetensors } from '../src/io/safetensors-write';
import { ingestFixture, ioFixture, writeLargeNpy } from './ingest/expected';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

/** NumPy's float32 rows of a fixture. */
function numpyRows(name: string): Float32Array {
  const b = readFileSync(ingestFixture(`${name}.f32.bin`));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** sqrt(mean ‖x‖²), min and max over the rows whose values are all finite. */
function reference(x: Float32Array, D: number) {
  let sumSq = 0;
  let rows = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let o = 0; o < x.length; o += D) {
    const row = x.subarray(o, o + D);
    if (!row.every(Number.isFinite)) continue;
    rows++;
    for (const v of row) {
      sumSq += v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return { rows, normFactor: Math.sqrt(sumSq / rows), min, max };
}

/** The summary shows 4 significant digits. */
function expectShown(shown: number, want: number) {
  expect(Math.abs(shown - want), `${shown} vs ${want}`).toBeLessThanOrEqual(Math.abs(want) * 6e-4);
}

async function openReady(page: Page) {
  const app = new AppPage(page);
  const data = new DataPage(page);
  await app.open();
  await data.expectDemoReady();
  return { app, data };
}

/** The demo is still the active dataset, unchanged. */
async function expectDemoStillActive(data: DataPage) {
  await expect(data.summary('name')).toContainText('Demo');
  expect(await data.summaryNumber('rows')).toBe(16384);
  expect(await data.summaryNumber('D')).toBe(64);
}

test('shards with tokens: summary shows their rows, width and statistics; it trains', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const { app, data } = await openReady(page);
  const shards = ['shard_000.npy', 'shard_001.npy', 'shard_002.npy'].map(ingestFixture);
  // Picked out of order: shards are concatenated in name order.
  await data.load([shards[2], ingestFixture('shards.tokens.jsonl'), shards[0], shards[1]]);
  await data.settled();
  await expect(data.error).toHaveCount(0);

  const want = reference(numpyRows('shards'), 24);
  expect(await data.summaryNumber('rows')).toBe(300 + 200 + 157);
  expect(await data.summaryNumber('D')).toBe(24);
  await expect(data.summary('dtype')).toHaveText('f32, f16');
  expectShown(await data.summaryNumber('normFactor'), want.normFactor);
  const [min, max] = (await data.summary('range').textContent())!.split(' / ').map(Number);
  expectShown(min, want.min);
  expectShown(max, want.max);
  await expect(data.summary('nonFinite')).toHaveText('none');
  await expect(data.summary('tokens')).toContainText('657 tokens from shards.tokens.jsonl');
  // The .jsonl has 5 documents (doc0…doc4).
  expect(await data.summaryNumber('sequences')).toBe(5);
  // Tokens are shown literally: '<b>' is text, not an element.
  const lines = readFileSync(ingestFixture('shards.tokens.txt'), 'utf8').split('\n');
  await page.getByText(/^First \d+ tokens$/).click();
  const preview = page.getByTestId('data.tokens').locator('li');
  await expect(preview.nth(6)).toHaveText(lines[6]);
  expect(lines[6]).toBe('<b>');
  await expect(page.getByTestId('data.tokens').locator('b')).toHaveCount(0);

  const train = new TrainPage(page);
  await app.expectGpuReady();
  await app.show('train');
  await expect(train.dataset).toContainText('3 shards');
  await train.set({
    dict_size: '96',
    k: '4',
    k_max: '16',
    batch_size: '64',
    steps: '100',
    warmup_steps: '10',
    hard_topk_steps: '10',
  });
  await train.start.click();
  await train.waitDone();
  await expect(train.step).toHaveText('step 100 / 100');
  await expect(page.getByTestId('train.evaluation')).toContainText('all 657 rows');
  // No ground truth in user files: no correlation with a "true count" is claimed.
  await expect(page.getByTestId('eval.spearmanKHat')).toHaveCount(0);
  expect(app.pageErrors).toEqual([]);
});

test('a malformed file or mismatched tokens are refused by name; the demo stays', async ({
  page,
}) => {
  const { app, data } = await openReady(page);
  await data.load([ioFixture('npy-version-4.npy')]);
  await expect(data.error).toContainText('npy-version-4.npy');
  await expect(data.error).toContainText('unsupported .npy version 4.0');
  await expectDemoStillActive(data);

  // 5 tokens for 657 rows: refused with both counts (case 21).
  const shards = ['shard_000.npy', 'shard_001.npy', 'shard_002.npy'].map(ingestFixture);
  await data.load([...shards, ioFixture('tokens-5.txt')]);
  await expect(data.error).toContainText('tokens-5.txt');
  await expect(data.error).toContainText('5 tokens but 657 activation rows');
  await expectDemoStillActive(data);
  await expect(data.items).toHaveCount(2); // Demo and Quick only
  expect(app.pageErrors).toEqual([]);
});

test('NaN/Inf rows: abort changes nothing; drop removes exactly those rows', async ({
  page,
}, testInfo) => {
  const { app, data } = await openReady(page);
  const acts = ingestFixture('acts_f32.npy');
  const x = numpyRows('acts_f32');
  const want = reference(x, 24);
  const bad = 1024 - want.rows;
  expect(bad).toBe(3); // the fixture's NaN, +Inf and -Inf rows
  // One token per row, so the preview shows which rows survived.
  const tokens = testInfo.outputPath('acts_f32.tokens.txt');
  writeFileSync(tokens, Array.from({ length: 1024 }, (_, i) => `t${i}\n`).join(''));

  await data.load([acts, tokens]);
  await expect(data.nonFinite).toContainText(`${bad} of 1,024 rows`);
  await data.abort.click();
  await expect(data.nonFinite).toHaveCount(0);
  await expectDemoStillActive(data);
  await expect(data.items).toHaveCount(2);

  await data.load([acts, tokens]);
  await data.drop.click();
  await data.settled();
  await expect(data.summary('name')).toContainText('acts_f32.npy');
  expect(await data.summaryNumber('rows')).toBe(1024 - bad);
  await expect(data.summary('nonFinite')).toContainText(`${bad} rows dropped`);
  expectShown(await data.summaryNumber('normFactor'), want.normFactor);
  // Row 5 held the NaN: the sixth token shown is row 6's.
  await page.getByText(/^First \d+ tokens$/).click();
  const preview = page.getByTestId('data.tokens').locator('li');
  await expect(preview.nth(4)).toHaveText('t4');
  await expect(preview.nth(5)).toHaveText('t6');
  await expect(data.items).toHaveCount(3);
  expect(app.pageErrors).toEqual([]);
});

test('a file with several arrays asks which one holds the activations', async ({
  page,
}, testInfo) => {
  const { app, data } = await openReady(page);
  const f32 = (n: number, seed: number) =>
    new Uint8Array(Float32Array.from({ length: n }, (_, i) => Math.sin(i * seed)).buffer);
  const file = testInfo.outputPath('two.safetensors');
  writeFileSync(
    file,
    writeSafetensors([
      { name: 'acts', dtype: 'F32', shape: [40, 8], data: f32(320, 1) },
      { name: 'other', dtype: 'F32', shape: [30, 6], data: f32(180, 2) },
    ]),
  );
  await data.load([file]);
  await expect(page.getByTestId('data.tensor')).toContainText('two.safetensors');
  await data.tensorSelect.selectOption('other');
  await data.tensorLoad.click();
  await data.settled();
  await expect(data.summary('name')).toContainText('two.safetensors [other]');
  expect(await data.summaryNumber('rows')).toBe(30);
  expect(await data.summaryNumber('D')).toBe(6);
  expect(app.pageErrors).toEqual([]);
});

test('a long load shows bytes and bytes/s and can be cancelled; nothing changes', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const { app, data } = await openReady(page);
  const path = testInfo.outputPath('big.npy');
  writeLargeNpy(path, 1 << 20, 64); // 1 Mi rows × 64 float32 = 256 MiB of data
  await data.load([path]);
  const bytes = page.getByTestId('data.progress.bytes');
  await expect(bytes).toContainText('/ 256.0 MiB');
  // The rate shows while the values are scanned, which may take well under a second: checked on
  // every frame, not at the assertion's polling intervals. Cancel then lands in a later phase
  // (reading the rows, handing them to the engine) or still in the scan.
  await page.waitForFunction(
    () =>
      /\/s$/.test(document.querySelector('[data-testid="data.progress.bytes"]')?.textContent ?? ''),
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  await data.cancel.click();
  await expect(data.progress).toHaveCount(0);
  await expectDemoStillActive(data);
  await expect(data.items).toHaveCount(2);
  await expect(data.error).toHaveCount(0);
  expect(app.pageErrors).toEqual([]);
});
