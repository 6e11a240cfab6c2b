import { memo } from 'react';
import type { LoadedDataset } from '../../session/datasets';
import { tokenLabel } from './TokenView';
import { contextRows } from './tokenLayout';

export const CONTEXT = 5;
export const fmt = (v: number) => Number(v.toPrecision(4)).toString();

/**
 * One activating token with ±CONTEXT tokens of its sequence: the token itself (a button that
 * selects its row), its activation, and the feature's activation on every context token where it
 * fires (a subscript; shading by activation / max). Token text is the user's: always text.
 * Memoised: a feature page re-renders as its queries arrive, and its lines only change with
 * their own props.
 */
export const ContextLine = memo(function ContextLine({
  row,
  value,
  rows,
  ds,
  acts,
  max,
  onSelectRow,
}: {
  row: number;
  value: number;
  rows: number;
  ds: LoadedDataset | undefined;
  /** The feature's activation on every row (null while it loads). */
  acts: Float32Array | null;
  max: number;
  onSelectRow: (r: number) => void;
}) {
  return (
    <li data-row={row} data-value={value}>
      <span className="value">{fmt(value)}</span>{' '}
      {contextRows(row, rows, ds?.seq ?? null, CONTEXT).map((r) => {
        if (r === row)
          return (
            <button
              key={r}
              type="button"
              className="token top"
              onClick={() => onSelectRow(r)}
              aria-label={`row ${r}: ${tokenLabel(ds, r)}, activation ${fmt(value)}: inspect this row`}
            >
              <mark>{tokenLabel(ds, r)}</mark>
            </button>
          );
        const v = acts ? acts[r] : 0;
        return (
          <span
            key={r}
            className={v > 0 ? 'ctx active' : 'ctx'}
            data-row={r}
            data-act={v}
            style={
              v > 0 && max > 0
                ? { background: `rgba(91, 140, 58, ${(0.15 + (0.6 * v) / max).toFixed(3)})` }
                : undefined
            }
            title={v > 0 ? `activation ${fmt(v)}` : undefined}
          >
            {tokenLabel(ds, r)}
            {v > 0 && <sub className="act">{fmt(v)}</sub>}
          </span>
        );
      })}
    </li>
  );
});
