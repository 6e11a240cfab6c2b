// `npm run bench:node`: the GEMM and training-step benches with no browser, for a GPU server that
// has Node and a Vulkan (or Metal, D3D12) driver but no Chromium and no network. The page's own
// bench code (bench/runners.ts) is bundled for Node with Vite and runs on Dawn — the WebGPU
// implementation inside Chromium — through its Node bindings (the `webgpu` package). Same flags
// and same tables as `npm run bench` (scripts/bench-args.mjs, scripts/bench-print.mjs):
//   --gemm, --sparse, --steps, --profile (none: the first three), --shapes, --reps, --warmup, --tiles,
//   --archs, --step-k, --step-reps, --recipe-steps, --train-steps, --quick.
// Only here:
//   --dawn 'key=value,…'  Dawn's Node options, e.g. 'backend=vulkan' or 'adapter=NVIDIA'
//                         (default: Dawn picks the adapter; 'enable-dawn-features=…' works too);
//   --rebuild             bundle again even when dist-bench-node/ is there;
//   --software            run on the software Vulkan driver (SwiftShader) that Chromium ships,
//                         for a machine without a GPU: the same adapter as `npm run bench`.
// $SOFTSAE_WEBGPU names a folder holding the `webgpu` package when node_modules has none (a copy
// carried to a machine without npm: its index.js and dist/<platform>-<arch>/dawn.node).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchArgs, gemmRequest, stepRequest } from './bench-args.mjs';
import { swiftShaderVulkanEnv } from './chromium.mjs';
import { printGemm, printProfile, printSparse, printSteps } from './bench-print.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'dist-bench-node');
const BUNDLE = join(OUT_DIR, 'node.mjs');

const args = benchArgs(process.argv.slice(2));

// --software: the Vulkan loader reads its library path at process start, so the bench runs again
// in a child process whose environment names Chromium's loader and SwiftShader.
if (args.flag('--software') && !process.env.SOFTSAE_BENCH_SOFTWARE) {
  const env = swiftShaderVulkanEnv();
  if (!env) {
    console.error('bench-node: --software needs Chromium with its SwiftShader Vulkan driver');
    process.exit(1);
  }
  const argv = [fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const child = spawnSync(process.execPath, argv, {
    stdio: 'inherit',
    env: { ...process.env, ...env, SOFTSAE_BENCH_SOFTWARE: '1' },
  });
  process.exit(child.status ?? 1);
}
const log = (s) => process.stderr.write(`  ${s}\n`);

/** The `webgpu` package's entry: $SOFTSAE_WEBGPU, else the one node_modules resolves. */
function webgpuEntry() {
  const dir = process.env.SOFTSAE_WEBGPU;
  if (dir) return join(dir, 'index.js');
  try {
    return createRequire(import.meta.url).resolve('webgpu');
  } catch {
    throw new Error(
      'the `webgpu` package (Dawn for Node) is not installed: `npm install --no-save webgpu`, or set SOFTSAE_WEBGPU to a copy of it',
    );
  }
}

/** Bundles bench/node.ts and everything it imports (WGSL as text) into one ES module. */
async function bundle() {
  if (existsSync(BUNDLE) && !args.flag('--rebuild')) return;
  const { build } = await import('vite');
  await build({
    root: ROOT,
    logLevel: 'warn',
    build: {
      ssr: 'bench/node.ts',
      outDir: OUT_DIR,
      emptyOutDir: true,
      sourcemap: false,
      rollupOptions: { output: { entryFileNames: 'node.mjs' } },
    },
    // Every import is bundled: the result runs where node_modules is absent.
    ssr: { noExternal: true, target: 'node' },
  });
}

await bundle();
const { create, globals } = await import(pathToFileURL(webgpuEntry()).href);
// GPUBufferUsage, GPUMapMode, … as a page has them; navigator.gpu is the entry point the engine
// asks for (src/gpu/device.ts). Node 20 has no navigator; later versions have one without gpu.
Object.assign(globalThis, globals);
const dawnOptions = (args.value('--dawn', '') ?? '').split(',').filter(Boolean);
const gpu = create(dawnOptions);
if (globalThis.navigator) Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu });
else globalThis.navigator = { gpu, userAgent: `Node.js ${process.version}` };

const { runGemmBench, runStepBench } = await import(pathToFileURL(BUNDLE).href);
if (args.runs('--gemm') || args.runs('--sparse')) {
  const report = await runGemmBench(gemmRequest(args), log);
  if (args.runs('--gemm')) printGemm(report, args);
  if (args.runs('--sparse')) printSparse(report, args);
}
if (args.runs('--steps') || args.runs('--profile')) {
  const t0 = performance.now();
  const report = await runStepBench(stepRequest(args), log);
  printSteps(report, (performance.now() - t0) / 1000, args);
  if (args.runs('--profile')) printProfile(report);
}
// Dawn's instance keeps the event loop alive.
process.exit(0);
