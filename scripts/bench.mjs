// `npm run bench`: serves the bench page with Vite, runs it in headless Chromium (WebGPU) and
// prints the tables. Options: --quick (small shapes, few reps), --shapes 'r,D,F;…', --reps N,
// --warmup N, --tiles wgX,wgY,tk.
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
  });
  printGemm(report);
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

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}
