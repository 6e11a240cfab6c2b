import { visibleToken } from '../../io/visible';
import { useDataset } from '../useRegistry';
import { useAppStore } from '../../store';
import type { DatasetSummaryView } from '../../store/datasetSlice';
import { formatInt, formatNum } from '../../util/format';

/** The datasets loaded in this tab; choosing one makes it the one to train on. */
export function DatasetList({ disabled }: { disabled: boolean }) {
  // The list is replaced (never mutated) when a dataset is added: a stable selector result.
  const list = useAppStore((s) => s.dataset.list);
  const activeId = useAppStore((s) => s.dataset.activeId);
  const select = useAppStore((s) => s.datasetSelected);
  if (list.length === 0) return <p data-testid="data.preparing">Preparing the demo dataset…</p>;
  return (
    <fieldset className="dslist" data-testid="data.list" disabled={disabled}>
      <legend>Datasets</legend>
      {list.map((d) => (
        <label key={d.id} data-testid="data.item" data-id={d.id}>
          <input
            type="radio"
            name="dataset"
            value={d.id}
            checked={d.id === activeId}
            onChange={() => select(d.id)}
          />{' '}
          {d.name}{' '}
          <span className="muted">
            ({formatInt(d.rows)} × {d.D})
          </span>
        </label>
      ))}
    </fieldset>
  );
}

const row = (label: string, id: string, value: string) => (
  <>
    <dt>{label}</dt>
    <dd data-testid={`data.summary.${id}`}>{value}</dd>
  </>
);

function nonFiniteText(d: DatasetSummaryView): string {
  const found = d.nanCount + d.infCount;
  if (found === 0) return 'none';
  const what = `${formatInt(d.nanCount)} NaN, ${formatInt(d.infCount)} ±Inf`;
  return d.droppedRows ? `${what} — ${formatInt(d.droppedRows)} rows dropped` : what;
}

/** The active dataset's summary. */
export function DatasetSummary() {
  const d = useAppStore((s) => s.dataset.list.find((x) => x.id === s.dataset.activeId));
  if (!d) return null;
  return (
    <section aria-labelledby="summary-title" data-testid="data.summary">
      <h3 id="summary-title">Active dataset</h3>
      <dl className="facts">
        {row('Name', 'name', d.name)}
        {row('Rows', 'rows', formatInt(d.rows))}
        {row('Width D', 'D', formatInt(d.D))}
        {row('dtype', 'dtype', d.dtype)}
        {row('Sequences', 'sequences', d.sequences === null ? '—' : formatInt(d.sequences))}
        {row('norm_factor', 'normFactor', formatNum(d.normFactor))}
        {row('Mean ‖x‖', 'meanNorm', formatNum(d.meanNorm))}
        {row('Min / max', 'range', `${formatNum(d.min)} / ${formatNum(d.max)}`)}
        {row('NaN / Inf', 'nonFinite', nonFiniteText(d))}
        {row('Tokens', 'tokens', d.tokens ?? 'none (rows are shown by index)')}
        {row(
          'Rows read',
          'rowsFrom',
          `${d.rowsFrom.streamed ? 'streamed from the files' : 'from memory'}: ${d.rowsFrom.why}`,
        )}
        {row('Source', 'source', d.source)}
      </dl>
      {d.warnings.length > 0 && (
        <ul className="warnings" data-testid="data.summary.warnings">
          {d.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <TokenPreview id={d.id} />
    </section>
  );
}

const PREVIEW = 32;

/**
 * The first tokens with their sequence and position, so a person can check the alignment.
 * Token text comes from user files: rendered as React text, control characters made visible.
 */
function TokenPreview({ id }: { id: string }) {
  const ds = useDataset(id);
  if (!ds?.tokens) return null;
  const n = Math.min(PREVIEW, ds.rows);
  return (
    <details>
      <summary>First {n} tokens</summary>
      <ol className="tokens mono" data-testid="data.tokens">
        {Array.from({ length: n }, (_, i) => (
          <li
            key={i}
            title={ds.seq && ds.pos ? `sequence ${ds.seq[i]}, position ${ds.pos[i]}` : undefined}
          >
            {visibleToken(ds.tokens![i])}
          </li>
        ))}
      </ol>
    </details>
  );
}
