// Real scale (issue 13; reliability cases 36 and 38) at test size: activation files over the
// Data panel's memory budget are streamed from disk into training and evaluation. The budget is
// set to 10 KiB so three small NumPy-written shards (f32 + f16 + f32, 61.6 KiB as float32) take
// the streamed path; everything else is the app as a person uses it (file input, Train form).
// Expected values come from NumPy's decoded rows (shards.f32.bin) and the float64 reference.
import { copyFileSync, rmSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { epochChecksum } from './epochChecksum';
import { ingestFixture, numpyRows } from './ingest/expected';
import { close, referenceEval, type PlainModel } from './inspect-reference';
import { AppPage } from './pages/AppPage';
import { DataPage } from './pages/DataPage';
import { TrainPage } from './pages/TrainPage';

const SHARDS = ['shard_000.npy', 'shard_001.npy', 'shard_002.npy'];
const ROWS = 657;
const D = 24;
const CONFIG = {
  arch: 'softsae',
  dict_size: 32,
  k: 4,
  k_max: 16,
  batch_size: 16,
  warmup_steps: 5,
  hard_topk_steps: 20,
  steps: 140, // 2240 rows: three whole epochs of 657
};

async function openStreamed(page: Page, paths: string[]) {
  const app = new AppPage(page);
  const data = new DataPage(page);
  await app.open();
  await data.expectDemoReady();
  await page.getByTestId('data.memory').fill('0.01'); // MiB: 10 KiB < 61.6 KiB of rows
  await data.load([...paths, ingestFixture('shards.tokens.jsonl')]);
  await data.settled();
  await expect(data.error).toHaveCount(0);
  expect(await data.summaryNumber('rows')).toBe(ROWS);
  await expect(page.getByTestId('data.summary.rowsFrom')).toHaveText(
    /^streamed from the files: 61\.6 KiB of float32 rows is over the 10\.2 KiB memory budget/,
  );
  await app.expectGpuReady();
  await app.show('train');
  return { app, data, train: new TrainPage(page) };
}

test('streamed shards: each epoch serves NumPy’s rows once, and every row’s evaluation equals the float64 reference', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const { app, train } = await openStreamed(page, SHARDS.map(ingestFixture));
  const x = Float32Array.from(numpyRows('shards'));
  const want = epochChecksum(x, ROWS, D);
  // The data check first: one epoch of the stream, no training.
  const check = await page.evaluate(async () => {
    const h = window.__softsae!;
    h.send({ type: 'dataset-epoch', id: h.state().dataset.activeId!, batch: 100 });
    while (!h.state().training.dataCheck) await new Promise((r) => setTimeout(r, 50));
    return { epochs: h.state().training.dataEpochs, check: h.state().training.dataCheck };
  });
  expect(check.check!.message).toBeNull();
  expect(check.epochs).toEqual([{ epoch: 0, rows: ROWS, checksum: want }]);
  await train.configure(CONFIG);
  await train.start.click();
  await train.waitDone();

  const epochs = await page.evaluate(() => window.__softsae!.state().training.dataEpochs);
  console.log(`epochs served: ${JSON.stringify(epochs)}; NumPy's rows: ${want}`);
  expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
  for (const e of epochs) expect([e.rows, e.checksum]).toEqual([ROWS, want]);

  // The final evaluation streamed every row: per-row L0 and error against the reference.
  const runId = await page.evaluate(() => window.__softsae!.state().training.runId!);
  const got = await page.evaluate((id) => {
    const a = window.__softsae!.getAnalysis(id)!;
    return { rows: a.rows, kHat: [...a.kHat!], l0: [...a.l0], sqErr: [...a.sqErr] };
  }, runId);
  const model: PlainModel = await page.evaluate(async (id) => {
    const m = await window.__softsae!.queryModel(id);
    const tensors = Object.fromEntries(Object.entries(m.tensors).map(([k, v]) => [k, [...v]]));
    return { ...m, shift: [...m.shift], tensors };
  }, runId);
  const ref = referenceEval(model, x, ROWS);
  expect(got.rows).toBe(ROWS);
  const bad: string[] = [];
  for (let r = 0; r < ROWS; r++) {
    if (!close(got.kHat[r], ref.kHat![r], 1e-4, 1e-4)) bad.push(`row ${r}: k̂ ${got.kHat[r]}`);
    if (ref.ambiguous[r]) continue;
    if (got.l0[r] !== ref.l0[r]) bad.push(`row ${r}: L0 ${got.l0[r]} vs ${ref.l0[r]}`);
    if (!close(got.sqErr[r], ref.sqErr[r], 1e-5, 1e-3)) bad.push(`row ${r}: sq_err`);
  }
  console.log(`streamed evaluation: FVU ${ref.fvu.toFixed(4)}, ${bad.length} mismatches`);
  expect(bad.slice(0, 10)).toEqual([]);
  expect(app.pageErrors).toEqual([]);
});

test('a compressed .npz member over the budget is decoded once to OPFS and streamed from there: NumPy’s rows in an epoch', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const app = new AppPage(page);
  const data = new DataPage(page);
  await app.open();
  await data.expectDemoReady();
  await page.getByTestId('data.memory').fill('0.01'); // 10 KiB < the 48 KiB member
  await data.load([ingestFixture('acts_compressed.npz')]);
  await data.settled();
  await expect(data.error).toHaveCount(0);
  expect(await data.summaryNumber('rows')).toBe(512);
  await expect(page.getByTestId('data.summary.rowsFrom')).toHaveText(
    /^streamed from the files: 48\.0 KiB of float32 rows is over the 10\.2 KiB memory budget.*; compressed and over the budget, acts_compressed\.npz\/acts\.npy \(deflated, 48\.1 KiB \(49280 bytes\)\) was decoded once to the browser's private storage \(OPFS\), and rows are read from there$/,
  );
  // The decoded copy is in the origin's private storage, the member's size exactly.
  const files = await page.evaluate(async () => {
    const out: [string, number][] = [];
    const root = await navigator.storage.getDirectory();
    const decoded = await root.getDirectoryHandle('decoded');
    type Dir = FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> };
    for await (const [, session] of (decoded as Dir).entries())
      for await (const [name, f] of (session as Dir).entries())
        out.push([name, (await (f as FileSystemFileHandle).getFile()).size]);
    return out;
  });
  expect(files).toEqual([['1-acts.npy', 49280]]);
  const want = epochChecksum(Float32Array.from(numpyRows('acts_compressed.npz.acts')), 512, 24);
  const epochs = await page.evaluate(async () => {
    const h = window.__softsae!;
    h.send({ type: 'dataset-epoch', id: h.state().dataset.activeId!, batch: 100 });
    while (!h.state().training.dataCheck) await new Promise((r) => setTimeout(r, 50));
    return h.state().training.dataEpochs;
  });
  console.log(`epoch from the OPFS copy: ${JSON.stringify(epochs)}; NumPy's rows: ${want}`);
  expect(epochs).toEqual([{ epoch: 0, rows: 512, checksum: want }]);
  expect(app.pageErrors).toEqual([]);
});

test('a shard deleted mid-run pauses the run with its checkpoint and names the file; picked again, the run resumes (case 38)', async ({
  page,
}, info) => {
  test.setTimeout(300_000);
  // Copies the test may delete; the last shard is the one that goes away.
  const paths = SHARDS.map((name) => {
    const p = info.outputPath(name);
    copyFileSync(ingestFixture(name), p);
    return p;
  });
  const { app, data, train } = await openStreamed(page, paths);
  await train.configure({ ...CONFIG, steps: 100_000 });
  await train.checkpointEvery.fill('10');
  await train.start.click();
  await expect(train.state).toHaveText('running');
  await expect.poll(() => train.checkpointStep(), { timeout: 120_000 }).toBeGreaterThanOrEqual(10);
  rmSync(paths[2]);
  await expect(train.state).toHaveText(
    /^paused: shard_002\.npy: the file can no longer be read at byte \d+ \((NotReadableError|NotFoundError)\): it was changed, moved or deleted after it was picked.*Training paused; the checkpoint of step (\d+) is kept\./,
    { timeout: 120_000 },
  );
  const kept = Number(
    /the checkpoint of step (\d+) is kept/.exec((await train.state.textContent())!)![1],
  );
  expect(await train.checkpointStep()).toBe(kept);
  const runId = await page.evaluate(() => window.__softsae!.state().training.runId!);

  // The file comes back; the user stops, picks the shards again and resumes from Saved runs.
  copyFileSync(ingestFixture(SHARDS[2]), paths[2]);
  await train.stop.click();
  await app.show('data');
  await page.getByTestId('data.memory').fill('0.01');
  await data.load([...paths, ingestFixture('shards.tokens.jsonl')]);
  await data.settled();
  await app.show('train');
  await train.savedRun(runId).getByTestId('ckpt.resume').click();
  await expect(train.restored).toHaveText(`resumed from the checkpoint of step ${kept}`);
  await expect(train.state).toHaveText('running');
  await expect.poll(() => train.currentStep(), { timeout: 120_000 }).toBeGreaterThan(kept + 5);
  await train.stop.click();
  console.log(
    `deleted mid-run: paused with the checkpoint of step ${kept}; resumed after re-picking`,
  );
});
