import type { LoadedDataset } from '../../session/datasets';
import type { SearchSpan } from '../../util/tokenSearch';
import { tokenLabel } from '../inspect/TokenView';

/** Matches listed on screen at most (all of them can still be selected at once). */
export const SHOWN_RESULTS = 100;
/** Tokens of context on each side of a match, within its sequence. */
const CONTEXT = 4;

/** The rows [from, to) shown around a match: a few tokens each side, not past its sequence. */
function contextOf(ds: LoadedDataset | undefined, span: SearchSpan): [number, number] {
  const seq = ds?.seq;
  const rows = ds?.rows ?? span.end;
  let from = span.start;
  let to = span.end;
  for (let k = 0; k < CONTEXT && from > 0 && (!seq || seq[from - 1] === seq[span.start]); k++)
    from--;
  for (let k = 0; k < CONTEXT && to < rows && (!seq || seq[to] === seq[span.end - 1]); k++) to++;
  return [from, to];
}

/**
 * The matches of a search, each in its context: a checkbox selects or clears the match's rows, and
 * any token (matched or not) toggles that one row. Token text is shown as text, escaped for
 * invisible characters.
 */
export function SearchResults({
  ds,
  spans,
  selected,
  onToggleRows,
}: {
  ds: LoadedDataset | undefined;
  spans: readonly SearchSpan[];
  selected: ReadonlySet<number>;
  onToggleRows: (rows: number[], on: boolean) => void;
}) {
  return (
    <ol className="prompt-results" data-testid="prompt.results">
      {spans.slice(0, SHOWN_RESULTS).map((span, i) => {
        const rows = Array.from({ length: span.end - span.start }, (_, k) => span.start + k);
        const all = rows.every((r) => selected.has(r));
        const [from, to] = contextOf(ds, span);
        return (
          <li key={`${span.start}:${span.end}`} data-testid="prompt.result" data-start={span.start}>
            <input
              type="checkbox"
              checked={all}
              onChange={() => onToggleRows(rows, !all)}
              aria-label={`select match ${i + 1} (rows ${span.start}–${span.end - 1})`}
              data-testid="prompt.resultCheck"
            />
            <span className="muted"> row {span.start} </span>
            {Array.from({ length: to - from }, (_, k) => {
              const r = from + k;
              const hit = r >= span.start && r < span.end;
              const on = selected.has(r);
              return (
                <button
                  type="button"
                  key={r}
                  className={`ptoken${hit ? ' hit' : ''}${on ? ' on' : ''}`}
                  aria-pressed={on}
                  data-row={r}
                  data-testid="prompt.token"
                  onClick={() => onToggleRows([r], !on)}
                >
                  {tokenLabel(ds, r)}
                </button>
              );
            })}
          </li>
        );
      })}
    </ol>
  );
}
