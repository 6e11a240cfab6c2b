/**
 * CSV writing (RFC 4180): fields separated by commas, records by CRLF; a field containing a
 * comma, a double quote, CR or LF is wrapped in double quotes with inner quotes doubled. Pure.
 *
 * Formula injection: spreadsheet programs execute a cell that starts with `=`, `+`, `-` or `@`
 * (and some also treat a leading tab or CR as such). Text cells that start with one of these get
 * a single quote prepended (`'=SUM(A1)`), which spreadsheets show literally; numbers are written
 * as numbers and never prefixed (−0.5 stays −0.5). Token text is user data, so this matters.
 */
import { meanActivation, type RunAnalysis } from '../session/analyses';

export type CsvValue = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: numbers as their shortest round-trip decimal, text defused and quoted as needed. */
export function csvField(v: CsvValue): string {
  if (v === null) return '';
  if (typeof v === 'number')
    return Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  const text = FORMULA_START.test(v) ? `'${v}` : v;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole document: header line, then one line per row, each ended by CRLF. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) lines.push(r.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * Per-row analysis: row, token (empty without tokens), k_hat (empty for TopK), l0, sq_err.
 * Float32 values are written exactly (their shortest float64 decimal).
 */
export function rowAnalysisCsv(a: RunAnalysis, tokens: readonly string[] | null): string {
  function* rows(): Generator<CsvValue[]> {
    for (let r = 0; r < a.rows; r++)
      yield [r, tokens ? tokens[r] : null, a.kHat ? a.kHat[r] : null, a.l0[r], a.sqErr[r]];
  }
  return toCsv(['row', 'token', 'k_hat', 'l0', 'sq_err'], rows());
}

/**
 * Feature table: feature, count (rows where it fired), frequency = count/rows, mean (when
 * firing), max, and the label and note a person gave it (empty when none).
 */
export function featureTableCsv(
  a: RunAnalysis,
  labels: Readonly<Record<number, { label: string; note: string }>> = {},
): string {
  function* rows(): Generator<CsvValue[]> {
    for (let j = 0; j < a.F; j++)
      yield [
        j,
        a.fireCount[j],
        a.fireCount[j] / a.rows,
        meanActivation(a, j),
        a.actMax[j],
        labels[j]?.label ?? '',
        labels[j]?.note ?? '',
      ];
  }
  return toCsv(['feature', 'count', 'frequency', 'mean', 'max', 'label', 'note'], rows());
}
