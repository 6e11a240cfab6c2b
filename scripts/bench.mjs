// `npm run bench`: serves the bench page with Vite, runs it in headless Chromium (WebGPU) and
// prints the tables. Options: --quick (small shapes and files, few reps), --shapes 'r,D,F;…',
// --reps N, --warmup N, --tiles wgX,wgY,tk; sections --gemm, --steps, --ingest (any of them;
// none runs all), --sparse (sparse vs dense decoder products; --sparse-shapes 'D,F,rows;…',
// --ks 'k,k,…'),
// --ingest-mb F32,F16 (generated file sizes in MB, default 512,256), --ingest-reps N,
// --ingest-width D (row width, default 2304), --ingest-chunk-mib A,B,… (chunk sizes, default 8).
// --ingest-big (only when named): a file far larger than the loader's memory budget, with the
// peak JS heap; --ingest-big-mb MB (default 2148, i.e. 2 GiB), --ingest-big-dtype f32|f16,
// --ingest-big-memory-mib MiB (the sampler's budget, default 256), --ingest-big-batch rows.
// --largest (only when named): the memory plan of (D, F, batch) = (2304, 16384, 1024) and 2 SoftSAE
// steps on random rows under the adapter's limits, and what WebGPU's default limits say
// (--largest-shape D,F,B and --largest-steps N to change them).
// --tokens: scrolling the Inspect token view over --tokens-rows rows (default 1 000 000) for
// --tokens-frames animation frames (default 300): per-frame main-thread time (scripts/bench-tokens.mjs).
// --scale (only when named): training rows/s fed from disk (streamed) vs from memory, side by side
// (--scale-mb MB, --scale-width D, --scale-shape F,k,batch,steps, --scale-stream-mib MiB).
// --big (only when named): a 3 GiB float32 .npy and a 6 GiB float16 dataset in 3 shards through
// the app — peak JS heaps and RSS (--big-steps N, --big-shape F,k,batch, --big-eval, --big-only f32|f16).
// Both in scripts/bench-scale.mjs.
// --responsiveness (only when named): main-thread long tasks while the app trains the Quick preset
// (--responsiveness-steps N, default 300; scripts/bench-responsiveness.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build as viteBuild, createServer, preview } from 'vite';
import { writeBenchNpy } from './bench-files.mjs';
import { runIngestBig } from './bench-ingest-big.mjs';
import { runBigBench, runScaleBench } from './bench-scale.mjs';
import { runResponsivenessBench } from './bench-responsiveness.mjs';
import { runTokensBench } from './bench-tokens.mjs';
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

// Sections: --gemm, --steps, --sparse, --ingest, --tokens, --profile select some; none selected runs all
// but --profile and --ingest-big (which writes gigabytes): those run only when named.
const chosen = [
  '--gemm',
  '--ingest',
  '--steps',
  '--sparse',
  '--profile',
  '--ingest-big',
  '--tokens',
  '--scale',
  '--big',
  '--largest',
  '--responsiveness',
].filter(flag);
const onlyWhenNamed = [
  '--ingest-big',
  '--profile',
  '--scale',
  '--big',
  '--largest',
  '--responsiveness',
];
const runs = (section) =>
  chosen.includes(section) || (chosen.length === 0 && !onlyWhenNamed.includes(section));
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
const stepReps = quick ? 3 : 5;
const stepShapes = shapesArg
  ? shapesArg.split(';').map((t) => {
      const [rows, D, F] = t.split(',').map(Number);
      return [D, F, rows];
    })
  : quick
    ? [[16, 64, 64]]
    : [
        [64, 512, 256],
        [128, 1024, 256],
        [128, 2048, 256],
      ];
const [f32MB, f16MB] = value('--ingest-mb', quick ? '16,8' : '512,256')
  .split(',')
  .map(Number);
const ingestReps = Number(value('--ingest-reps', quick ? 1 : 2));
const ingestWidth = Number(value('--ingest-width', 2304));
const ingestChunkMiB = value('--ingest-chunk-mib', '8').split(',').map(Number);

/**
 * Builds the app for production into a temporary folder with the test hook compiled in
 * (VITE_TEST_HOOK=1; builds users get have none), serves it with `vite preview` and calls
 * `fn(url)`.
 */
async function withProductionBuild(fn) {
  const outDir = mkdtempSync(join(tmpdir(), 'softsae-bench-prod-'));
  process.env.VITE_TEST_HOOK = '1';
  try {
    await viteBuild({ logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const prod = await preview({
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0 },
    });
    try {
      await fn(prod.resolvedUrls.local[0].replace(/\/$/, ''));
    } finally {
      await prod.close();
    }
  } finally {
    delete process.env.VITE_TEST_HOOK;
    rmSync(outDir, { recursive: true, force: true });
  }
}

const server = await createServer({
  // No file watching or HMR: a long run must not reload when sources change on disk.
  server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
  logLevel: 'warn',
});
await server.listen();
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath: findChromium(undefined) ?? undefined,
  // Exact heap figures for the ingestion table (performance.memory is otherwise bucketed), and
  // gc() so each measurement starts from a collected heap.
  args: [...chromiumArgs(), '--enable-precise-memory-info', '--js-flags=--expose-gc'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => process.stderr.write(`  ${m.text()}\n`));
  page.setDefaultTimeout(0);
  await page.goto(`http://127.0.0.1:${port}/bench/index.html`);
  await page.waitForFunction(() => typeof window.runBench === 'function');
  if (runs('--gemm') || runs('--sparse')) {
    const report = await page.evaluate((opts) => window.runBench(opts), {
      shapes,
      reps,
      warmup,
      tiles,
      skipGemm: !runs('--gemm'),
      sparse: runs('--sparse') ? { shapes: sparseShapes, ks, reps: sparseReps, warmup } : undefined,
    });
    if (runs('--gemm')) printGemm(report);
    if (runs('--sparse')) printSparse(report);
  }
  if (runs('--steps')) {
    const steps = await page.evaluate((opts) => window.runStepBench(opts), {
      shapes: stepShapes,
      reps: stepReps,
      warmup: 2,
    });
    printSteps(steps);
  }
  if (runs('--profile')) {
    const report = await page.evaluate((opts) => window.runProfile(opts), {
      shapes: stepShapes,
      k: 32,
      reps: quick ? 3 : 5,
    });
    printProfile(report);
  }
  if (runs('--largest')) {
    const [D, F, B] = value('--largest-shape', '2304,16384,1024').split(',').map(Number);
    const steps = Number(value('--largest-steps', 2));
    const t0 = performance.now();
    const report = await page.evaluate((opts) => window.runLargest(opts), { D, F, B, steps });
    printLargest(report, { D, F, B, steps }, (performance.now() - t0) / 1000);
  }
  if (runs('--ingest-big'))
    await runIngestBig(page, {
      mb: Number(value('--ingest-big-mb', quick ? 64 : 2148)),
      width: ingestWidth,
      dtype: value('--ingest-big-dtype', 'f32'),
      memoryMiB: Number(value('--ingest-big-memory-mib', quick ? 16 : 256)),
      batchSize: Number(value('--ingest-big-batch', 4096)),
    });
  if (runs('--responsiveness'))
    await runResponsivenessBench(browser, `http://127.0.0.1:${port}/`, {
      steps: Number(value('--responsiveness-steps', quick ? 100 : 300)),
    });
  if (runs('--tokens')) {
    const opts = {
      rows: Number(value('--tokens-rows', quick ? 100_000 : 1_000_000)),
      frames: Number(value('--tokens-frames', quick ? 120 : 300)),
    };
    await runTokensBench(browser, `http://127.0.0.1:${port}`, {
      ...opts,
      build: 'Vite dev server, React development build',
    });
    // What users run: the production bundle (built here with the test hook, VITE_TEST_HOOK=1).
    await withProductionBuild((url) =>
      runTokensBench(browser, url, { ...opts, build: 'production build, vite preview' }),
    );
  }
  const appUrl = `http://127.0.0.1:${port}/`;
  if (runs('--scale')) {
    const [F, k, batch, steps] = value('--scale-shape', quick ? '256,8,256,30' : '1024,16,512,60')
      .split(',')
      .map(Number);
    await runScaleBench(browser, appUrl, {
      mb: Number(value('--scale-mb', quick ? 32 : 96)),
      width: Number(value('--scale-width', 256)),
      F,
      k,
      batch,
      steps,
      warm: Math.max(3, Math.round(steps / 6)),
      streamMiB: Number(value('--scale-stream-mib', 16)),
    });
  }
  if (runs('--big')) {
    const [F, k, batch] = value('--big-shape', '64,8,256').split(',').map(Number);
    await runBigBench(browser, appUrl, {
      steps: Number(value('--big-steps', 100)),
      F,
      k,
      batch,
      memoryMiB: Number(value('--big-memory-mib', 256)),
      evaluate: flag('--big-eval'),
      only: value('--big-only', undefined),
    });
  }
  const dir = runs('--ingest') ? mkdtempSync(join(tmpdir(), 'softsae-bench-')) : null;
  if (dir)
    try {
      const t0 = performance.now();
      const files = [
        writeBenchNpy(join(dir, `acts_f32_${f32MB}MB.npy`), 'f32', f32MB, ingestWidth),
        writeBenchNpy(join(dir, `acts_f16_${f16MB}MB.npy`), 'f16', f16MB, ingestWidth),
      ];
      const writeSeconds = (performance.now() - t0) / 1000;
      await page.locator('#ingest-files').setInputFiles(files.map((f) => f.path));
      const t1 = performance.now();
      const ingest = await page.evaluate((opts) => window.runIngestBench(opts), {
        reps: ingestReps,
        chunkMiB: ingestChunkMiB,
      });
      printIngest(ingest, writeSeconds, (performance.now() - t1) / 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
} finally {
  await browser.close();
  await server.close();
}

function printLargest(r, { D, F, B, steps }, seconds) {
  const mib = (n) => `${(n / 2 ** 20).toFixed(n < 2 ** 24 ? 2 : 1)} MiB`;
  const num = (n) => n.toLocaleString('en-US');
  console.log(`\nLargest shape: (D, F, batch) = (${D}, ${F}, ${B}), SoftSAE, ${steps} steps`);
  console.log('Memory plan (src/sae/memoryPlan.ts): bytes per buffer; each tensor ×4 =');
  console.log('parameters, gradient, Adam m, Adam v, each in its own GPU buffer\n');
  table(
    ['tensor / workspace', 'shape', 'bytes each', '×', 'bytes'],
    r.rows.map((x) => [
      x.row,
      x.shape,
      num(x.each),
      String(x.count),
      `${num(x.bytes)} (${mib(x.bytes)})`,
    ]),
  );
  console.log(`total: ${num(r.total)} bytes (${mib(r.total)})`);
  for (const [name, p] of [
    ["adapter's limits", r.adapterLimits],
    ['?limits=default', r.defaultLimits],
  ]) {
    console.log(
      `\n${name} (${p.adapter}): maxStorageBufferBindingSize ${num(p.maxStorageBufferBindingSize)}, ` +
        `maxBufferSize ${num(p.maxBufferSize)}; largest batch that fits: ${num(p.largestBatch)}`,
    );
    console.log(p.problem ? `  refused: ${p.problem}` : '  plan fits');
  }
  if (r.run) {
    const { run } = r;
    console.log(
      `\nRun under the adapter's limits: trainer created in ${(run.createMs / 1000).toFixed(1)} s; ` +
        `GPU bytes (ledger, live buffers): ${num(run.ledgerBytes)} (${mib(run.ledgerBytes)}) ` +
        `in ${run.ledgerBuffers} buffers`,
    );
    console.log('  largest: ' + run.largest.map((b) => `${b.label} ${num(b.bytes)}`).join(', '));
    run.steps.forEach((s, i) => {
      const m = run.metrics.find((x) => x.step === i);
      console.log(
        `  step ${i}: ${(s.totalMs / 1000).toFixed(1)} s (host encode + submit ` +
          `${(s.hostMs / 1000).toFixed(1)} s${i === 0 ? ', incl. the geometric median' : ''})` +
          (m ? `; loss ${m.loss.toPrecision(5)}, grad norm ${m.gradNorm.toPrecision(4)}` : ''),
      );
    });
    console.log(`  GPU errors: ${run.gpuErrors.length ? run.gpuErrors.join('; ') : 'none'}`);
  }
  console.log(`wall time of this section: ${seconds.toFixed(0)} s`);
}

function printSteps(report) {
  console.log(
    `\nTraining step: ours vs the same SoftSAE step in plain TensorFlow.js — ${report.adapter}`,
  );
  console.log(
    `median of ${stepReps} after 2 warm-up, wall time submit→done, same device; GEMM-eq = step ms / ms of one\n` +
      'dense rows×D×F GEMM (ours, x·W_encᵀ); k = 32 (BatchTopK: 32·rows per batch), batch = rows;\n' +
      'decoder products and ∂W_enc over the active codes (dense GEMMs when the lists overflow)\n',
  );
  const head = [
    '(D, F, rows)',
    'GEMM ms',
    'SoftSAE ms',
    'GEMM-eq',
    'TopK ms',
    'GEMM-eq',
    'BatchTopK ms',
    'GEMM-eq',
    'SoftSAE+aux ms',
    'GEMM-eq',
    'TF.js SoftSAE ms',
    'TF.js / ours',
  ];
  const eq = (ms, r) => (ms / r.gemmMs).toFixed(1);
  const rows = report.rows.map((r) => [
    `(${r.D}, ${r.F}, ${r.rows})`,
    r.gemmMs.toFixed(2),
    r.softsaeMs.toFixed(1),
    eq(r.softsaeMs, r),
    r.topkMs.toFixed(1),
    eq(r.topkMs, r),
    r.batchtopkMs.toFixed(1),
    eq(r.batchtopkMs, r),
    r.softsaeAuxMs.toFixed(1),
    eq(r.softsaeAuxMs, r),
    r.tfjsMs.toFixed(1),
    (r.tfjsMs / r.softsaeMs).toFixed(2),
  ]);
  table(head, rows);
  console.log(
    '\nSoftSAE+aux: the same SoftSAE step with the aux-k kernels running (dead_feature_threshold =\n' +
      'one batch); the other columns use the default threshold (10M rows), so no feature can be\n' +
      'dead yet and the host does not encode the aux kernels.',
  );
}

function printProfile(report) {
  console.log(`\nWhere a training step's time goes — ${report.adapter}`);
  console.log(
    'each dispatch of one step replayed alone (median of reps, timestamp queries when available),\n' +
      'summed per pipeline; GEMM-eq = ms / ms of the encoder GEMM (rows×D×F, the unit)\n',
  );
  for (const p of report.profiles) {
    const unit = p.rows.find((r) => r.label.startsWith('Sae.encoder'))?.ms ?? NaN;
    const total = p.rows.reduce((s, r) => s + r.ms, 0);
    console.log(
      `${p.arch} (D, F, rows) = (${p.shape.join(', ')}): total ${total.toFixed(1)} ms = ${(total / unit).toFixed(2)} GEMM-eq`,
    );
    table(
      ['pipeline', 'dispatches', 'ms', 'GEMM-eq', 'share'],
      p.rows.map((r) => [
        r.label,
        String(r.dispatches),
        r.ms.toFixed(2),
        (r.ms / unit).toFixed(2),
        `${((100 * r.ms) / total).toFixed(1)}%`,
      ]),
    );
  }
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

function printIngest(rows, writeSeconds, seconds) {
  console.log(
    `\nIngestion: streaming loader vs plain Blob.slice().arrayBuffer(), same bytes, same chunks`,
  );
  console.log(
    `.npy files written by Node, given to the page through <input type=file> (disk-backed Files, ` +
      `warm page cache); main thread of headless Chromium; MB/s = 10^6 bytes of data per second, ` +
      `median of ${ingestReps} after 1 warm-up; heap = ${rows[0]?.heapSource ?? ''}: base after gc(), peak sampled after every read\n`,
  );
  const head = [
    'file',
    'rows × D',
    'data MB',
    'chunk MiB',
    'plain MB/s',
    'decode MB/s',
    'stats MB/s',
    'stats/plain',
    'decode/plain',
    'worker MB/s',
    'heap base MiB',
    'plain peak MiB',
    'decode peak MiB',
    'stats peak MiB',
  ];
  table(
    head,
    rows.map((r) => [
      r.file,
      `${r.rows} × ${r.width}`,
      r.dataMB.toFixed(0),
      r.chunkMiB.toFixed(2),
      r.plainMBs.toFixed(0),
      r.decodeMBs.toFixed(0),
      r.statsMBs.toFixed(0),
      (r.statsMBs / r.plainMBs).toFixed(2),
      (r.decodeMBs / r.plainMBs).toFixed(2),
      r.workerMBs.toFixed(0),
      r.baseMiB.toFixed(1),
      r.plainPeakMiB.toFixed(1),
      r.decodePeakMiB.toFixed(1),
      r.statsPeakMiB.toFixed(1),
    ]),
  );
  console.log(
    '\nplain = slice().arrayBuffer() only, one read after the other (the baseline); decode = + .npy\n' +
      'rows decoded to float32 in an ordered pass (next chunk read while this one is decoded, each\n' +
      'chunk freed once used);\n' +
      'stats = the loader: open + one pass of mean, norm factor, min/max and NaN/Inf scan;\n' +
      'worker = the same pass in the ingestion worker (open + stats requests), timed from the page.\n' +
      `ingestion section: files written in ${writeSeconds.toFixed(1)} s, measured in ${seconds.toFixed(1)} s`,
  );
}

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}
