import { useEffect, useMemo, useState } from 'react';
import type { RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { querySelection } from '../../session/queries';
import { searchCorpus } from '../../session/tokenSearchClient';
import type { SearchMode, SearchResult } from '../../util/tokenSearch';
import { SearchResults, SHOWN_RESULTS } from './SearchResults';
import { ContrastTables, SelectionFeatures } from './SelectionTables';
import type { SelectionSumsLike } from './selectionStats';

/** Matches a search returns at most. */
const MAX_RESULTS = 10_000;

type Sums = SelectionSumsLike & { key: string };
type Named = { rows: Uint32Array; sums: Sums | null; error?: string };

/** Per-feature sums of the run's codes over `rows` (from the engine), keyed to tell stale ones. */
function useSums(runId: string, step: number, rows: Uint32Array | null) {
  const [got, setGot] = useState<Sums | { key: string; error: string } | null>(null);
  const key = rows ? `${runId}:${step}:${rows.join(',')}` : '';
  useEffect(() => {
    if (!rows || rows.length === 0) return;
    let live = true;
    querySelection(runId, rows).then(
      (s) => live && setGot({ ...s, key }),
      (e: Error) => live && setGot({ key, error: e.message }),
    );
    return () => void (live = false);
  }, [runId, rows, key]);
  return got?.key === key ? got : null;
}

/**
 * The prompt view: search the corpus's token text, select matches or single tokens, see the
 * features of the selection ranked by activation, and contrast two selections (A and B).
 */
export function PromptPanel({ a, ds }: { a: RunAnalysis; ds: LoadedDataset | undefined }) {
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<SearchMode>('substring');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [setA, setSetA] = useState<Uint32Array | null>(null);
  const [setB, setSetB] = useState<Uint32Array | null>(null);
  // The selection's rows as one stable array (ascending), for the engine query.
  const selRows = useMemo(
    () => (selected.size ? Uint32Array.from([...selected].sort((x, y) => x - y)) : null),
    [selected],
  );
  const current = useSums(a.runId, a.step, selRows);
  const sumsA = useSums(a.runId, a.step, setA);
  const sumsB = useSums(a.runId, a.step, setB);

  if (!ds?.tokens)
    return (
      <p className="muted" data-testid="prompt.noTokens">
        This dataset has no token text: load a token file with the activations to search it.
      </p>
    );
  const tokens = ds.tokens;

  const search = () => {
    setBusy(true);
    setError(null);
    searchCorpus({ key: ds.id, tokens, seq: ds.seq }, query, {
      mode,
      caseSensitive,
      maxResults: MAX_RESULTS,
    }).then(
      (r) => {
        setResult(r);
        setBusy(false);
      },
      (e: Error) => {
        setResult(null);
        setError(e.message);
        setBusy(false);
      },
    );
  };
  const toggleRows = (rows: number[], on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      for (const r of rows)
        if (on) next.add(r);
        else next.delete(r);
      return next;
    });
  const selectAll = () =>
    result &&
    toggleRows(
      result.spans.flatMap((s) => range(s.start, s.end)),
      true,
    );
  const named = (rows: Uint32Array | null, sums: typeof sumsA): Named | null =>
    rows && { rows, sums: sums && 'features' in sums ? sums : null, error: errorOf(sums) };
  const A = named(setA, sumsA);
  const B = named(setB, sumsB);

  return (
    <div className="prompt" data-testid="prompt.panel">
      <form
        className="controls"
        onSubmit={(e) => {
          e.preventDefault();
          search();
        }}
      >
        <label>
          Search tokens{' '}
          <input
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="prompt.query"
            spellCheck={false}
          />
        </label>
        <select
          value={mode}
          onChange={(e) => setMode(e.target.value as SearchMode)}
          aria-label="search mode"
          data-testid="prompt.mode"
        >
          <option value="substring">text contains</option>
          <option value="token">whole token</option>
          <option value="regex">regular expression</option>
        </select>
        <label>
          <input
            type="checkbox"
            checked={caseSensitive}
            onChange={(e) => setCaseSensitive(e.target.checked)}
            data-testid="prompt.case"
          />{' '}
          match case
        </label>
        <button type="submit" disabled={busy || query === ''} data-testid="prompt.search">
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      {error && (
        <p role="alert" data-testid="prompt.error">
          {error}
        </p>
      )}
      {result && (
        <p data-testid="prompt.status">
          {result.spans.length.toLocaleString('en-US')}
          {result.truncated ? '+' : ''} matches
          {result.spans.length > SHOWN_RESULTS && ` (the first ${SHOWN_RESULTS} shown)`}{' '}
          <button type="button" onClick={selectAll} data-testid="prompt.selectAll">
            Select all matches
          </button>
        </p>
      )}
      {result && (
        <SearchResults ds={ds} spans={result.spans} selected={selected} onToggleRows={toggleRows} />
      )}
      <p className="controls" data-testid="prompt.selection">
        <span data-testid="prompt.selected" data-rows={selected.size}>
          {selected.size.toLocaleString('en-US')} tokens selected
        </span>
        <button
          type="button"
          onClick={() => setSelected(new Set())}
          disabled={!selected.size}
          data-testid="prompt.clear"
        >
          Clear
        </button>
        <button
          type="button"
          onClick={() => setSetA(selRows)}
          disabled={!selRows}
          data-testid="prompt.setA"
        >
          Use as A
        </button>
        <button
          type="button"
          onClick={() => setSetB(selRows)}
          disabled={!selRows}
          data-testid="prompt.setB"
        >
          Use as B
        </button>
        <span className="muted" data-testid="prompt.ab">
          A: {A ? `${A.rows.length} tokens` : '—'} · B: {B ? `${B.rows.length} tokens` : '—'}
        </span>
      </p>
      {current && 'error' in current && <p role="alert">{current.error}</p>}
      {selRows && current && 'features' in current && (
        <>
          <h4>Features of the selection</h4>
          <SelectionFeatures sums={current} />
        </>
      )}
      {(A?.error || B?.error) && <p role="alert">{A?.error ?? B?.error}</p>}
      {A?.sums && B?.sums && (
        <>
          <h4>Contrast: A against B</h4>
          <ContrastTables a={A.sums} b={B.sums} />
        </>
      )}
    </div>
  );
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
const errorOf = (s: { error: string } | Sums | null) => (s && 'error' in s ? s.error : undefined);
