// Renders the page's progress messages (cli/progress.ts: `__softsae_progress {json}` on the
// console) on stderr: a live line rewritten in place on a terminal, one line per update at a
// modest rate otherwise, or every update as a JSON line with `--progress json`. Other console
// messages of the page pass through as lines, without breaking the live line.

export const PROGRESS_PREFIX = '__softsae_progress ';

const num = (x, digits) =>
  typeof x === 'number' && Number.isFinite(x) ? x.toPrecision(digits) : '–';

/** `1 h 02 min`, `3 min 04 s`, `12 s`. */
export function formatEta(s) {
  if (typeof s !== 'number' || !Number.isFinite(s)) return '–';
  const t = Math.max(0, Math.round(s));
  if (t >= 3600)
    return `${Math.floor(t / 3600)} h ${String(Math.floor((t % 3600) / 60)).padStart(2, '0')} min`;
  if (t >= 60) return `${Math.floor(t / 60)} min ${String(t % 60).padStart(2, '0')} s`;
  return `${t} s`;
}

/** The human line for one update: a training step, or an evaluation's rows (`phase: 'eval'`). */
export function progressLine(u) {
  if (u.phase === 'eval') {
    const rows = u.rows_total / 2;
    const pass = u.rows_done < rows ? 1 : 2;
    const inPass = pass === 1 ? u.rows_done : u.rows_done - rows;
    const rate =
      typeof u.rows_per_sec === 'number'
        ? `${Math.round(u.rows_per_sec).toLocaleString('en-US')} rows/s`
        : '– rows/s';
    return (
      `evaluating ${Math.floor((100 * u.rows_done) / u.rows_total)} % · pass ${pass} of 2, ` +
      `${inPass.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows · ${rate} · ETA ${formatEta(u.eta_s)}`
    );
  }
  const rate =
    typeof u.rows_per_sec === 'number'
      ? `${Math.round(u.rows_per_sec).toLocaleString('en-US')} rows/s`
      : '– rows/s';
  return `step ${u.step}/${u.steps} · ${rate} · ETA ${formatEta(u.eta_s)} · loss ${num(u.loss, 5)} · mean k̂ ${
    typeof u.mean_k_hat === 'number' && Number.isFinite(u.mean_k_hat)
      ? u.mean_k_hat.toFixed(2)
      : '–'
  }`;
}

/**
 * @param {{ mode: 'line' | 'json', stream: NodeJS.WritableStream & { isTTY?: boolean },
 *   lineIntervalMs?: number, now?: () => number }} options
 *   `lineIntervalMs`: the least time between two printed lines when the stream is not a terminal.
 */
export function progressRenderer({
  mode,
  stream,
  lineIntervalMs = 5000,
  now = () => performance.now(),
}) {
  const tty = mode === 'line' && Boolean(stream.isTTY);
  let live = ''; // the live line now on screen (terminal only)
  let lastLine = -Infinity;
  const update = (u) => {
    if (mode === 'json') return void stream.write(JSON.stringify(u) + '\n');
    const text = progressLine(u);
    if (tty) {
      live = text;
      stream.write(`\r\x1b[K${text}`);
      return;
    }
    const t = now();
    const end = u.phase === 'eval' ? u.rows_done >= u.rows_total : u.step >= u.steps;
    if (end || t - lastLine >= lineIntervalMs) {
      lastLine = t;
      stream.write(text + '\n');
    }
  };
  const log = (text) => {
    if (tty && live) stream.write(`\r\x1b[K${text}\n${live}`);
    else stream.write(text + '\n');
  };
  return {
    update,
    log,
    /** One console message of the page: a progress update or a line to pass through. */
    message(text) {
      if (text.startsWith(PROGRESS_PREFIX)) {
        try {
          return update(JSON.parse(text.slice(PROGRESS_PREFIX.length)));
        } catch {
          // not ours after all: shown as is
        }
      }
      log(text);
    },
    /** Ends the live line, so what follows starts on a fresh line. */
    end() {
      if (tty && live) stream.write('\n');
      live = '';
    },
  };
}
