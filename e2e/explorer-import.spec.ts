// Loading existing SAEs in the explorer, as a person does: the activations through the Data
// panel's file input, the SAE's files through Inspect's "Load an SAE" input. The run appears in
// Inspect and Compare; its per-row CSV (L0, squared error) and its codes file (downloaded with
// the Inspect button) equal an independent float64 evaluation (e2e/sae-reference.ts), and the
// softsae-small SoftSAE file reproduces the fixture's expected outputs. Refusals are shown.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { compareArrays, formatMismatches } from '../src/reference/compare';
import { fixturePath } from '../test/helpers/fixtures';
import { loadSoftsaeSmall } from '../test/helpers/softsaeSmall';
import { quickDataset } from '../src/data/demo';
import { writeSafetensors } from '../src/io/safetensors-write';
import { createRng } from '../src/model/rng';
import { AppPage } from './pages/AppPage';
import { ComparePage } from './pages/compare';
import { DataPage } from './pages/DataPage';
import { InspectPage } from './pages/inspect';
import { fixtureSae, fixtureX, referenceEval, SAE_FIXTURES } from './sae-reference';
import { writeSanityFixture } from './sanityFixture';

test.describe.configure({ mode: 'serial', timeout: 300_000 });

const TOL = { atol: 1e-5, rtol: 1e-4 };

/** The per-row CSV as a person downloads it (no token column values here: no tokens file). */
async function rowCsv(inspect: InspectPage) {
  const text = await inspect.downloadText('inspect.exportRows');
  expect(text).not.toContain('"');
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]).toBe('row,token,k_hat,l0,sq_err');
  return lines.slice(1).map((l) => {
    const c = l.split(',');
    return { kHat: c[2] === '' ? NaN : Number(c[2]), l0: Number(c[3]), sqErr: Number(c[4]) };
  });
}

/** The codes file downloaded from Inspect: per row, its features and values. */
async function codes(inspect: InspectPage, rows: number) {
  const { bytes } = await inspect.download('inspect.exportCodes');
  const n = Number(bytes.readBigUInt64LE(0));
  const h = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const at = (name: string) => bytes.subarray(8 + n + h[name].data_offsets[0]);
  const count = h.activations.shape[0];
  const feats: number[][] = Array.from({ length: rows }, () => []);
  const vals: number[][] = Array.from({ length: rows }, () => []);
  for (let i = 0; i < count; i++) {
    const seq = Number(at('locations').readBigInt64LE(24 * i));
    feats[seq].push(Number(at('locations').readBigInt64LE(24 * i + 16)));
    vals[seq].push(at('activations').readFloatLE(4 * i));
  }
  return { feats, vals };
}

async function openWithData(page: Page, acts: string) {
  const app = new AppPage(page);
  const data = new DataPage(page);
  await app.open();
  await app.expectGpuReady();
  await data.expectDemoReady();
  await data.load([acts]);
  await data.settled();
  await expect(data.error).toHaveCount(0);
  await data.select('x.npy');
  await app.show('inspect');
  return { app, data, inspect: new InspectPage(page) };
}

async function importFiles(page: Page, paths: string[]) {
  await new InspectPage(page).importSae.setInputFiles(paths);
}

test('SAELens TopK and ReLU folders, a Gemma Scope params.npz, sparsify and dictionary_learning files load in Inspect and equal the float64 reference; Compare lists them', async ({
  page,
}) => {
  const { app, inspect } = await openWithData(page, join(SAE_FIXTURES, 'x.npy'));
  const x = fixtureX();
  const N = x.shape[0];
  const cases = [
    ['saelens-topk', ['cfg.json', 'sae_weights.safetensors'], 'SAELens topk k=5, cfg v6'],
    ['saelens-relu', ['sae_weights.safetensors', 'cfg.json'], 'SAELens standard (ReLU)'],
    ['gemmascope', ['params.npz'], 'Gemma Scope JumpReLU'],
    ['sparsify', ['cfg.json', 'sae.safetensors'], 'sparsify topk'],
    ['dictlearn-batchtopk', ['ae.safetensors'], 'dictionary_learning BatchTopK'],
  ] as const;
  for (const [i, [name, files, label]] of cases.entries()) {
    await importFiles(
      page,
      files.map((f) => join(SAE_FIXTURES, name, f)),
    );
    await expect(inspect.run).toHaveValue(`import-${i + 1}`, {
      timeout: 120_000,
    });
    await expect(inspect.run.locator('option:checked')).toContainText(label);
    await expect(page.getByTestId('inspect.summary')).toContainText(`${N} inputs`);
    const ref = referenceEval(fixtureSae(name), x.data);
    const csv = await rowCsv(inspect);
    expect(
      csv.map((r) => r.l0),
      `${name} L0`,
    ).toEqual(ref.l0);
    const sq = compareArrays(
      csv.map((r) => r.sqErr),
      ref.sqErr,
      TOL,
    );
    expect(sq.failures, `${name} sq_err\n${formatMismatches(sq)}`).toBe(0);
    const c = await codes(inspect, N);
    expect(c.feats, `${name} features`).toEqual(ref.features);
    const v = compareArrays(c.vals.flat(), ref.values.flat(), TOL);
    expect(v.failures, `${name} code values\n${formatMismatches(v)}`).toBe(0);
    console.log(
      `explorer ${name}: L0 and features exact, sq_err max |err| ${sq.maxAbsError.toExponential(2)}, codes max |err| ${v.maxAbsError.toExponential(2)} (${v.count} values)`,
    );
  }
  await app.show('compare');
  // The panel mounts its chart a task after the tab opens: wait for the marks.
  const compare = new ComparePage(page);
  await expect
    .poll(async () => (await compare.markData()).map((m) => m.run).sort())
    .toEqual(['import-1', 'import-2', 'import-3', 'import-4', 'import-5']);
});

test('unsupported architectures, mismatched shapes and widths are refused with the reason; the loaded run stays', async ({
  page,
}) => {
  const { inspect } = await openWithData(page, join(SAE_FIXTURES, 'x.npy'));
  const error = inspect.importError;
  await importFiles(
    page,
    ['cfg.json', 'sae_weights.safetensors'].map((f) => join(SAE_FIXTURES, 'saelens-topk', f)),
  );
  await expect(inspect.run).toHaveValue('import-1', { timeout: 120_000 });
  const before = await rowCsv(inspect);
  await importFiles(
    page,
    ['cfg.json', 'sae_weights.safetensors'].map((f) => join(SAE_FIXTURES, 'saelens-gated', f)),
  );
  await expect(error).toContainText("SAELens architecture 'gated' is not supported");
  // d_sae declared 41 but the weights have 40 features.
  const dir = mkdtempSync(join(tmpdir(), 'sae-bad-'));
  const cfg = JSON.parse(
    (await import('node:fs')).readFileSync(join(SAE_FIXTURES, 'saelens-topk', 'cfg.json'), 'utf8'),
  );
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ ...cfg, d_sae: 41 }));
  await importFiles(page, [
    join(dir, 'cfg.json'),
    join(SAE_FIXTURES, 'saelens-topk', 'sae_weights.safetensors'),
  ]);
  await expect(error).toContainText(
    'W_enc has shape [12,40], but d_in 12, d_sae 41 needs [41, 12] or [12, 41]',
  );
  // A 16-wide SoftSAE on 12-wide data.
  await importFiles(page, [fixturePath('softsae-small', 'model.safetensors')]);
  await expect(error).toContainText('d_in = 16, but dataset');
  // Nothing was lost: the one run is still there, selected, with the same rows.
  await expect(inspect.run.locator('option')).toHaveCount(1);
  await expect(inspect.run).toHaveValue('import-1');
  expect(await rowCsv(inspect)).toEqual(before);
});

test('the softsae-small SoftSAE file imported in the explorer reproduces its expected k̂, L0 and squared error; exports as SoftSAE and SAELens TopK', async ({
  page,
}) => {
  const { inspect } = await openWithData(page, fixturePath('softsae-small', 'x.npy'));
  await importFiles(page, [fixturePath('softsae-small', 'model.safetensors')]);
  await expect(page.getByTestId('inspect.summary')).toContainText('32 inputs', {
    timeout: 120_000,
  });
  const fx = await loadSoftsaeSmall();
  const e = (n: string) => Array.from(fx.expected[n].data);
  const csv = await rowCsv(inspect);
  const k = compareArrays(
    csv.map((r) => r.kHat),
    e('k_hat'),
    TOL,
  );
  expect(k.failures, formatMismatches(k)).toBe(0);
  const sq = compareArrays(
    csv.map((r) => r.sqErr),
    e('sq_err_hard'),
    TOL,
  );
  expect(sq.failures, formatMismatches(sq)).toBe(0);
  const F = fx.params.F;
  const l0 = Array.from(
    { length: fx.N },
    (_, b) =>
      e('codes_hard')
        .slice(b * F, (b + 1) * F)
        .filter((v) => v !== 0).length,
  );
  expect(csv.map((r) => r.l0)).toEqual(l0);
  console.log(
    `explorer softsae-small: k̂ max |err| ${k.maxAbsError.toExponential(2)}, sq_err max |err| ${sq.maxAbsError.toExponential(2)}, L0 exact`,
  );
  // Exports: the SAELens folder's k is round(mean k̂) of this evaluation.
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  const mean = e('k_hat').reduce((a, b) => a + b, 0) / fx.N;
  const cfgText = await new Promise<string>((resolve) => {
    page.once('download', async (d) =>
      resolve((await import('node:fs')).readFileSync((await d.path())!, 'utf8')),
    );
    void page.getByTestId('inspect.exportSaeLens').click();
  });
  expect(JSON.parse(cfgText)).toMatchObject({
    architecture: 'topk',
    d_in: 16,
    d_sae: 64,
    k: Math.round(mean),
  });
  // The folder SAELens loads, plus labels.json (the feature labels, empty here: none typed).
  await expect.poll(() => downloads.length).toBe(4);
  expect(downloads.map((d) => d.replace(/^import-\d+-/, '')).sort()).toEqual([
    'README.md',
    'cfg.json',
    'labels.json',
    'sae_weights.safetensors',
  ]);
  const saved = mkdtempSync(join(tmpdir(), 'softsae-export-'));
  const got: string[] = [];
  page.on('download', async (d) => {
    const name = d.suggestedFilename().replace(/^import-\d+-/, '');
    await d.saveAs(join(saved, name));
    got.push(name);
  });
  await page.getByTestId('inspect.exportSoftsae').click();
  await expect.poll(() => got.length).toBe(2);
  expect(got.sort()).toEqual(['cfg.json', 'model.safetensors']);
  // The exported SoftSAE file, imported again, evaluates to the same rows.
  await importFiles(page, [join(saved, 'cfg.json'), join(saved, 'model.safetensors')]);
  await expect(inspect.run).toHaveValue('import-2', { timeout: 120_000 });
  expect(await rowCsv(inspect)).toEqual(csv);
});

test('codes of an SAE on a corpus with tokens carry each row sequence, position and token text', async ({
  page,
}) => {
  const lab = quickDataset();
  const [D, F, k] = [lab.D, 24, 3];
  const rng = createRng(9);
  const r = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const dir = mkdtempSync(join(tmpdir(), 'sae-quick-'));
  writeFileSync(
    join(dir, 'cfg.json'),
    JSON.stringify({ architecture: 'topk', d_in: D, d_sae: F, k, meta: {} }),
  );
  writeFileSync(
    join(dir, 'sae_weights.safetensors'),
    writeSafetensors(
      (
        [
          ['W_enc', [D, F], r(D * F)],
          ['b_enc', [F], r(F)],
          ['W_dec', [F, D], r(F * D)],
          ['b_dec', [D], r(D)],
        ] as const
      ).map(([name, shape, data]) => ({ name, dtype: 'F32', shape: [...shape], data })),
    ),
  );
  const app = new AppPage(page);
  const data = new DataPage(page);
  const inspect = new InspectPage(page);
  await app.open();
  await app.expectGpuReady();
  await data.expectDemoReady();
  await data.select('Quick');
  await app.show('inspect');
  await importFiles(page, [join(dir, 'cfg.json'), join(dir, 'sae_weights.safetensors')]);
  await expect(inspect.run).toHaveValue('import-1', { timeout: 120_000 });
  const { bytes } = await inspect.download('inspect.exportCodes');
  const n = Number(bytes.readBigUInt64LE(0));
  const h = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const at = (name: string) => bytes.subarray(8 + n + h[name].data_offsets[0]);
  expect(h.activations.shape).toEqual([lab.rows * k]); // TopK: with these seeded weights every row's top 3 are positive
  const off = (i: number) => Number(at('token_offsets').readBigInt64LE(8 * i));
  const text = Array.from({ length: lab.rows }, (_, i) =>
    at('tokens')
      .subarray(off(i), off(i + 1))
      .toString('utf8'),
  );
  expect(text).toEqual(lab.tokens);
  // Entries are in row order, k per row: entry i belongs to row ⌊i/k⌋.
  for (let i = 0; i < h.activations.shape[0]; i += 97) {
    const row = Math.floor(i / k);
    expect(Number(at('locations').readBigInt64LE(24 * i))).toBe(lab.sequenceOfRow[row]);
    expect(Number(at('locations').readBigInt64LE(24 * i + 8))).toBe(lab.positionOfRow[row]);
  }
  console.log(
    `codes: ${h.activations.shape[0]} entries, ${lab.rows} rows of token text (${off(lab.rows)} bytes)`,
  );
});

test('Inspect shows the quality metrics of a loaded SAE, and warns when it does not fit the dataset (rotated activations)', async ({
  page,
}) => {
  const f = writeSanityFixture(mkdtempSync(join(tmpdir(), 'sae-sanity-')));
  const saeFiles = ['cfg.json', 'sae_weights.safetensors'].map((n) => join(f.sae, n));
  const app = new AppPage(page);
  const data = new DataPage(page);
  const inspect = new InspectPage(page);
  await app.open();
  await app.expectGpuReady();
  await data.expectDemoReady();
  for (const path of [f.own, f.rotated]) {
    await data.load([path]);
    await data.settled();
  }
  const warning = page.getByTestId('inspect.warning');
  const metric = (id: string) => page.getByTestId(`inspect.quality.${id}`);

  await data.select('own.npy');
  await app.show('inspect');
  await importFiles(page, saeFiles);
  await expect(inspect.run).toHaveValue('import-1', { timeout: 120_000 });
  // The fixture's SAE reconstructs its own rows almost exactly (FVU 3e-4 by the CLI test), with
  // k = 2 features per row out of 16.
  await expect(metric('ev')).toHaveText(/^0\.99/);
  await expect(metric('l0')).toHaveText('2');
  await expect(metric('alive')).toHaveText('100 %');
  await expect(warning).toHaveCount(0);
  // Density histogram: every feature is in a bar (none dead), the bands carry their counts.
  const density = page.getByTestId('inspect.densityHist');
  await expect(density.locator('rect.bar').first()).toBeAttached();
  expect((await inspect.barCounts('inspect.densityHist')).reduce((a, b) => a + b, 0)).toBe(16);
  await expect(density.locator('.band-dead')).toHaveAttribute('data-count', '0');

  await app.show('data');
  await data.select('rotated.npy');
  await app.show('inspect');
  await importFiles(page, saeFiles);
  await expect(inspect.run).toHaveValue('import-2', { timeout: 120_000 });
  await expect(warning).toContainText('This SAE does not fit the active dataset');
  await expect(warning).toContainText(/FVU [\d.]+ > 1/);
  await expect(warning).toContainText('another hook point or layer');
  await expect(warning).toContainText('no normalisation: norm factor 1');
});
