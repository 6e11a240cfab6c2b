// `npm run bench`: serves the bench page with Vite, runs it in headless Chromium (WebGPU) and
// prints the tables. Options: --quick (small shapes and files, few reps), --shapes 'r,D,F;…',
// --reps N, --warmup N, --tiles wgX,wgY,tk; sections --gemm, --steps, --ingest (any of them;
// none runs all). --steps trains each architecture with the reference recipe on lab data and times
// its first steps (k annealed from D) and steps after --train-steps N more (--step-reps N timed
// per phase, --step-k K, --recipe-steps N, --archs softsae,softsae:newton,topk,batchtopk;
// --shapes 'rows,D,F;…');
// --profile adds each kernel's share of a step in both phases. --sparse (sparse vs dense decoder products; --sparse-shapes 'D,F,rows;…',
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
// --match (only when named): cross-SAE feature matching at D = --match-d (64) and each F of
// --match-f (default 4096,8192,16384), seconds per matching (src/sae/decoderMatch.ts).
// --responsiveness (only when named): main-thread long tasks while the app trains the Quick preset
// (--responsiveness-steps N, default 300; scripts/bench-responsiveness.mjs), then while the
// explorer opens feature pages (--feature-pages N, default 12), imports an SAE of
// --explorer-match-f features (default 4096) and matches it with itself, in the dev build and the
// production bundle (scripts/bench-feature-pages.mjs; `--explorer` runs only this part,
// `--explorer-builds dev|prod` one build).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build as viteBuild, createServer, preview } from 'vite';
import { writeBenchNpy } from './bench-files.mjs';
import { runIngestBig } from './bench-ingest-big.mjs';
import { runBigBench, runScaleBench } from './bench-scale.mjs';
import { runExplorerBench } from './bench-feature-pages.mjs';
import { runResponsivenessBench } from './bench-responsiveness.mjs';
import { runTokensBench } from './bench-tokens.mjs';
import { chromiumArgs, findChromium } from './chromium.mjs';
import { benchArgs, gemmRequest, stepRequest } from './bench-args.mjs';
import { printGemm, printProfile, printSparse, printSteps, table } from './bench-print.mjs';

const args = benchArgs(process.argv.slice(2));
const {
  flag,
  value,
  quick,
  reps,
  warmup,
  runs,
  sparseReps,
  stepReps,
  recipeSteps,
  trainSteps,
  f32MB,
  f16MB,
  ingestReps,
  ingestWidth,
  ingestChunkMiB,
} = args;

/**
 * Builds the app for production into a temporary folder with the test hook compiled in
 * (VITE_TEST_HOOK=1; builds users get have none), serves it with `vite preview` and calls
 * `fn(url)`.
 */
async function withProductionBuild(fn) {
  const outDir = mkdtempSync(join(tmpdir(), 'softsae-bench-prod-'));
  process.env.VITE_TEST_HOOK = '1';
  // The dev server started above set NODE_ENV=development for this process, and Vite's build
  // keeps a NODE_ENV it finds: without this, the "production" bundle would carry React's
  // development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
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
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
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
    const report = await page.evaluate((opts) => window.runBench(opts), gemmRequest(args));
    if (runs('--gemm')) printGemm(report, { reps, warmup });
    if (runs('--sparse')) printSparse(report, { sparseReps, warmup });
  }
  if (runs('--steps') || runs('--profile')) {
    const t0 = performance.now();
    const steps = await page.evaluate((opts) => window.runStepBench(opts), stepRequest(args));
    printSteps(steps, (performance.now() - t0) / 1000, { recipeSteps, stepReps, trainSteps });
    if (runs('--profile')) printProfile(steps);
  }
  if (runs('--largest')) {
    const [D, F, B] = value('--largest-shape', '2304,16384,1024').split(',').map(Number);
    const steps = Number(value('--largest-steps', 2));
    const t0 = performance.now();
    const report = await page.evaluate((opts) => window.runLargest(opts), { D, F, B, steps });
    printLargest(report, { D, F, B, steps }, (performance.now() - t0) / 1000);
  }
  if (runs('--match')) {
    const D = Number(value('--match-d', 64));
    const Fs = value('--match-f', quick ? '1024,2048' : '4096,8192,16384')
      .split(',')
      .map(Number);
    const report = await page.evaluate((opts) => window.runMatchBench(opts), { D, Fs });
    console.log(`\nCross-SAE matching (${report.adapter}): D ${D}, both directions`);
    for (const r of report.rows)
      console.log(`  F ${String(r.F).padStart(6)}: ${r.seconds.toFixed(2)} s`);
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
  if (runs('--responsiveness') || runs('--explorer')) {
    // The explorer's heavy views, in the dev build `npm start` serves and in the production bundle.
    const explorer = {
      features: Number(value('--feature-pages', quick ? 4 : 12)),
      steps: 100,
      matchF: Number(value('--explorer-match-f', quick ? 1024 : 4096)),
    };
    const builds = value('--explorer-builds', 'dev,prod').split(',');
    if (builds.includes('dev'))
      await runExplorerBench(browser, `http://127.0.0.1:${port}/`, {
        ...explorer,
        build: 'Vite dev server, React development build',
      });
    if (builds.includes('prod'))
      await withProductionBuild((url) =>
        runExplorerBench(browser, `${url}/`, {
          ...explorer,
          build: 'production build, vite preview',
        }),
      );
  }
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
