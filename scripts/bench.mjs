// `npm run bench`: serves the bench page with Vite, runs it in headless Chromium (WebGPU) and
// prints the tables. Options: --quick (small shapes, few reps), --shapes 'r,D,F;…', --reps N,
// --warmup N, --tiles wgX,wgY,tk. Sparse table: --sparse (only the sparse table),
// --sparse-shapes 'D,F,rows;…', --ks 'k,k,…'.
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { chromiumArgs, findChromium } from './chromium.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};

const quick = flag('--quick');
const shapesArg = value('--shapes', undefined); // e.g. "256,64,512;1024,256,2048"
const shapes = shapesArg
  ? shapesArg.split(';').map((s) => s.split(',').map(Number))
  : quick
    ? [[64, 32, 128]]
    : [
        [256, 64, 512],
        [256, 128, 1024],
        [1024, 256, 2048],
      ];
const reps = Number(value('--reps', quick ? 3 : 7));
const warmup = Number(value('--warmup', 2));
const sparseOnly = flag('--sparse');
const sparseShapesArg = value('--sparse-shapes', undefined);
const sparseShapes = sparseShapesArg
  ? sparseShapesArg.split(';').map((s) => s.split(',').map(Number))
  : quick
    ? [[32, 128, 64]]
    : [
        [64, 512, 256],
        [128, 1024, 256],
        [128, 2048, 256],
        [128, 1024, 1024],
      ];
const ks = value('--ks', quick ? '4,16' : '8,32,128')
  .split(',')
  .map(Number);
const sparseReps = Math.max(reps, quick ? 3 : 5);
const tilesArg = value('--tiles', undefined);
const tiles = tilesArg
  ? Object.fromEntries(tilesArg.split(',').map((v, i) => [['wgX', 'wgY', 'tk'][i], Number(v)]))
  : undefined;

const server = await createServer({ server: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
await server.listen();
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath: findChromium(undefined) ?? undefined,
  args: chromiumArgs(),
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => process.stderr.write(`  ${m.text()}\n`));
  page.setDefaultTimeout(0);
  await page.goto(`http://127.0.0.1:${port}/bench/index.html`);
  await page.waitForFunction(() => typeof window.runBench === 'function');
  const report = await page.evaluate((opts) => window.runBench(opts), {
    shapes,
    reps,
    warmup,
    tiles,
    skipGemm: sparseOnly,
    sparse: { shapes: sparseShapes, ks, reps: sparseReps, warmup },
  });
  if (!sparseOnly) printGemm(report);
  printSparse(report);
} finally {
  await browser.close();
  await server.close();
}

function printGemm(report) {
  console.log(`\nGEMM: ours vs TensorFlow.js WebGPU tf.matMul — ${report.adapter}`);
  console.log(
    `median of ${reps} timed reps after ${warmup} warm-up, wall time submit→done, same device\n`,
  );
  const head = [
    '(rows, D, F)',
    'layout',
    'M×K×N',
    'ours ms',
    'TF.js ms',
    'ours GFLOP/s',
    'TF.js GFLOP/s',
    'ratio',
    'max|Δ|',
  ];
  const rows = report.gemm.map((r) => [
    `(${r.rows}, ${r.D}, ${r.F})`,
    r.layout.toUpperCase(),
    `${r.M}×${r.K}×${r.N}`,
    r.oursMs.toFixed(2),
    r.tfjsMs.toFixed(2),
    r.oursGflops.toFixed(2),
    r.tfjsGflops.toFixed(2),
    r.ratio.toFixed(2),
    r.maxAbsDiff.toExponential(1),
  ]);
  table(head, rows);
  console.log('\nratio = TF.js ms / ours ms (≥ 1 means ours is at least as fast)');
}

function printSparse(report) {
  const { emptyMs, rows: data } = report.sparse;
  console.log(`\nSparse vs dense decoder (k active codes per row) — ${report.adapter}`);
  console.log(
    `median of ${sparseReps} timed reps after ${warmup} warm-up, wall time submit→done per ` +
      `kernel, same device; an empty submit takes ${emptyMs.toFixed(2)} ms (included in each)\n`,
  );
  const head = [
    '(D, F, rows)',
    'k',
    'dense fwd',
    'sparse fwd',
    'CSR',
    'fwd ×',
    'fwd × w/ CSR',
    'dense ∂W',
    'sparse ∂W',
    'CSC',
    '∂W ×',
    '∂W × w/ CSC',
    'max|Δ|',
  ];
  const x = (a, b) => (a / b).toFixed(1);
  const rows = data.map((r) => [
    `(${r.D}, ${r.F}, ${r.rows})`,
    String(r.k),
    r.denseFwdMs.toFixed(2),
    r.sparseFwdMs.toFixed(2),
    r.csrMs.toFixed(2),
    x(r.denseFwdMs, r.sparseFwdMs),
    x(r.denseFwdMs, r.sparseFwdMs + r.csrMs),
    r.denseDWMs.toFixed(2),
    r.sparseDWMs.toFixed(2),
    r.cscMs.toFixed(2),
    x(r.denseDWMs, r.sparseDWMs),
    x(r.denseDWMs, r.sparseDWMs + r.cscMs),
    r.maxAbsDiff.toExponential(1),
  ]);
  table(head, rows);
  console.log(
    '\ntimes in ms; × = dense ms / sparse ms. fwd: x̂ = f·W_decᵀ + b_dec (dense: GEMM nn); ' +
      '∂W: ∂W_decᵀ = fᵀ·g (dense: GEMM tn).\nCSR = dense codes → row lists (built once per ' +
      'step, shared by x̂, ∂f and the CSC); CSC = row lists → feature lists (for ∂W).',
  );
  // Growth: pairs of rows that differ in one of F, k, rows only.
  const cols = [
    ['sparse fwd', 'sparseFwdMs'],
    ['CSR', 'csrMs'],
    ['sparse ∂W', 'sparseDWMs'],
    ['CSC', 'cscMs'],
    ['dense fwd', 'denseFwdMs'],
    ['dense ∂W', 'denseDWMs'],
  ];
  const lines = [];
  for (const attr of ['F', 'k', 'rows']) {
    const others = ['D', 'F', 'k', 'rows'].filter((a) => a !== attr);
    const groups = new Map();
    for (const r of data) {
      const key = others.map((a) => `${a}=${r[a]}`).join(', ');
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, g] of groups) {
      if (g.length < 2) continue;
      g.sort((a, b) => a[attr] - b[attr]);
      const [lo, hi] = [g[0], g[g.length - 1]];
      const growth = cols.map(([n, c]) => `${n} ×${(hi[c] / lo[c]).toFixed(2)}`).join(', ');
      lines.push(
        `  ${attr} ${lo[attr]}→${hi[attr]} (×${hi[attr] / lo[attr]}) at ${key}: ${growth}`,
      );
    }
  }
  if (lines.length) console.log(`\nhow the cost grows:\n${lines.join('\n')}`);
}

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}
