// Peak memory of a page session, sampled: the JS heap of the page and of each of its workers
// (through the DevTools protocol — `performance.memory` does not exist in workers), and the peak
// resident memory of each Chromium process (Linux /proc). Used by `softsae train|eval
// --memory-report` and by the benches.
//
// "JS heap" is V8's used heap plus the backing stores of ArrayBuffers (typed arrays, transferred
// batches) as V8 accounts them: an upper bound of what the context holds in JS. The two parts
// are kept apart too: ArrayBuffer accounting drops only when the collector runs, so buffers
// already freed or transferred away still count until then, and the renderer process's RSS
// (page and workers together) is the check on the sum.
import { readdirSync, readFileSync } from 'node:fs';

const MiB = 2 ** 20;

/** The name of a worker from its script URL: the app's two workers, else the URL. */
function workerName(url) {
  if (/ingest/i.test(url)) return 'ingest worker';
  if (/engine/i.test(url)) return 'engine worker';
  return `worker ${url}`;
}

/**
 * Samples `page` and its dedicated workers. Workers are reached by auto-attaching a DevTools
 * session to them (non-flat: commands travel in Target.sendMessageToTarget), so the page's own
 * Playwright connection is not disturbed.
 * @param {import('playwright-core').Page} page
 */
export async function heapProbe(page) {
  const cdp = await page.context().newCDPSession(page);
  /** sessionId → worker name */
  const workers = new Map();
  const pending = new Map();
  let nextId = 0;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.set(e.sessionId, workerName(e.targetInfo.url));
  });
  cdp.on('Target.detachedFromTarget', (e) => workers.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m.result ?? null);
    pending.delete(m.id);
  });
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  /** One DevTools command to a worker; null when it is gone or does not answer in 5 s. */
  const ask = async (sessionId, method) => {
    const id = ++nextId;
    const answer = new Promise((resolve) => {
      pending.set(id, resolve);
      setTimeout(() => pending.delete(id) && resolve(null), 5000);
    });
    try {
      await cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method }),
      });
    } catch {
      pending.delete(id);
      return null;
    }
    return answer;
  };
  /** name → peak bytes (V8 heap + ArrayBuffers); name → [peak V8 heap, peak ArrayBuffers] */
  const peaks = new Map();
  const parts = new Map();
  const note = (name, u) => {
    if (!u) return;
    const buffers = u.backingStorageSize ?? 0;
    peaks.set(name, Math.max(peaks.get(name) ?? 0, u.usedSize + buffers));
    const [h, b] = parts.get(name) ?? [0, 0];
    parts.set(name, [Math.max(h, u.usedSize), Math.max(b, buffers)]);
  };
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      note('page', await cdp.send('Runtime.getHeapUsage').catch(() => null));
      for (const [sid, name] of [...workers]) note(name, await ask(sid, 'Runtime.getHeapUsage'));
    } finally {
      busy = false;
    }
  };
  let timer = null;
  return {
    sample,
    peaks,
    parts,
    /** Samples every `ms` until stop(). */
    every(ms) {
      timer = setInterval(() => void sample(), ms);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await sample().catch(() => {});
      await cdp.detach().catch(() => {});
    },
  };
}

/** Chromium's process type (`browser`, `renderer`, `gpu-process`, `utility:…`) from /proc. */
export function chromiumType(pid) {
  try {
    // Chromium rewrites its children's titles: the arguments may come as one string.
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split(/[\0 ]/);
    if (!/chrom/i.test(argv[0] ?? '')) return null;
    const t = argv.find((a) => a.startsWith('--type='));
    const sub = argv.find((a) => a.startsWith('--utility-sub-type='));
    return t ? t.slice(7) + (sub ? `:${sub.split('.').at(-1)}` : '') : 'browser';
  } catch {
    return null;
  }
}

/** `pid → parent pid` of every process now. */
function parents() {
  const out = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      out.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** A /proc/PID/status field in bytes (0 when unreadable). */
export function statusBytes(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'latin1'),
    );
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `rootPid` and every process below it now (an empty set where /proc does not exist). */
export function processTree(rootPid) {
  let ppid;
  try {
    ppid = parents();
  } catch {
    return new Set();
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of ppid)
      if (!tree.has(pid) && tree.has(parent)) grew = Boolean(tree.add(pid));
  }
  return tree;
}

/** Peak RSS (VmHWM) of the Chromium processes under `rootPid`, the largest per process type. */
export function chromiumRss(rootPid) {
  const peaks = {};
  for (const pid of processTree(rootPid)) {
    const type = chromiumType(pid);
    if (type) peaks[type] = Math.max(peaks[type] ?? 0, statusBytes(pid, 'VmHWM'));
  }
  return peaks;
}

/**
 * One line per measure: `peak JS heap: page 24.3 MiB (V8 heap 20.1, ArrayBuffers 4.9), …` and
 * the RSS. `parts`: the probe's peak of each part, when known (they may peak at other times).
 */
export function describeMemory(heaps, rss, parts = new Map()) {
  const mib = (b) => `${(b / MiB).toFixed(1)} MiB`;
  const split = (k) => {
    const p = parts.get(k);
    return p
      ? ` (V8 heap ${(p[0] / MiB).toFixed(1)}, ArrayBuffers ${(p[1] / MiB).toFixed(1)})`
      : '';
  };
  const lines = [
    `peak JS heap: ${[...heaps].map(([k, v]) => `${k} ${mib(v)}${split(k)}`).join(', ')}`,
  ];
  const r = Object.entries(rss).sort((a, b) => b[1] - a[1]);
  if (r.length > 0)
    lines.push(`peak RSS of Chromium processes: ${r.map(([k, v]) => `${k} ${mib(v)}`).join(', ')}`);
  return lines;
}
