import { useAppStore } from '../../store';

/**
 * The memory budget for decoded rows: a dataset whose float32 rows fit is loaded whole into the
 * engine; a larger one is streamed from its files, the ingestion worker holding at most this
 * much (a window of shuffled blocks). Applies to the next load.
 */
export function RowMemory({ disabled }: { disabled: boolean }) {
  const mib = useAppStore((s) => s.dataset.memoryMiB);
  const set = useAppStore((s) => s.setRowMemory);
  return (
    <p className="rowmemory">
      <label>
        Rows held in memory, at most{' '}
        <input
          type="number"
          min={1}
          step={1}
          value={mib}
          disabled={disabled}
          data-testid="data.memory"
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v) && v > 0) set(v);
          }}
        />{' '}
        MiB
      </label>{' '}
      <span className="muted">— larger data is streamed from the files while it trains.</span>
    </p>
  );
}
