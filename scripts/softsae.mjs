#!/usr/bin/env node
// softsae — command-line access to the app's file readers (src/io), for checking files before
// dropping them into the browser and for measuring ingestion speed.
//
//   node scripts/softsae.mjs info FILE... [--tensor NAME] [--stats] [--shards] [--tokens FILE] [--vocab FILE]
//
// `info` describes each file (format, dtype, shape, warnings; every tensor of a .safetensors or
// .npz). `--stats` streams the activation rows once and prints mean/norm_factor/range, the
// non-finite census and the read speed; `--shards` treats all FILEs as one dataset, in order.
// `--tokens` loads a token file and checks it aligns with the activation rows.
// Exit status: 0 when every file is good, 1 when any is refused (the reason is printed), 2 on usage.
// The TypeScript sources are loaded through Vite's module runner, so nothing needs building.
import { openAsBlob } from 'node:fs';
import { basename, join } from 'node:path';
import { runnerImport } from 'vite';
import { CliError, checkInput, fixFor } from './cli-input.mjs';

const USAGE =
  'usage: node scripts/softsae.mjs info FILE... [--tensor NAME] [--stats] [--shards] [--tokens FILE] [--vocab FILE]';

function parseArgs(argv) {
  const opts = { files: [], stats: false, shards: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--stats') opts.stats = true;
    else if (a === '--shards') opts.shards = true;
    else if (a === '--tensor' || a === '--tokens' || a === '--vocab') {
      if (i + 1 >= argv.length) return null;
      opts[a.slice(2)] = argv[++i];
    } else if (a.startsWith('--')) return null;
    else opts.files.push(a);
  }
  return opts.files.length > 0 ? opts : null;
}

const fmt = (x) => (Number.isInteger(x) ? String(x) : x.toPrecision(6));
const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const opts = command === 'info' ? parseArgs(rest) : null;
  if (!opts) {
    console.error(USAGE);
    return 2;
  }
  const { module: io } = await runnerImport(
    join(import.meta.dirname, '..', 'src', 'io', 'index.ts'),
    {
      configFile: false,
      logLevel: 'silent',
    },
  );
  // A missing, unreadable or non-regular file is refused before any read (reliability case 37).
  const source = async (path) => io.blobSource(await openAsBlob(checkInput(path)), basename(path));
  const refuse = (e, path) => {
    if (e instanceof CliError) console.log(`refused: ${e.message}`);
    else if (e instanceof io.IoError)
      console.log(`refused: ${e.message} [${e.code}] — ${fixFor(path)}`);
    else throw e;
  };
  let status = 0;
  const datasets = [];
  for (const path of opts.files) {
    try {
      const src = await source(path);
      const listed = await listContents(io, src);
      const ds = await io.openActivations(src, opts.tensor);
      // A plain file's name is printed once it opened: a refusal is then its only line.
      if (!listed) console.log(`${src.name}:`);
      console.log(
        `  ${ds.describe()} → ${ds.rows} rows × ${ds.width}` +
          (ds.sequences !== undefined
            ? ` (${ds.sequences} sequences × ${ds.positions} positions)`
            : ''),
      );
      for (const w of ds.header.warnings) console.log(`  warning: ${w}`);
      datasets.push(ds);
    } catch (e) {
      refuse(e, path);
      status = 1;
    }
  }
  if (status !== 0 || datasets.length === 0) return status || 1;
  const groups = opts.shards ? [io.concatShards(datasets)] : datasets;
  for (const ds of groups) {
    if (groups.length > 1 && (opts.stats || opts.tokens)) console.log(`${ds.describe()}:`);
    if (opts.stats) await printStats(io, ds);
    if (opts.tokens) {
      try {
        const vocab = opts.vocab ? await source(opts.vocab) : undefined;
        const table = await io.loadTokens(await source(opts.tokens), { vocab });
        const aligned = io.alignTokens(table, ds);
        const sample = aligned.tokens.slice(0, 8).map((t) => io.visibleToken(t));
        console.log(`  tokens: ${aligned.tokens.length} aligned, first: ${sample.join(' | ')}`);
      } catch (e) {
        refuse(e, opts.tokens);
        status = 1;
      }
    }
  }
  return status;
}

/** Prints what a multi-array file holds, before one array is chosen; false for a plain file. */
async function listContents(io, src) {
  const name = src.name.toLowerCase();
  if (name.endsWith('.safetensors')) {
    const st = await io.openSafetensors(src);
    console.log(`${src.name}: safetensors, ${st.tensors.length} tensors`);
    for (const [k, v] of st.metadata) console.log(`  metadata ${k} = ${JSON.stringify(v)}`);
    for (const t of st.tensors) console.log(`  ${t.name}  ${t.dtype} [${t.shape.join(', ')}]`);
  } else if (name.endsWith('.npz')) {
    const npz = await io.openNpz(src);
    console.log(`${src.name}: npz, ${npz.members.length} arrays`);
    for (const m of npz.members) {
      const h = await npz.header(m.name);
      console.log(
        `  ${m.key}  ${h.dtype} (${h.shape.join(', ')})${m.compressed ? ' deflated' : ''}`,
      );
    }
  } else return false;
  return true;
}

async function printStats(io, ds) {
  let last = 0;
  const s = await io.computeStats(ds, {
    onProgress: (p) => {
      if (process.stderr.isTTY && performance.now() - last > 500) {
        last = performance.now();
        process.stderr.write(
          `\r  ${((100 * p.rowsDone) / p.rows).toFixed(0)}%  ${mib(p.bytesPerSecond)}/s `,
        );
      }
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const mean = Array.from(s.mean.subarray(0, 4), fmt).join(', ');
  console.log(
    `  stats: ${s.finiteRows}/${s.rows} finite rows, norm_factor ${fmt(s.normFactor)}, range [${fmt(s.min)}, ${fmt(s.max)}]`,
  );
  console.log(`  mean[0..3]: ${mean}${s.width > 4 ? ', …' : ''}`);
  if (s.nonFiniteRows > 0) {
    console.log(
      `  non-finite: ${s.nanCount} NaN, ${s.infCount} ±Inf, ${s.overflowCount} beyond float32, in ${s.nonFiniteRows} rows (first: ${s.firstNonFiniteRows.slice(0, 10).join(', ')})`,
    );
  }
  console.log(
    `  read ${mib(s.bytesRead)} in ${s.seconds.toFixed(2)} s = ${mib(s.bytesRead / Math.max(s.seconds, 1e-9))}/s`,
  );
}

try {
  process.exitCode = await main();
} catch (e) {
  // Never a stack trace: the first line of whatever went wrong.
  console.error(`softsae: ${String(e?.message ?? e).split('\n')[0]}`);
  process.exitCode = 1;
}
