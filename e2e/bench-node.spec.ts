// The browserless bench (`npm run bench:node`, scripts/bench-node.mjs) as a GPU server without
// Chromium would run it: the page's bench code bundled for Node, on Dawn's Node bindings. Here it
// runs on the software Vulkan driver Chromium ships (--software), so it needs no GPU; on such a
// server Dawn picks the GPU's driver instead. Speed is not judged: the test checks that both
// sections run and print their tables, that our GEMM equals TF.js's on every layout, and that the
// training steps report a route and active codes.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const ROOT = join(import.meta.dirname, '..');

/** The cells of each Markdown table row of `text` whose first cell matches `first`. */
function tableRows(text: string, first: RegExp): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .filter((cells) => first.test(cells[0]));
}

test('the bench without a browser: GEMMs equal TF.js on every layout, and SoftSAE and TopK steps run both phases', async () => {
  test.setTimeout(240_000);
  const r = spawnSync(
    'node',
    [
      join(ROOT, 'scripts', 'bench-node.mjs'),
      '--software',
      '--rebuild',
      '--gemm',
      '--steps',
      '--quick',
      '--archs',
      'softsae,topk',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 220_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  console.log(r.stdout);
  expect(r.stdout).toMatch(/GEMM: ours vs TensorFlow\.js WebGPU tf\.matMul — .*swiftshader/i);

  // --quick: one shape, (rows, D, F) = (64, 32, 128), in the three layouts.
  const gemm = tableRows(r.stdout, /^\(64, 32, 128\)$/);
  expect(gemm.map((c) => c[1])).toEqual(['NN', 'NT', 'TN']);
  for (const [, layout, , ours, tfjs, , , , maxDiff] of gemm) {
    expect(Number(ours), layout).toBeGreaterThan(0);
    expect(Number(tfjs), layout).toBeGreaterThan(0);
    // Sums of 32 or 64 products of values in [−1, 1): float32 rounding, not a wrong kernel.
    expect(Number(maxDiff), layout).toBeLessThan(1e-4);
  }

  // Step table: the TF.js row, then SoftSAE and TopK in both phases, each with its route.
  const steps = tableRows(r.stdout, /.*/).filter(
    (c) => /^(TF\.js softsae|softsae|topk)$/.test(c[2] ?? '') && /^(any|first|steady)$/.test(c[3]),
  );
  expect(steps.map((c) => `${c[2]} ${c[3]}`)).toEqual([
    'TF.js softsae any',
    'softsae first',
    'softsae steady',
    'topk first',
    'topk steady',
  ]);
  for (const c of steps.slice(1)) {
    const [ms, rowsPerSecond, gemmEq, route, active] = c.slice(6, 11);
    expect(Number(ms)).toBeGreaterThan(0);
    // 64 rows a step: rows/s is 64 000 / ms, to 3 significant digits.
    expect(Number(rowsPerSecond) / (64_000 / Number(ms))).toBeCloseTo(1, 1);
    expect(Number(gemmEq)).toBeGreaterThan(0);
    expect(route).toMatch(/^(s|d|\d+s\/\d+d)$/);
    expect(Number(active)).toBeGreaterThan(0);
  }
  // After training, TopK keeps exactly k = 4 codes a row.
  expect(Number(steps[4][10])).toBe(4);
});
