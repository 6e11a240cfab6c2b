// `npm run bench -- --tokens`: scrolling the Inspect token view over a million rows in headless
// Chromium. The app page (Vite dev server) gets a synthetic dataset and evaluation through the
// dev test hook (scripts/token-rows.mjs); then the view's scroll box is moved once per animation
// frame — small steps, page-sized steps and jumps anywhere — while a Chromium trace records the
// main thread. Per frame: the interval between requestAnimationFrame timestamps (what the eye
// sees) and the main thread's busy time between two frames' marks (every task: the scroll event
// with the token pool's refill, style, layout, paint, compositing), from the trace's RunTask events.
import os from 'node:os';
import { registerTokenRows } from './token-rows.mjs';

const CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
];
const MARK = 'tokens-frame-';

/** mulberry32, so every run scrolls the same way. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** scrollTop per frame: mostly small and page-sized steps either way, some jumps anywhere. */
function scrollTargets(frames, maxTop, lineH) {
  const rand = rng(7);
  const out = [];
  let y = 0;
  for (let i = 0; i < frames; i++) {
    const u = rand();
    if (u < 0.45) y += (1 + Math.floor(rand() * 4)) * lineH * (rand() < 0.8 ? 1 : -1);
    else if (u < 0.75) y += (rand() < 0.7 ? 1 : -1) * (300 + rand() * 3000);
    else if (u < 0.95) y = rand() * maxTop;
    else y = rand() < 0.5 ? 0 : maxTop;
    y = Math.round(Math.min(maxTop, Math.max(0, y)));
    out.push(y);
  }
  return out;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Union length of [start, end) intervals clipped to [lo, hi). */
function busyIn(intervals, lo, hi) {
  let total = 0;
  let reach = lo;
  for (const [s, e] of intervals) {
    if (e <= reach || s >= hi) continue;
    const from = Math.max(s, reach);
    const to = Math.min(e, hi);
    if (to > from) total += to - from;
    reach = Math.max(reach, to);
  }
  return total;
}

/**
 * Per frame, from the trace: the main thread's busy wall time (union of its tasks between two
 * frame marks), its CPU time (thread time of the top-level tasks that start in the frame: what
 * the work costs when the machine is not shared), and the style + layout part of the wall time.
 */
function traceFrames(trace, frames) {
  const events = JSON.parse(trace.toString('utf8')).traceEvents ?? [];
  const marks = new Map();
  let main = null;
  for (const e of events)
    if (typeof e.name === 'string' && e.name.startsWith(MARK) && e.cat.includes('user_timing')) {
      marks.set(Number(e.name.slice(MARK.length)), e.ts);
      main ??= `${e.pid}:${e.tid}`;
    }
  if (marks.size < frames + 1) throw new Error(`trace holds ${marks.size} frame marks`);
  const on = (e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && typeof e.dur === 'number';
  const span = (e) => [e.ts / 1000, (e.ts + e.dur) / 1000, (e.tdur ?? e.dur) / 1000];
  const sorted = (list) => list.map(span).sort((a, b) => a[0] - b[0]);
  const tasks = sorted(events.filter((e) => on(e) && e.name === 'RunTask'));
  // Top-level tasks only (a nested run loop would count its tasks twice).
  const top = tasks.filter((t, i) => !tasks.slice(Math.max(0, i - 8), i).some((u) => u[1] >= t[1]));
  const layout = sorted(
    events.filter((e) => on(e) && (e.name === 'Layout' || e.name === 'UpdateLayoutTree')),
  );
  // The frame's own task: BeginMainFrame runs the scroll event, animation frame callbacks, style,
  // layout, paint and the commit to the compositor — what must fit in a frame.
  const frameTasks = sorted(
    events.filter(
      (e) =>
        on(e) &&
        e.name === 'ThreadControllerImpl::RunTask' &&
        e.args?.src_func === 'ScheduledActionSendBeginMainFrame',
    ),
  );
  const scrollEvents = sorted(
    events.filter((e) => on(e) && e.name === 'EventDispatch' && e.args?.data?.type === 'scroll'),
  );
  const paint = sorted(
    events.filter((e) => on(e) && ['PrePaint', 'Paint', 'Layerize', 'Commit'].includes(e.name)),
  );
  const out = [];
  for (let i = 0; i < frames; i++) {
    const lo = marks.get(i) / 1000;
    const hi = marks.get(i + 1) / 1000;
    const cpu = top.filter(([s]) => s >= lo && s < hi).reduce((sum, t) => sum + t[2], 0);
    out.push({
      busy: busyIn(tasks, lo, hi),
      frame: frameTasks.filter(([s]) => s >= lo && s < hi).reduce((sum, t) => sum + t[1] - t[0], 0),
      frameCpu: frameTasks.filter(([s]) => s >= lo && s < hi).reduce((sum, t) => sum + t[2], 0),
      cpu,
      layout: busyIn(layout, lo, hi),
      scroll: busyIn(scrollEvents, lo, hi),
      paint: busyIn(paint, lo, hi),
    });
  }
  return out;
}

/**
 * Opens the app, registers `rows` tokens, scrolls `frames` frames; prints the table. `build`
 * names what serves the page (the dev server, or the production bundle built with the hook).
 */
export async function runTokensBench(browser, baseUrl, { rows, frames, build }) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    page.setDefaultTimeout(120_000);
    await page.goto(`${baseUrl}/`);
    await page.waitForFunction(() => window.__softsae !== undefined);
    await page.getByRole('tab', { name: 'Inspect', exact: true }).click();
    const t0 = performance.now();
    await page.evaluate(registerTokenRows, { id: 'bench-tokens', rows, seqLen: 64 });
    const box = page.getByTestId('inspect.tokens');
    await page.locator('[data-testid="inspect.token"][data-row="0"]').waitFor();
    const setupMs = performance.now() - t0;
    const geometry = await box.evaluate((el) => ({
      maxTop: el.scrollHeight - el.clientHeight,
      lineH: el.querySelector('.token-line').getBoundingClientRect().height,
      elements: el.querySelectorAll('[data-testid="inspect.token"]').length,
    }));
    const targets = scrollTargets(frames, geometry.maxTop, geometry.lineH);

    const scroll = (traced) =>
      box.evaluate(
        (el, { targets, mark }) =>
          new Promise((resolve) => {
            const stamps = [];
            const long = [];
            const observer = new PerformanceObserver((l) =>
              l.getEntries().forEach((e) => long.push(e.duration)),
            );
            try {
              observer.observe({ type: 'long-animation-frame' });
            } catch {
              observer.observe({ type: 'longtask' });
            }
            let maxElements = 0;
            let i = -10; // ten warm-up frames, not measured
            const frame = (t) => {
              if (i >= 0) {
                stamps.push(t);
                performance.mark(`${mark}${i}`);
              }
              maxElements = Math.max(
                maxElements,
                el.querySelectorAll('[data-testid="inspect.token"]').length,
              );
              if (i === targets.length) {
                observer.disconnect();
                resolve({ stamps, long, maxElements });
                return;
              }
              el.scrollTop = i >= 0 ? targets[i] : (i + 10) * 40;
              i++;
              requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
          }),
        { targets, mark: traced ? MARK : 'untraced-' },
      );
    // Pass 1 untraced: frame intervals as a person would get them. Pass 2 traced: where the
    // main thread's time goes per frame.
    const plain = await scroll(false);
    await box.evaluate((el) => (el.scrollTop = 0));
    await browser.startTracing(page, { categories: CATEGORIES });
    const measured = await scroll(true);
    const trace = await browser.stopTracing();
    if (process.env.TOKENS_TRACE)
      (await import('node:fs')).writeFileSync(process.env.TOKENS_TRACE, trace);
    const perFrame = traceFrames(trace, frames);
    const gaps = (stamps) => stamps.slice(1).map((t, i) => t - stamps[i]);
    const intervals = gaps(plain.stamps);
    const tracedIntervals = gaps(measured.stamps);

    // Over budget: > 16 ms of work; for intervals, > 25 ms (1.5 × a 60 Hz frame: a frame missed).
    const stats = (values, limit = 16) => {
      const s = [...values].sort((a, b) => a - b);
      return {
        p50: quantile(s, 0.5),
        p95: quantile(s, 0.95),
        max: s[s.length - 1],
        n: s.length,
        over: s.filter((v) => v > limit).length,
      };
    };
    const busy = stats(perFrame.map((f) => f.busy));
    const frameTask = stats(perFrame.map((f) => f.frame));
    const frameCpu = stats(perFrame.map((f) => f.frameCpu));
    const cpu = stats(perFrame.map((f) => f.cpu));
    const layout = stats(perFrame.map((f) => f.layout));
    const scrollHandler = stats(perFrame.map((f) => f.scroll));
    const paint = stats(perFrame.map((f) => f.paint));
    const interval = stats(intervals, 25);
    const vsync = interval.p50;
    console.log(
      `\nToken view (${build}): ${rows.toLocaleString('en-US')} rows, ${frames} animation ` +
        `frames of scrolling in headless Chromium (1280×800)`,
    );
    console.log(
      `scrollTop set once per frame: ${targets.length} targets over 0…${geometry.maxTop} px ` +
        `(small steps, page-sized steps, jumps anywhere); dataset + evaluation registered in ` +
        `${(setupMs / 1000).toFixed(1)} s; token elements in the DOM: ${geometry.elements} at ` +
        `the top, at most ${Math.max(plain.maxElements, measured.maxElements)} while scrolling; ` +
        `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}\n`,
    );
    const row = (name, s) => [
      name,
      s.p50.toFixed(2),
      s.p95.toFixed(2),
      s.max.toFixed(2),
      `${s.over} / ${s.n}`,
    ];
    table(
      ['per frame', 'p50 ms', 'p95 ms', 'max ms', 'over budget'],
      [
        row('rAF interval (untraced pass)', interval),
        row('rAF interval (traced pass)', stats(tracedIntervals, 25)),
        row('frame task (BeginMainFrame), wall', frameTask),
        row('frame task (BeginMainFrame), CPU', frameCpu),
        row('main-thread busy (all tasks), wall', busy),
        row('  of which scroll event (refill)', scrollHandler),
        row('  of which style + layout', layout),
        row('  of which paint + compositing', paint),
        row('main-thread busy (all tasks), CPU', cpu),
      ],
    );
    console.log(
      `\nover budget: work > 16 ms, or an interval > 25 ms (1.5 × a 60 Hz frame: a frame missed).\n` +
        `rAF interval = difference of requestAnimationFrame timestamps (median ${vsync.toFixed(1)} ms).\n` +
        `frame task = the renderer main thread's BeginMainFrame task, which runs the scroll event\n` +
        `(the token pool's refill), animation frame callbacks, style, layout, paint and the commit:\n` +
        `the work that must fit in a frame. main-thread busy = every RunTask between two frames'\n` +
        `performance.mark()s (Chromium trace), including work in idle time after the commit\n` +
        `(e.g. garbage-collector sweeping). Wall time = union of the tasks; CPU time = their thread\n` +
        `time, which other processes on a shared machine (here the bench's own node process\n` +
        `reading the trace) do not inflate. Vite dev server: React's development build\n` +
        `(StrictMode), as \`npm start\` serves it. long-animation-frame entries (> 50 ms), untraced ` +
        `pass: ${plain.long.length}` +
        (plain.long.length ? ` (${plain.long.map((d) => d.toFixed(0)).join(', ')} ms)` : ''),
    );
  } finally {
    await page.close();
  }
}

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    '| ' +
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') +
    ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}
