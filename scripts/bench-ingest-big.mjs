// `npm run bench -- --ingest-big`: one generated .npy far larger than the loader's memory budget
// (default 2 GiB of float32 data), loaded in Chromium — open, statistics pass, sampler serving a
// full epoch of shuffled batches — with the JS heap sampled from inside the page
// (performance.memory) and from outside through CDP (Runtime.getHeapUsage). The file is written
// to a temporary directory and deleted afterwards.
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchNpy } from './bench-files.mjs';

/**
 * @param {import('@playwright/test').Page} page the bench page, with #ingest-files
 * @param {{ mb: number, width: number, dtype: 'f32' | 'f16', memoryMiB: number, batchSize: number }} opts
 */
export async function runIngestBig(page, opts) {
  const dir = mkdtempSync(join(tmpdir(), 'softsae-bench-big-'));
  try {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < opts.mb * 1e6 * 1.1)
      throw new Error(`${(free / 1e9).toFixed(1)} GB free in ${dir}; the file needs ${opts.mb} MB`);
    const t0 = performance.now();
    const file = writeBenchNpy(
      join(dir, `acts_${opts.dtype}_${opts.mb}MB.npy`),
      opts.dtype,
      opts.mb,
      opts.width,
    );
    const writeSeconds = (performance.now() - t0) / 1000;
    await page.locator('#ingest-files').setInputFiles(file.path);

    // CDP: V8 heap used + ArrayBuffer backing stores, polled every 50 ms while the page works
    // (answered between the page's tasks, i.e. at every await of a read).
    const cdp = await page.context().newCDPSession(page);
    let cdpPeak = 0;
    let cdpSamples = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const u = await cdp.send('Runtime.getHeapUsage');
        cdpPeak = Math.max(cdpPeak, u.usedSize + (u.backingStorageSize ?? 0));
        cdpSamples++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    let report;
    try {
      report = await page.evaluate((o) => window.runIngestBigBench(o), {
        memoryMiB: opts.memoryMiB,
        batchSize: opts.batchSize,
      });
    } finally {
      polling = false;
      await poll;
      await cdp.detach();
    }
    printIngestBig(report, { writeSeconds, cdpPeakMiB: cdpPeak / 2 ** 20, cdpSamples });
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printIngestBig(r, { writeSeconds, cdpPeakMiB, cdpSamples }) {
  const mode = r.inMemory
    ? 'whole dataset in memory'
    : `window of ${r.windowBlocks} of ${r.blocks} blocks × ${r.blockRows} rows`;
  console.log(
    `\nLoading a file larger than memory: ${r.file}, ${(r.fileBytes / 1e9).toFixed(2)} GB on disk, ` +
      `${r.rows} × ${r.width} ${r.dtype}`,
  );
  console.log(
    `main thread of headless Chromium, the ingestion worker's code; sampler budget ${r.memoryMiB} MiB ` +
      `(${mode}, ${r.residentMiB.toFixed(1)} MiB held); heap base after gc() ${r.baseMiB.toFixed(1)} MiB\n`,
  );
  const head = ['phase', 'seconds', 'MB/s read', 'peak heap MiB'];
  const rows = r.phases.map((p) => [
    p.name,
    p.seconds.toFixed(1),
    Number.isFinite(p.MBs) ? p.MBs.toFixed(0) : '-',
    p.peakMiB.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const x of rows) console.log(line(x));
  console.log(
    `\npeak JS heap over the whole load: ${r.peakMiB.toFixed(1)} MiB (performance.memory.usedJSHeapSize, ` +
      `${r.samples} samples: after every read and every 10 ms); ` +
      `${cdpPeakMiB.toFixed(1)} MiB (CDP Runtime.getHeapUsage usedSize + backingStorageSize, ` +
      `${cdpSamples} samples every 50 ms)\nfile written in ${writeSeconds.toFixed(1)} s and deleted after the run`,
  );
}
