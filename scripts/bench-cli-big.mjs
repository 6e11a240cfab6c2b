// `node scripts/bench-cli-big.mjs [--only 3gib|6gib] [--dict 16] [--k 8] [--steps 20] [--big-steps 100]
//  [--batch 256] [--memory-mib 256] [--keep]`: the command line on files larger than memory allows
// to hold whole, with the memory each process used.
//   3gib: one generated 3 GiB float32 .npy (1,050,000 × 768): `softsae info`, `softsae train`
//         (a small dictionary, a few steps, its final evaluation on the first --eval-rows rows)
//         and `softsae eval` over every row.
//   6gib: 6 GiB of float16 in 3 shards (3 × 1,048,576 × 1024): `softsae train --data-check yes`
//         (one epoch of the stream and its checksum, against NumPy's), then 100 steps.
// The software adapter evaluated 1,050,000 rows of D = 768 in 99 minutes (a busy 2-core machine),
// so the training runs end
// with an evaluation of the first --eval-rows (65,536) rows; `eval` covers every row.
// Each browser command runs with --memory-report (the peak JS heap of the page and of each worker,
// through the DevTools protocol, and the peak RSS of each Chromium process); the Node process and
// the whole process tree are sampled here from /proc every 100 ms. Linux only. Needs
// `npm run build:cli`. Files go to a temporary folder, deleted afterwards (unless --keep).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchNpy } from './bench-files.mjs';
import { processTree, statusBytes } from './memory-probe.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const num = (name, dflt) => Number(opt(name, dflt));
const ONLY = opt('only', null);
const DICT = num('dict', 16);
const K = num('k', 8);
const STEPS = num('steps', 20);
const BIG_STEPS = num('big-steps', 100);
const BATCH = num('batch', 256);
const BUDGET = num('memory-mib', 256);
const EVAL_ROWS = num('eval-rows', 65536);
const CLI = join(import.meta.dirname, '..', 'bin', 'softsae.mjs');
const MiB = 2 ** 20;

/** Runs the command line, sampling its process tree's RSS; resolves with its output and peaks. */
function measure(cliArgs) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...cliArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(`  ${String(d).trimEnd().split('\n').join('\n  ')}\n`);
    });
    let treePeak = 0;
    let nodePeak = 0;
    const timer = setInterval(() => {
      nodePeak = Math.max(nodePeak, statusBytes(child.pid, 'VmHWM'));
      let sum = 0;
      for (const pid of processTree(child.pid)) sum += statusBytes(pid, 'VmRSS');
      treePeak = Math.max(treePeak, sum);
    }, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      running.delete(child);
      clearInterval(timer);
      resolve({ code, out, seconds: (performance.now() - t0) / 1000, nodePeak, treePeak });
    });
  });
}

/** The --memory-report lines of a command's output. */
const memoryLines = (out) =>
  out.split('\n').filter((l) => /^(peak JS heap|peak RSS of Chromium)/.test(l));

/** The engine worker's peak JS heap in MiB, from a --memory-report line. */
function engineHeapMiB(out) {
  const m = /engine worker ([\d.]+) MiB/.exec(out);
  return m ? Number(m[1]) : NaN;
}

/** `rows checksum` of the files by NumPy (scripts/npy-epoch-checksum.py), or why not. */
function numpyChecksum(paths) {
  const r = spawnSync('python3', [join(import.meta.dirname, 'npy-epoch-checksum.py'), ...paths], {
    encoding: 'utf8',
  });
  if (r.status === 0) return r.stdout.trim();
  return `not computed (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`;
}

const dir = mkdtempSync(join(tmpdir(), 'softsae-cli-big-'));
const running = new Set();
// Interrupted: stop the command being measured and delete the generated files anyway.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    for (const c of running) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });

const table = [];
/** Runs one command, checks it succeeded and keeps its row of the table. */
async function step(name, cliArgs) {
  process.stderr.write(`\n$ softsae ${cliArgs.join(' ')}\n`);
  const r = await measure(cliArgs);
  if (r.code !== 0) throw new Error(`${name} failed (${r.code}):\n${r.out}`);
  table.push({ name, ...r });
  return r;
}

/** Writes `shards` generated .npy files of `rows × width` of `dtype`; returns their paths. */
function writeShards(prefix, dtype, shards, rows, width) {
  const isz = dtype === 'f32' ? 4 : 2;
  const need = rows * width * isz * shards;
  const fs = statfsSync(dir);
  if (fs.bavail * fs.bsize < need * 1.1)
    throw new Error(`not enough free disk in ${dir} for ${(need / 2 ** 30).toFixed(1)} GiB`);
  const t = performance.now();
  const paths = [];
  for (let i = 0; i < shards; i++) {
    const mb = (rows * width * isz + 0.5) / 1e6;
    const f = writeBenchNpy(join(dir, `${prefix}_${i}.npy`), dtype, mb, width);
    if (f.rows !== rows) throw new Error(`wrote ${f.rows} rows, not ${rows}`);
    paths.push(f.path);
  }
  console.log(
    `wrote ${shards} × ${rows.toLocaleString('en-US')} × ${width} ${dtype}: ` +
      `${(need / 2 ** 30).toFixed(2)} GiB in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  return paths;
}

function config(name, steps) {
  const path = join(dir, `${name}.json`);
  const cfg = { arch: 'softsae', dict_size: DICT, k: K, steps, batch_size: BATCH, warmup_steps: 5 };
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

try {
  const memory = ['--memory-mib', String(BUDGET), '--memory-report'];
  if (ONLY !== '6gib') {
    console.log(`\n## 3 GiB float32 .npy (1,050,000 × 768), budget ${BUDGET} MiB`);
    const [big] = writeShards('big', 'f32', 1, 1_050_000, 768);
    await step('info', ['info', big]);
    const run = join(dir, 'run3');
    await step('train', [
      'train',
      '--acts',
      big,
      '--config',
      config('c3', STEPS),
      '--out',
      run,
      '--eval-rows',
      String(EVAL_ROWS),
      ...memory,
    ]);
    const report = join(dir, 'report.json');
    await step('eval', [
      'eval',
      '--model',
      run,
      '--acts',
      big,
      '--out',
      report,
      '--batch',
      '1024',
      ...memory,
    ]);
    const r = JSON.parse(readFileSync(report, 'utf8'));
    console.log(
      `eval report: ${r.rows.toLocaleString('en-US')} rows (k_hat, l0, sq_err each ${r.l0.length}), FVU ${r.fvu}`,
    );
    if (r.rows !== 1_050_000 || r.l0.length !== 1_050_000)
      throw new Error('eval did not cover every row');
    rmSync(big, { force: true });
  }
  if (ONLY !== '3gib') {
    console.log(`\n## 6 GiB float16 in 3 shards (3 × 1,048,576 × 1024), budget ${BUDGET} MiB`);
    const shards = writeShards('shard', 'f16', 3, 1_048_576, 1024);
    const r = await step('train', [
      'train',
      ...shards.flatMap((p) => ['--acts', p]),
      ...['--config', config('c6', BIG_STEPS), '--out', join(dir, 'run6'), ...memory],
      ...['--data-check', 'yes', '--eval-rows', String(EVAL_ROWS)],
    ]);
    const heap = engineHeapMiB(r.out);
    console.log(
      `engine worker peak JS heap ${heap} MiB — ${heap < BUDGET + 128 ? 'below' : 'NOT below'} budget + 128 MiB = ${BUDGET + 128} MiB`,
    );
    const served = /data check: one epoch of the stream, (\d+) rows, checksum ([0-9a-f]{8})/.exec(
      r.out,
    );
    const numpy = numpyChecksum(shards);
    console.log(`NumPy (rows checksum of the 3 shards): ${numpy}`);
    console.log(
      `stream epoch: ${served ? `${served[1]} ${served[2]}` : 'missing'} — ` +
        (served && numpy === `${served[1]} ${served[2]}` ? 'equal to NumPy' : 'NOT equal'),
    );
  }
  const mib = (n) => `${(n / MiB).toFixed(0)} MiB`;
  console.log(`\n| command | s | Node peak RSS | peak RSS of all processes |`);
  console.log('| --- | --: | --: | --: |');
  for (const t of table)
    console.log(
      `| ${t.name} | ${t.seconds.toFixed(1)} | ${mib(t.nodePeak)} | ${mib(t.treePeak)} |`,
    );
  for (const t of table) {
    console.log(`\nsoftsae ${t.name}: ${t.out.trim().split('\n').at(-1)}`);
    for (const l of memoryLines(t.out)) console.log(`  ${l}`);
    for (const l of t.out.split('\n').filter((x) => /^(data|epoch \d)/.test(x)))
      console.log(`  ${l}`);
  }
} finally {
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
