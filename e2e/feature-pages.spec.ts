// Feature pages and labels as a person uses them, on real Chromium WebGPU: train a small SoftSAE on
// the built-in quick corpus from the Train form, open its most frequent feature in Inspect, and
// check the page against the run's codes as downloaded with Inspect's "Codes (.safetensors)"
// button and read here with this test's own parser: the co-occurrence list equals the Jaccard
// ranking computed here from the codes, and each quantile band's contexts have activations inside
// the band, whose bounds equal the quantiles computed here. Then a label and note typed on the
// feature page survive a reload (the saved run resumed), are found by the feature table's search
// and appear in the feature CSV and the codes file's metadata.
import { expect, test } from '@playwright/test';
import { QUICK_OPTIONS } from '../src/data/demo';
import { openTrainOn } from './pages/flows';
import { InspectPage, parseCsv } from './pages/inspect';

const ROWS = QUICK_OPTIONS.sequences * QUICK_OPTIONS.sequenceLength;
const SETTINGS = {
  dict_size: '32',
  k: '4',
  k_max: '16',
  batch_size: '64',
  steps: '120',
  warmup_steps: '10',
  hard_topk_steps: '30',
};
/** What the feature page shows (src/components/inspect/FeatureBands.tsx, Cooccurrence.tsx). */
const TOP_N = 16;
const BANDS = 5;
const COOCCUR_N = 10;

/** The codes file: per row, its features and values; and the file's metadata. */
async function downloadCodes(inspect: InspectPage) {
  const { bytes } = await inspect.download('inspect.exportCodes');
  const n = Number(bytes.readBigUInt64LE(0));
  const h = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const at = (name: string) => bytes.subarray(8 + n + h[name].data_offsets[0]);
  const feats: number[][] = Array.from({ length: ROWS }, () => []);
  const vals: number[][] = Array.from({ length: ROWS }, () => []);
  for (let i = 0; i < h.activations.shape[0]; i++) {
    const seq = Number(at('locations').readBigInt64LE(24 * i));
    const pos = Number(at('locations').readBigInt64LE(24 * i + 8));
    const row = seq * QUICK_OPTIONS.sequenceLength + pos;
    feats[row].push(Number(at('locations').readBigInt64LE(24 * i + 16)));
    vals[row].push(at('activations').readFloatLE(4 * i));
  }
  return { feats, vals, metadata: h.__metadata__ as Record<string, string> };
}

test('a feature page: co-occurrence and quantile bands match the codes; its label survives a reload and is exported', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const { app, train } = await openTrainOn(page, 'Quick');
  await train.preset.selectOption('quick');
  await train.set(SETTINGS);
  await expect(train.errors).toHaveCount(0);
  await train.start.click();
  await train.waitDone();
  await app.show('inspect');
  const inspect = new InspectPage(page);

  // The most frequent feature: the table is sorted by count, descending.
  const first = inspect.featureRows.first();
  const j = Number(await first.getAttribute('data-feature'));
  await first.getByRole('button').click();
  await expect(inspect.feature).toHaveAttribute('data-feature', String(j));

  const codes = await downloadCodes(inspect);
  const actOf = (r: number, f: number) => {
    const i = codes.feats[r].indexOf(f);
    return i < 0 ? 0 : codes.vals[r][i];
  };
  const rowsOf = (f: number) => codes.feats.flatMap((fs, r) => (fs.includes(f) ? [r] : []));

  // Co-occurrence, from the codes: Jaccard |A∩B| / |A∪B| of the row sets, ties by |A∩B|, index.
  const A = new Set(rowsOf(j));
  const want = Array.from({ length: 32 }, (_, c) => c)
    .filter((c) => c !== j)
    .map((c) => {
      const B = rowsOf(c);
      const both = B.filter((r) => A.has(r)).length;
      return { c, both, fires: B.length, jaccard: both / (A.size + B.length - both) };
    })
    .filter((e) => e.both > 0)
    .sort((x, y) => y.jaccard - x.jaccard || y.both - x.both || x.c - y.c)
    .slice(0, COOCCUR_N);
  const rows = page.getByTestId('inspect.cooccurRow');
  await expect(rows).toHaveCount(want.length, { timeout: 60_000 });
  const shown = await rows.evaluateAll((trs) =>
    trs.map((tr) => {
      const d = (tr as HTMLElement).dataset;
      return {
        c: Number(d.feature),
        both: Number(d.both),
        fires: Number(d.fires),
        jac: Number(d.jaccard),
      };
    }),
  );
  console.log(
    `co-occurrence of feature ${j} (fires on ${A.size} of ${ROWS} rows): ` +
      shown.map((s) => `${s.c} (${s.both}, J ${s.jac.toFixed(3)})`).join(', '),
  );
  expect(shown.map(({ c, both, fires }) => ({ c, both, fires }))).toEqual(
    want.map(({ c, both, fires }) => ({ c, both, fires })),
  );
  shown.forEach((s, i) => expect(s.jac).toBeCloseTo(want[i].jaccard, 12));
  await expect(page.getByTestId('inspect.cooccur')).toHaveAttribute('data-fires', String(A.size));

  // Quantile bands, from the codes: the nonzero activations sorted descending (ties: row),
  // the top 16 apart, the rest in 5 bands of equal count.
  const sorted = [...A].map((r) => ({ r, v: actOf(r, j) })).sort((x, y) => y.v - x.v || x.r - y.r);
  const T = Math.min(TOP_N, sorted.length);
  const R = sorted.length - T;
  const wantBands = Array.from({ length: BANDS }, (_, b) => ({
    start: T + Math.floor((b * R) / BANDS),
    end: T + Math.floor(((b + 1) * R) / BANDS),
  })).filter((b) => b.end > b.start);
  expect(wantBands.length, 'the most frequent feature fires well beyond its top 16').toBe(BANDS);
  const bands = page.getByTestId('inspect.band');
  await expect(bands).toHaveCount(wantBands.length);
  for (let b = 0; b < wantBands.length; b++) {
    const band = bands.nth(b);
    const { start, end } = wantBands[b];
    const [lo, hi] = [sorted[end - 1].v, sorted[start].v];
    expect(Number(await band.getAttribute('data-start'))).toBe(start);
    expect(Number(await band.getAttribute('data-end'))).toBe(end);
    expect(Number(await band.getAttribute('data-lo'))).toBe(lo);
    expect(Number(await band.getAttribute('data-hi'))).toBe(hi);
    const samples = await band
      .locator('li')
      .evaluateAll((lis) =>
        lis.map((li) => [
          Number((li as HTMLElement).dataset.row),
          Number((li as HTMLElement).dataset.value),
        ]),
      );
    expect(samples.length).toBe(Math.min(5, end - start));
    for (const [r, v] of samples) {
      expect(v, `row ${r} shown with the activation the codes give it`).toBe(actOf(r, j));
      expect(v >= lo && v <= hi, `row ${r}: ${v} inside band ${b} [${lo}, ${hi}]`).toBe(true);
    }
    console.log(
      `band ${b}: ranks ${start}–${end - 1}, [${lo}, ${hi}], rows ${samples.map((s) => s[0]).join(' ')}`,
    );
  }
  // Context tokens carry the feature's activation on them, as in the codes.
  const ctx = await page
    .getByTestId('inspect.topTokens')
    .locator('.ctx')
    .evaluateAll((els) =>
      els.map((e) => [
        Number((e as HTMLElement).dataset.row),
        Number((e as HTMLElement).dataset.act),
      ]),
    );
  expect(ctx.length).toBeGreaterThan(0);
  for (const [r, v] of ctx) expect(v, `context row ${r}`).toBe(actOf(r, j));

  // A label and note, typed on the feature page (markup in them stays text).
  const LABEL = 'start of <b>clause</b>';
  const NOTE = '=SUM(A1), fires with its neighbours';
  await page.getByTestId('inspect.featureLabel').fill(LABEL);
  await page.getByTestId('inspect.featureNote').fill(NOTE);
  await expect(page.getByTestId('inspect.labelSaved')).toHaveAttribute('data-state', 'saved');
  await expect(inspect.panel.locator('b')).toHaveCount(0);

  await page.reload();
  const again = await openTrainOn(page, 'Quick');
  const saved = again.train.savedRuns;
  await expect(saved).toHaveCount(1);
  await expect(saved.first()).toContainText('step 120 / 120');
  await saved.first().getByTestId('ckpt.resume').click();
  await again.train.waitDone();
  await again.app.show('inspect');

  // Found by a words of its label in the feature table, shown on its page.
  await page.getByTestId('inspect.featureSearch').fill('CLAUSE');
  await expect(inspect.featureRows).toHaveCount(1);
  await expect(inspect.featureRows.first()).toHaveAttribute('data-feature', String(j));
  await expect(inspect.featureRows.first().getByTestId('inspect.featureRowLabel')).toHaveValue(
    LABEL,
  );
  await inspect.featureRows.first().getByRole('button').click();
  await expect(page.getByTestId('inspect.featureLabel')).toHaveValue(LABEL);
  await expect(page.getByTestId('inspect.featureNote')).toHaveValue(NOTE);

  // In the feature CSV (the note defused against formulas) and in the codes file.
  const csv = parseCsv(await inspect.downloadText('inspect.exportFeatures'));
  expect(csv[0]).toEqual(['feature', 'count', 'frequency', 'mean', 'max', 'label', 'note']);
  expect(csv).toHaveLength(33);
  expect(csv[j + 1].slice(5)).toEqual([LABEL, `'${NOTE}`]);
  const others = csv.slice(1).filter((_, f) => f !== j);
  expect(others.every((r) => r[5] === '' && r[6] === '')).toBe(true);
  const meta = (await downloadCodes(inspect)).metadata;
  expect(JSON.parse(meta.feature_labels).features).toEqual([
    { feature: j, label: LABEL, note: NOTE },
  ]);
});
