/**
 * Building the Data panel's summaries and the page registry's entries from the engine's reply
 * (the numbers of the rows it kept) and, for files, what the ingestion worker reported.
 */
import { ITEM_SIZE } from '../io/dtype';
import type { DatasetStats } from '../io/stats';
import type { DatasetSummaryView } from '../store/datasetSlice';
import type { DatasetLoaded } from './engineClient';
import type { DatasetSummary } from '../workers/ingest-protocol';
import { keptRows, type LoadedDataset } from './datasets';

/** Tokens aligned to the rows as sent to the engine (before dropping). */
export interface RowTokens {
  file: string | null;
  tokens: string[] | null;
  sequence: Int32Array | null;
  position: Int32Array | null;
}

/** The dtypes named in `describe` lines (`name: f16 (…)`), in order, without repeats. */
export function dtypesOf(describe: string): string {
  const names = Object.keys(ITEM_SIZE).join('|');
  const found = [...describe.matchAll(new RegExp(`: (${names})[ ]`, 'g'))].map((m) => m[1]);
  return [...new Set(found)].join(', ') || '?';
}

function distinct(seq: Int32Array | null): number | null {
  if (!seq || seq.length === 0) return null;
  return new Set(seq).size;
}

/** The built-in corpora: the registry entry and the summary (tokens come from the engine). */
export function builtinEntries(m: DatasetLoaded): {
  entry: LoadedDataset;
  view: DatasetSummaryView;
} {
  const s = m.summary;
  const entry: LoadedDataset = {
    id: s.id,
    name: s.name,
    rows: s.rows,
    D: s.D,
    tokens: m.tokens ?? null,
    seq: m.sequence ?? null,
    pos: m.position ?? null,
  };
  const view: DatasetSummaryView = {
    ...s,
    builtin: true,
    source: 'generated in the engine worker (seeded token-lab corpus, src/data/demo.ts)',
    dtype: 'f32',
    sequences: distinct(entry.seq),
    nanCount: 0,
    infCount: 0,
    droppedRows: 0,
    tokens: m.tokens ? `${m.tokens.length.toLocaleString('en-US')} tokens, one per row` : null,
    warnings: [],
    rowsFrom: { streamed: false, why: 'generated in the engine worker and held in its memory' },
  };
  return { entry, view };
}

/** A dataset loaded from files: per-row data follows the rows the engine kept. */
export function fileEntries(
  m: DatasetLoaded,
  opened: DatasetSummary,
  stats: DatasetStats,
  t: RowTokens,
  rowsFrom: DatasetSummaryView['rowsFrom'],
): { entry: LoadedDataset; view: DatasetSummaryView } {
  const s = m.summary;
  const sent = opened.rows;
  const kept = keptRows(sent, m.dropped);
  const keep = <T>(a: ArrayLike<T> | null): T[] | null =>
    a ? (m.dropped.length ? Array.from(kept, (i) => a[i]) : Array.from(a)) : null;
  const keepInt = (a: Int32Array | null) =>
    a ? (m.dropped.length ? Int32Array.from(kept, (i) => a[i]) : a) : null;
  const entry: LoadedDataset = {
    id: s.id,
    name: s.name,
    rows: s.rows,
    D: s.D,
    tokens: keep(t.tokens),
    seq: keepInt(t.sequence),
    pos: keepInt(t.position),
  };
  const tokens = t.tokens
    ? `${t.tokens.length.toLocaleString('en-US')} tokens from ${t.file}, one per row` +
      (m.dropped.length ? ` (${m.dropped.length} dropped with their rows)` : '')
    : null;
  const view: DatasetSummaryView = {
    ...s,
    builtin: false,
    source: opened.describe,
    dtype: dtypesOf(opened.describe),
    sequences: opened.sequences ?? distinct(entry.seq),
    nanCount: stats.nanCount,
    infCount: stats.infCount + stats.overflowCount,
    droppedRows: m.dropped.length,
    tokens,
    warnings: opened.warnings,
    rowsFrom,
  };
  return { entry, view };
}
