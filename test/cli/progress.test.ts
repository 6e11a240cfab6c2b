// Training progress of the command line: the page's reporter (cli/progress.ts) and the Node side's
// rendering on stderr (scripts/cli-progress.mjs), with a scripted clock and a recording stream.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evalProgressReporter, PROGRESS_PREFIX, progressReporter } from '../../cli/progress';
import { formatEta, progressLine, progressRenderer } from '../../scripts/cli-progress.mjs';

function recorder(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => chunks.push(s) } };
}

const update = (step: number, extra = {}) => ({
  step,
  steps: 100,
  rows_per_sec: 2048,
  eta_s: 125,
  loss: 0.123456789,
  mean_k_hat: 4.5,
  ...extra,
});

afterEach(() => vi.restoreAllMocks());

describe('progress reporter (page side)', () => {
  it('emits the first step, then at most every interval, always the last; rate and ETA from the clock', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => lines.push(s));
    let t = 0;
    const report = progressReporter(250, () => t);
    const step = (s: number, at: number) => {
      t = at;
      return report({ step: s, steps: 10, batch: 32, loss: 1 / s, mean_k_hat: 3 });
    };
    expect(step(1, 0)).toBe(true);
    expect(step(2, 100)).toBe(false); // 100 ms after the last: held back
    expect(step(3, 300)).toBe(true);
    expect(step(10, 310)).toBe(true); // the last step, whatever the time
    expect(lines.every((l) => l.startsWith(PROGRESS_PREFIX))).toBe(true);
    const got = lines.map((l) => JSON.parse(l.slice(PROGRESS_PREFIX.length)));
    expect(got.map((u) => u.step)).toEqual([1, 3, 10]);
    expect(got[0]).toMatchObject({ rows_per_sec: null, eta_s: null, loss: 1, mean_k_hat: 3 });
    // 2 steps of 32 rows in 0.3 s = 213.3 rows/s; 7 steps left = 224 rows → 1.05 s.
    expect(got[1].rows_per_sec).toBeCloseTo(64 / 0.3, 6);
    expect(got[1].eta_s).toBeCloseTo(224 / (64 / 0.3), 6);
    expect(got[2].eta_s).toBe(0);
  });
});

describe('progress renderer (Node side)', () => {
  it('on a terminal: one line rewritten in place; other messages above it', () => {
    const { chunks, stream } = recorder(true);
    const r = progressRenderer({ mode: 'line', stream });
    r.message(PROGRESS_PREFIX + JSON.stringify(update(10)));
    r.message('adapter: x');
    r.update(update(20, { eta_s: 3725 }));
    r.end();
    expect(chunks).toEqual([
      '\r\x1b[Kstep 10/100 · 2,048 rows/s · ETA 2 min 05 s · loss 0.12346 · mean k̂ 4.50',
      '\r\x1b[Kadapter: x\nstep 10/100 · 2,048 rows/s · ETA 2 min 05 s · loss 0.12346 · mean k̂ 4.50',
      '\r\x1b[Kstep 20/100 · 2,048 rows/s · ETA 1 h 02 min · loss 0.12346 · mean k̂ 4.50',
      '\n',
    ]);
  });

  it('not a terminal: a line at most every interval, and the last step', () => {
    const { chunks, stream } = recorder(false);
    let t = 0;
    const r = progressRenderer({ mode: 'line', stream, lineIntervalMs: 5000, now: () => t });
    for (const [step, at] of [
      [1, 0],
      [2, 1000],
      [3, 5000],
      [4, 6000],
      [100, 6500],
    ]) {
      t = at;
      r.update(update(step, { rows_per_sec: null, eta_s: null }));
    }
    expect(chunks.map((c) => c.split(' ·')[0])).toEqual([
      'step 1/100',
      'step 3/100',
      'step 100/100',
    ]);
    expect(chunks[0]).toBe('step 1/100 · – rows/s · ETA – · loss 0.12346 · mean k̂ 4.50\n');
  });

  it('--progress json: every update as one JSON line, other messages as text', () => {
    const { chunks, stream } = recorder(true);
    const r = progressRenderer({ mode: 'json', stream });
    r.message(PROGRESS_PREFIX + JSON.stringify(update(1)));
    r.message(PROGRESS_PREFIX + JSON.stringify(update(2)));
    r.message('wrote x');
    expect(chunks.map((c) => c.trimEnd())).toEqual([
      JSON.stringify(update(1)),
      JSON.stringify(update(2)),
      'wrote x',
    ]);
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
  });

  it('formats the ETA', () => {
    expect([
      formatEta(0.4),
      formatEta(59.6),
      formatEta(61),
      formatEta(7200),
      formatEta(null),
    ]).toEqual(['0 s', '1 min 00 s', '1 min 01 s', '2 h 00 min', '–']);
  });
});

describe('evaluation progress', () => {
  it('page side: at most every interval, always the end; ETA from the rate', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => lines.push(s));
    let t = 0;
    const report = evalProgressReporter(1000, () => t);
    const at = (ms: number, done: number, rowsPerSec: number) => {
      t = ms;
      return report({ done, total: 2000, rowsPerSec });
    };
    expect(at(0, 100, NaN)).toBe(true);
    expect(at(500, 400, 600)).toBe(false);
    expect(at(1500, 1000, 500)).toBe(true);
    expect(at(1600, 2000, 550)).toBe(true); // the end, whatever the time
    const got = lines.map((l) => JSON.parse(l.slice(PROGRESS_PREFIX.length)));
    expect(got).toEqual([
      { phase: 'eval', rows_done: 100, rows_total: 2000, rows_per_sec: null, eta_s: null },
      { phase: 'eval', rows_done: 1000, rows_total: 2000, rows_per_sec: 500, eta_s: 2 },
      { phase: 'eval', rows_done: 2000, rows_total: 2000, rows_per_sec: 550, eta_s: 0 },
    ]);
  });

  it('Node side: the pass, the rows of that pass, the rate and the ETA', () => {
    const u = { phase: 'eval', rows_done: 1_300_000, rows_total: 2_100_000, rows_per_sec: 420.4 };
    expect(progressLine({ ...u, eta_s: 1903.2 })).toBe(
      'evaluating 61 % · pass 2 of 2, 250,000 of 1,050,000 rows · 420 rows/s · ETA 31 min 43 s',
    );
    expect(progressLine({ ...u, rows_done: 10, rows_per_sec: null, eta_s: null })).toBe(
      'evaluating 0 % · pass 1 of 2, 10 of 1,050,000 rows · – rows/s · ETA –',
    );
  });
});
