// The ingestion worker in real Chromium: files set on a real <input type="file">, read by the
// worker in slices, checked against values computed in Node from the same files (NumPy's decoded
// float32 beside each fixture, or the generator of a large file). Reliability cases 1–22, 11.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { PlainReply } from './ingest/main';
import { fixturePath } from '../test/helpers/fixtures';
import type { ReferenceStats } from './ingest/expected';
import {
  ingestFixture,
  ioFixture,
  numpyRows,
  referenceStats,
  writeLargeNpy,
} from './ingest/expected';

const D = 24;

async function openPage(page: Page, worker: 'spy' | 'plain' = 'spy'): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/e2e/ingest/index.html${worker === 'plain' ? '?worker=plain' : ''}`);
  await expect(page.getByTestId('ingest.status')).toHaveText('ready');
  expect(errors).toEqual([]);
}

/** Sets the activation input (a person choosing files) and opens them in the worker. */
async function open(page: Page, paths: string[], tensor = ''): Promise<PlainReply> {
  await page.getByTestId('ingest.files').setInputFiles(paths);
  await page.getByTestId('ingest.tensor').fill(tensor);
  return page.evaluate(() => window.ingest!.open());
}

async function tokens(page: Page, path: string): Promise<PlainReply> {
  await page.getByTestId('ingest.tokens').setInputFiles(path);
  return page.evaluate(() => window.ingest!.tokens());
}

const rows = (page: Page, start: number, count: number) =>
  page.evaluate(([s, c]) => window.ingest!.rows(s, c), [start, count] as const);
const batch = (page: Page, indices: number[]) =>
  page.evaluate((ix) => window.ingest!.batch(ix), indices);
const stats = (page: Page, opts: { chunkRows?: number; cancelAfter?: number } = {}) =>
  page.evaluate((o) => window.ingest!.stats(o), opts);

function expectOpened(m: PlainReply, rowCount: number, width: number) {
  expect(m.type, m.type === 'error' ? m.message : '').toBe('opened');
  if (m.type !== 'opened') return;
  expect([m.dataset.rows, m.dataset.width]).toEqual([rowCount, width]);
}

function dataOf(m: PlainReply): number[] {
  expect(m.type, m.type === 'error' ? m.message : '').toMatch(/^(rows|batch)$/);
  return m.type === 'rows' || m.type === 'batch' ? m.data : [];
}

/** An ordered pass over the whole dataset in `step`-row reads, concatenated. */
async function orderedPass(page: Page, total: number, step: number): Promise<number[]> {
  const out: number[] = [];
  for (let s = 0; s < total; s += step)
    out.push(...dataOf(await rows(page, s, Math.min(step, total - s))));
  return out;
}

/** Rows `indices` of a row-major `[*, width]` array. */
const pick = (x: number[], indices: number[], width: number) =>
  indices.flatMap((r) => x.slice(r * width, (r + 1) * width));

/** Seeded indices with repeats (a mulberry32 stream), like a sampler drawing a training batch. */
function randomIndices(n: number, rowsTotal: number, seed: number): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * rowsTotal);
  });
}

const close = (got: number, want: number, rel = 1e-6) =>
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(
    rel * Math.max(1, Math.abs(want)),
  );

async function expectStats(page: Page, want: ReferenceStats, chunkRows?: number) {
  const { reply, progress } = await stats(page, { chunkRows });
  expect(reply.type, reply.type === 'error' ? reply.message : '').toBe('stats');
  if (reply.type !== 'stats') return progress;
  const s = reply.stats;
  expect({
    finiteRows: s.finiteRows,
    nanCount: s.nanCount,
    infCount: s.infCount,
    nonFiniteRows: s.nonFiniteRows,
    firstNonFiniteRows: s.firstNonFiniteRows,
    min: s.min,
    max: s.max,
  }).toEqual({
    finiteRows: want.finiteRows,
    nanCount: want.nanCount,
    infCount: want.infCount,
    nonFiniteRows: want.nonFiniteRows,
    firstNonFiniteRows: want.firstNonFiniteRows,
    min: want.min,
    max: want.max,
  });
  close(s.normFactor, want.normFactor, 1e-12);
  expect(s.mean).toHaveLength(want.mean.length);
  s.mean.forEach((m, d) => close(m, want.mean[d]));
  return progress;
}

test('NumPy float32 .npy: ordered pass, random batch, statistics with progress in bytes/s', async ({
  page,
}) => {
  await openPage(page);
  const want = numpyRows('acts_f32');
  const opened = await open(page, [ingestFixture('acts_f32.npy')]);
  expectOpened(opened, 1024, D);
  await expect(page.getByTestId('ingest.dataset')).toHaveText('acts_f32.npy: f32 (1024, 24)');

  expect(await orderedPass(page, 1024, 100)).toEqual(want); // NaN, ±Inf included, bit for bit
  const ix = randomIndices(256, 1024, 7);
  expect(dataOf(await batch(page, ix))).toEqual(pick(want, ix, D));

  const progress = await expectStats(page, referenceStats(want, D), 128);
  expect(progress.map((p) => p.rowsDone)).toEqual([128, 256, 384, 512, 640, 768, 896, 1024]);
  expect(progress.map((p) => p.bytesDone)).toEqual(progress.map((p) => p.rowsDone * D * 4));
  for (const p of progress) {
    expect(p.bytesTotal).toBe(1024 * D * 4);
    expect(p.bytesPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(p.bytesPerSecond)).toBe(true);
  }
  await expect(page.getByTestId('ingest.progress')).toContainText('1024 / 1024 rows');
  await expect(page.getByTestId('ingest.progress')).toContainText('MB/s');
});

test('NumPy float16 .npy decodes like astype(float32): subnormal, 65504, -0', async ({ page }) => {
  await openPage(page);
  const want = numpyRows('acts_f16');
  expectOpened(await open(page, [ingestFixture('acts_f16.npy')]), 768, D);
  const got = await orderedPass(page, 768, 256);
  expect(got).toEqual(want); // toEqual tells -0 from 0
  expect(Object.is(got[3 * D + 7], -0)).toBe(true);
  expect(got[2 * D + 5]).toBe(65504);
  await expectStats(page, referenceStats(want, D));
});

test('safetensors with several tensors: the loader asks which, then reads the one chosen', async ({
  page,
}) => {
  await openPage(page);
  const path = fixturePath('softsae-small', 'model.safetensors'); // written by Python safetensors
  const refused = await open(page, [path]);
  expect(refused).toMatchObject({ type: 'error', code: 'safetensors/choose' });
  expect(refused.type === 'error' && refused.message).toMatch(
    /^model\.safetensors: choose a tensor: .*encoder\.weight.*decoder\.weight/,
  );

  // Expected values straight from the file: u64 header length, JSON header, little-endian F32.
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const meta = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const [b0, b1] = meta['encoder.weight'].data_offsets as [number, number];
  const data = bytes.subarray(8 + n + b0, 8 + n + b1);
  const want = Array.from({ length: data.length / 4 }, (_, i) => data.readFloatLE(4 * i));
  expect(meta['encoder.weight'].shape).toEqual([64, 16]);

  expectOpened(await open(page, [path], 'encoder.weight'), 64, 16);
  await expect(page.getByTestId('ingest.dataset')).toHaveText(
    'model.safetensors [encoder.weight]: f32 (64, 16)',
  );
  expect(await orderedPass(page, 64, 64)).toEqual(want);
  await expectStats(page, referenceStats(want, 16));
});

test('np.savez_compressed .npz is inflated by zip.js in the worker; the only 2-D array is used', async ({
  page,
}) => {
  await openPage(page);
  const want = numpyRows('acts_compressed.npz.acts');
  expectOpened(await open(page, [ingestFixture('acts_compressed.npz')]), 512, D);
  await expect(page.getByTestId('ingest.dataset')).toHaveText(
    'acts_compressed.npz/acts.npy: f32 (512, 24)',
  );
  expect(await orderedPass(page, 512, 200)).toEqual(want);
  const ix = randomIndices(64, 512, 3);
  expect(dataOf(await batch(page, ix))).toEqual(pick(want, ix, D));
  await expectStats(page, referenceStats(want, D), 100);
});

test("a dataset larger than the sampler budget: shuffled epochs of NumPy's rows, block-sized reads", async ({
  page,
}) => {
  await openPage(page);
  const want = numpyRows('acts_f32'); // 1024 × 24, NaN and ±Inf rows included
  expectOpened(await open(page, [ingestFixture('acts_f32.npy')]), 1024, D);
  await page.evaluate(() => (window.ingest!.workerReads.length = 0));
  const memoryBytes = 256 * D * 4; // a quarter of the decoded data
  const started = await page.evaluate((o) => window.ingest!.sampler(o), {
    memoryBytes,
    blockRows: 32,
    seed: 11,
  });
  expect(started).toMatchObject({
    type: 'sampler',
    sampler: { inMemory: false, blocks: 32, windowBlocks: 8, residentBytes: memoryBytes },
  });
  const served: number[] = [];
  while (served.length < 2 * 1024) {
    const m = await page.evaluate((n) => window.ingest!.sample(n), 256);
    expect(m.type, m.type === 'error' ? m.message : '').toBe('sample');
    if (m.type !== 'sample') return;
    expect(m.data).toEqual(pick(want, m.rows, D)); // NaN/Inf rows as they are in the file
    served.push(...m.rows);
  }
  const identity = Array.from({ length: 1024 }, (_, i) => i);
  for (const epoch of [served.slice(0, 1024), served.slice(1024, 2048)]) {
    expect([...epoch].sort((a, b) => a - b)).toEqual(identity);
    expect(epoch).not.toEqual(identity);
  }
  // Whole blocks read from slices of the file, each block once per epoch (two epochs here).
  const reads = await page.evaluate(() => window.ingest!.workerReads);
  expect(reads.filter((r) => r.isFile)).toEqual([]);
  expect(Math.max(...reads.map((r) => r.size))).toBe(32 * D * 4);
  expect(reads.reduce((a, r) => a + r.size, 0)).toBe(2 * 1024 * D * 4);
});

test('three shards (f32, f16, f32) read as one dataset; .txt and .jsonl tokens align', async ({
  page,
}) => {
  await openPage(page);
  const want = numpyRows('shards');
  const total = 300 + 200 + 157;
  const opened = await open(
    page,
    ['shard_000.npy', 'shard_001.npy', 'shard_002.npy'].map(ingestFixture),
  );
  expectOpened(opened, total, D);
  expect(opened.type === 'opened' && opened.dataset.files).toEqual([
    'shard_000.npy',
    'shard_001.npy',
    'shard_002.npy',
  ]);
  await expect(page.getByTestId('ingest.dataset')).toContainText('3 shards, 657 rows × 24');

  expect(await orderedPass(page, total, 128)).toEqual(want); // reads straddle both boundaries
  const ix = [299, 300, 499, 500, 0, 656, ...randomIndices(500, total, 11)];
  expect(dataOf(await batch(page, ix))).toEqual(pick(want, ix, D));
  await expectStats(page, referenceStats(want, D), 64);

  // .txt: one token per line (an empty line is the empty token).
  const txt = readFileSync(ingestFixture('shards.tokens.txt'), 'utf8').split('\n').slice(0, -1);
  expect(txt).toHaveLength(total);
  const t1 = await tokens(page, ingestFixture('shards.tokens.txt'));
  expect(t1.type, t1.type === 'error' ? t1.message : '').toBe('tokens');
  if (t1.type === 'tokens') {
    expect(t1.tokens).toEqual(txt);
    expect(t1.position).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(new Set(t1.sequence)).toEqual(new Set([0]));
  }

  // .jsonl with documents: sequence and position come from "doc" and are checked against "pos".
  const lines = readFileSync(ingestFixture('shards.tokens.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { token: string; doc: string; pos: number });
  const docs = [...new Set(lines.map((l) => l.doc))];
  const t2 = await tokens(page, ingestFixture('shards.tokens.jsonl'));
  expect(t2.type, t2.type === 'error' ? t2.message : '').toBe('tokens');
  if (t2.type === 'tokens') {
    expect(t2.tokens).toEqual(lines.map((l) => l.token));
    expect(t2.sequence).toEqual(lines.map((l) => docs.indexOf(l.doc)));
    expect(t2.position).toEqual(lines.map((l) => l.pos));
  }
});

// Every .npy of test/fixtures/io/numpy (written by NumPy) against NumPy's astype('<f4'), by bit
// pattern: versions 1.0/2.0/3.0, <f2 specials, >f4, <f8 rounding, Fortran order, 3-D (cases 5–7).
const NUMPY_FIXTURES = [
  'v1_f4',
  'f2_special',
  'be_f4',
  'f8',
  'fortran_f4',
  'fortran_f8',
  'seq3d_f4',
  'v2_f2',
  'v3_f4',
];

test('every NumPy-written .npy decodes in the browser bit for bit like NumPy', async ({ page }) => {
  await openPage(page);
  for (const name of NUMPY_FIXTURES) {
    const b = readFileSync(ioFixture(`numpy/${name}.f32.bin`));
    const want = Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(4 * i));
    const m = await open(page, [ioFixture(`numpy/${name}.npy`)]);
    expect(m.type, m.type === 'error' ? m.message : name).toBe('opened');
    if (m.type !== 'opened') continue;
    expect(m.dataset.rows * m.dataset.width, name).toBe(want.length);
    const bits = await page.evaluate(([n]) => window.ingest!.rowBits(0, n), [m.dataset.rows]);
    expect(bits, name).toEqual(want);
  }
});

test('3-D [sequences, positions, D] rows carry (sequence, position); tokens must match them', async ({
  page,
}) => {
  await openPage(page);
  const opened = await open(page, [ioFixture('numpy/seq3d_f4.npy')]); // shape (2, 3, 4)
  expect(opened).toMatchObject({
    type: 'opened',
    dataset: { rows: 6, sequences: 2, positions: 3 },
  });
  const jsonl = (docs: number[]) => ({
    name: 'toks.jsonl',
    mimeType: 'application/jsonl',
    buffer: Buffer.from(docs.map((d, i) => JSON.stringify({ token: `t${i}`, doc: d })).join('\n')),
  });
  await page.getByTestId('ingest.tokens').setInputFiles(jsonl([0, 0, 0, 1, 1, 1]));
  const ok = await page.evaluate(() => window.ingest!.tokens());
  expect(ok).toMatchObject({
    type: 'tokens',
    sequence: [0, 0, 0, 1, 1, 1],
    position: [0, 1, 2, 0, 1, 2],
  });
  // Same count, different sequence boundaries: refused, never silently re-labelled.
  await page.getByTestId('ingest.tokens').setInputFiles(jsonl([0, 0, 1, 1, 1, 1]));
  const bad = await page.evaluate(() => window.ingest!.tokens());
  expect(bad).toMatchObject({
    type: 'error',
    code: 'tokens/sequence-mismatch',
    file: 'toks.jsonl',
  });

  // Case 9, longer data: accepted with a warning naming the file; the extra bytes are not rows.
  const long = await open(page, [ioFixture('npy-data-long.npy')]);
  expect(long).toMatchObject({
    type: 'opened',
    dataset: {
      rows: 3,
      warnings: ['npy-data-long.npy: 5 trailing bytes after the data were ignored'],
    },
  });
  expect(dataOf(await rows(page, 0, 3))).toEqual([1, 2, 3, 4, 5, 6]);
});

test('a 96 MiB file is streamed in slices: no whole-file read (case 11); cancel stops mid-file', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await openPage(page);
  const [R, W] = [98_304, 256]; // 96 MiB of float32
  const path = testInfo.outputPath('large.npy');
  const want = writeLargeNpy(path, R, W);

  // Control: the spy sees a whole-file read when one happens (here, deliberately, in the page).
  await page.getByTestId('ingest.files').setInputFiles(ingestFixture('acts_f16.npy'));
  await page.evaluate(() => window.ingest!.readWholeFileInPage());
  expect(await page.evaluate(() => window.ingest!.pageReads)).toEqual([
    { method: 'arrayBuffer', size: 36992, isFile: true, name: 'acts_f16.npy' },
  ]);

  expectOpened(await open(page, [path]), R, W);
  const { reply: cancelled, progress: before } = await stats(page, {
    chunkRows: 512,
    cancelAfter: 3,
  });
  expect(cancelled).toMatchObject({ type: 'error', code: 'io/aborted' });
  expect(cancelled.type === 'error' && cancelled.message).toMatch(/statistics cancelled/);
  const chunks = R / 512;
  expect(before.length).toBeGreaterThanOrEqual(3);
  expect(before.length, 'cancel must stop the pass long before the end').toBeLessThan(chunks / 2);

  // After the cancel the dataset is intact and a full pass (default 8 MiB chunks) completes.
  await page.evaluate(() => (window.ingest!.workerReads.length = 0));
  const progress = await expectStats(page, want);
  expect(progress.at(-1)).toMatchObject({ rowsDone: R, bytesDone: R * W * 4 });
  const reads = await page.evaluate(() => window.ingest!.workerReads);
  const fileSize = readFileSync(path).length;
  expect(
    reads.filter((r) => r.isFile),
    'whole-file reads of large.npy',
  ).toEqual([]);
  expect(reads.length).toBeGreaterThanOrEqual(12);
  expect(reads.every((r) => r.method === 'arrayBuffer')).toBe(true);
  expect(Math.max(...reads.map((r) => r.size))).toBeLessThanOrEqual(8 << 20);
  expect(reads.reduce((a, r) => a + r.size, 0)).toBe(R * W * 4); // the data, once
  expect(fileSize).toBeGreaterThan(R * W * 4);

  // Rows near the end come back from the worker as written (generator re-evaluated here).
  const last = dataOf(await rows(page, R - 2, 2));
  const e0 = (R - 2) * W;
  const gen = (e: number) =>
    Math.fround((Math.imul(e, 0x9e3779b1) >>> 0) / 2 ** 31 - 1 + (e % W) * 0.01);
  expect(last).toEqual(Array.from({ length: 2 * W }, (_, i) => gen(e0 + i)));
});

// Reliability cases by their fixtures in test/fixtures/io: [file, code, message pattern].
const BAD_ACTIVATIONS: [string, string, RegExp][] = [
  ['npy-version-4.npy', 'npy/unsupported-version', /unsupported \.npy version 4\.0/], // case 1
  ['npy-empty.npy', 'npy/bad-magic', /not a \.npy file/], // case 1
  ['npy-header-huge.npy', 'npy/header-too-large', /exceeds the 65536-byte limit/], // case 2
  ['npy-header-code.npy', 'npy/bad-header', /not a Python literal/], // case 3
  ['npy-dtype-object.npy', 'npy/unsupported-dtype', /pickle/], // case 4
  ['npy-shape-overflow.npy', 'npy/truncated', /4835703278458516698824704 bytes/], // case 8
  ['npy-data-short.npy', 'npy/truncated', /file truncated/], // case 9
  ['st-header-past-end.safetensors', 'safetensors/header-length', /./], // case 12
  ['st-bad-utf8.safetensors', 'safetensors/bad-utf8', /not valid UTF-8/], // case 13
  ['st-overlap.safetensors', 'safetensors/overlap', /./], // case 14
  ['st-duplicate.safetensors', 'safetensors/bad-json', /duplicate key "x"/], // case 16
  ['npz-bomb.npz', 'npz/zip-bomb', /inflates beyond its declared/], // case 19
  ['npz-traversal.npz', 'npz/unsafe-name', /parent-directory path/], // case 20
];

test('malformed files give a clear error naming the file; the accepted dataset stays', async ({
  page,
}) => {
  await openPage(page);
  const want = numpyRows('acts_f32');
  expectOpened(await open(page, [ingestFixture('acts_f32.npy')]), 1024, D);
  const describe = 'acts_f32.npy: f32 (1024, 24)';
  const intact = async (what: string) => {
    await expect(page.getByTestId('ingest.dataset'), what).toHaveText(describe);
    expect(dataOf(await rows(page, 1020, 4)), what).toEqual(want.slice(1020 * D));
  };

  for (const [name, code, pattern] of BAD_ACTIVATIONS) {
    const m = await open(page, [ioFixture(name)]);
    expect(m, name).toMatchObject({ type: 'error', code, file: name });
    const message = m.type === 'error' ? m.message : '';
    expect(message.startsWith(`${name}: `), message).toBe(true);
    expect(message, name).toMatch(pattern);
    await expect(page.getByTestId('ingest.error')).toHaveText(message); // what a person sees
    await intact(name);
  }

  // A bad file among good shards refuses the whole set, naming the bad one.
  const shards = await open(page, [
    ingestFixture('shard_000.npy'),
    ioFixture('npy-dtype-complex.npy'),
    ingestFixture('shard_002.npy'),
  ]);
  expect(shards).toMatchObject({ type: 'error', file: 'npy-dtype-complex.npy' });
  await intact('bad shard');
  // Shards of different widths are refused too.
  const widths = await open(page, [ingestFixture('shard_000.npy'), ioFixture('npy-unpadded.npy')]);
  expect(widths).toMatchObject({ type: 'error', code: 'shards/width-mismatch' });
  await intact('width mismatch');

  // Tokens: count mismatch shows both counts (case 21); bad lines are named (case 22).
  const count = await tokens(page, ioFixture('tokens-5.txt'));
  expect(count).toMatchObject({
    type: 'error',
    code: 'tokens/count-mismatch',
    file: 'tokens-5.txt',
  });
  expect(count.type === 'error' && count.message).toMatch(/5 tokens but 1024 activation rows/);
  const utf8 = await tokens(page, ioFixture('tokens-bad-utf8.jsonl'));
  expect(utf8).toMatchObject({ type: 'error', code: 'tokens/bad-utf8' });
  expect(utf8.type === 'error' && utf8.message).toBe(
    'tokens-bad-utf8.jsonl: line 3 is not valid UTF-8',
  );
  const json = await tokens(page, ioFixture('tokens-bad-json.jsonl'));
  expect(json.type === 'error' && json.message).toMatch(/line 4 is not valid JSON/);
  await intact('tokens');
  // Rows outside the dataset are refused, and the session still answers afterwards.
  expect(await rows(page, 1020, 5)).toMatchObject({ type: 'error', code: 'io/row-range' });
  expect(await batch(page, [0, 1024])).toMatchObject({ type: 'error', code: 'io/row-range' });
  await intact('row range');
});

test('the worker module as the app loads it (no spy) reads the same rows', async ({ page }) => {
  await openPage(page, 'plain');
  expect(await page.evaluate(() => window.ingest!.worker)).toBe('plain');
  expectOpened(await open(page, [ingestFixture('acts_f16.npy')]), 768, D);
  expect(await orderedPass(page, 768, 768)).toEqual(numpyRows('acts_f16'));
  expect(await page.evaluate(() => window.ingest!.workerReads)).toEqual([]);
});
