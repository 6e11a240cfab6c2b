// `node scripts/bench-cli-big.mjs [--mb 1250] [--width 4096] [--dict 16] [--arch topk] [--batch 1024] [--keep]`: `softsae info`
// and `softsae eval` over one generated float32 .npy larger than 1.2 GB (the size that used to
// crash the command while serving the file whole), with the peak resident memory of the command's
// Node process and of its Chromium processes. The model is trained first by `softsae train` on a
// small file of the same width. Files go to a temporary directory, deleted afterwards.
// Linux only: memory is read from /proc (VmHWM, the peak RSS of each process; VmRSS summed over
// the process tree, sampled every 100 ms). Needs `npm run build:cli` (the page bundle).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchNpy } from './bench-files.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
// Defaults: a wide, small model, so that SwiftShader evaluates 1.25 GB in minutes.
const MB = opt('mb', 1250);
const WIDTH = opt('width', 4096);
const DICT = opt('dict', 16);
const BATCH = opt('batch', 1024);
const ai = args.indexOf('--arch');
const ARCH = ai >= 0 ? args[ai + 1] : 'topk';
const CLI = join(import.meta.dirname, '..', 'bin', 'softsae.mjs');
const MiB = 2 ** 20;

/** Chromium's process type (`browser`, `renderer`, `gpu-process`, `utility`, …) from its command line. */
function typeOf(pid) {
  try {
    // Chromium rewrites the title of its children: one string with spaces instead of NULs.
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const t = argv.find((a) => a.startsWith('--type='));
    const sub = argv.find((a) => a.startsWith('--utility-sub-type='));
    return t ? t.slice(7) + (sub ? `:${sub.split('.').at(-1)}` : '') : 'browser';
  } catch {
    return '?';
  }
}

/** `{ pid: { ppid, name } }` of every process now. */
function processes() {
  const out = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      out.set(Number(d), { ppid, name });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function kib(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs the CLI, sampling the memory of its process tree; resolves with the peaks. */
function measure(cliArgs) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...cliArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const peaks = new Map(); // pid → { name, hwm }
    let treePeak = 0;
    let nodePeak = 0;
    const sample = () => {
      nodePeak = Math.max(nodePeak, kib(child.pid, 'VmHWM'));
      const all = processes();
      const tree = new Set([child.pid]);
      let grew = true;
      while (grew) {
        grew = false;
        for (const [pid, p] of all)
          if (!tree.has(pid) && tree.has(p.ppid)) {
            tree.add(pid);
            grew = true;
          }
      }
      let sum = 0;
      for (const pid of tree) {
        sum += kib(pid, 'VmRSS');
        if (pid === child.pid) continue;
        const hwm = kib(pid, 'VmHWM');
        const prev = peaks.get(pid);
        if (!prev || hwm > prev.hwm) peaks.set(pid, { name: prev?.name ?? typeOf(pid), hwm });
      }
      treePeak = Math.max(treePeak, sum);
    };
    const timer = setInterval(sample, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      running.delete(child);
      clearInterval(timer);
      const chromium = [...peaks.values()].filter((p) => p.hwm > 0).sort((a, b) => b.hwm - a.hwm);
      resolve({
        code,
        out,
        seconds: (performance.now() - t0) / 1000,
        nodePeak,
        treePeak,
        chromiumMax: chromium[0]?.hwm ?? 0,
        byType: chromium.map((p) => `${p.name} ${(p.hwm / MiB).toFixed(0)} MiB`).join(', '),
        chromiumCount: chromium.length,
      });
    });
  });
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
try {
  const fs = statfsSync(dir);
  if (fs.bavail * fs.bsize < MB * 1e6 * 1.1)
    throw new Error(`not enough free disk in ${dir} for ${MB} MB`);
  let t = performance.now();
  const big = writeBenchNpy(join(dir, 'big.npy'), 'f32', MB, WIDTH);
  const bytes = big.rows * WIDTH * 4;
  console.log(
    `wrote ${big.path}: ${big.rows} × ${WIDTH} float32, ${(bytes / 1e9).toFixed(2)} GB, in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const small = writeBenchNpy(join(dir, 'small.npy'), 'f32', 8, WIDTH);
  writeFileSync(
    join(dir, 'cfg.json'),
    JSON.stringify({
      arch: ARCH,
      dict_size: DICT,
      k: 8,
      steps: 20,
      batch_size: 256,
      warmup_steps: 2,
    }),
  );
  t = performance.now();
  const train = await measure([
    'train',
    '--acts',
    small.path,
    '--config',
    join(dir, 'cfg.json'),
    '--out',
    join(dir, 'sae'),
  ]);
  if (train.code !== 0) throw new Error(`softsae train failed:\n${train.out}`);
  console.log(
    `model: softsae train (${ARCH}) on ${small.rows} rows, F = ${DICT}, 20 steps; eval --batch ${BATCH}\n`,
  );

  const rows = [];
  const report = (name, r) => {
    const last = r.out.trim().split('\n').at(-1);
    if (r.code !== 0) throw new Error(`${name} failed (${r.code}):\n${r.out}`);
    rows.push([name, r.seconds.toFixed(1), r.nodePeak, r.chromiumMax, r.treePeak, last, r.byType]);
  };
  report('softsae info', await measure(['info', big.path]));
  const evalRun = await measure([
    'eval',
    ...['--model', join(dir, 'sae'), '--acts', big.path, '--out', join(dir, 'report.json')],
    ...['--batch', String(BATCH)],
  ]);
  report('softsae eval', evalRun);
  const r = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  if (r.rows !== big.rows) throw new Error(`eval covered ${r.rows} rows of ${big.rows}`);

  const mib = (n) => `${(n / MiB).toFixed(0)} MiB`;
  console.log(
    `| command | s | Node peak RSS | largest Chromium process peak RSS | peak RSS of all processes |`,
  );
  console.log('| --- | --: | --: | --: | --: |');
  for (const [name, s, n, c, tree] of rows)
    console.log(`| ${name} | ${s} | ${mib(n)} | ${c ? mib(c) : '–'} | ${mib(tree)} |`);
  console.log(`\nfile: ${(bytes / MiB).toFixed(0)} MiB; eval: ${r.rows} rows, FVU ${r.fvu}`);
  for (const [name, , , , , last, byType] of rows)
    console.log(`${name}: ${last}${byType ? `\n  peak RSS by process: ${byType}` : ''}`);
} finally {
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
