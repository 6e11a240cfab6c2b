import type { RunAnalysis } from '../../session/analyses';
import type { LoadedDataset } from '../../session/datasets';
import { queryFeatureBands } from '../../session/queries';
import { ContextLine, fmt } from './ContextLine';
import { useQuery } from './useQuery';

/** Quantile bands below the top activations, and sample contexts from each. */
export const BANDS = 5;
export const PER_BAND = 5;

const pct = (q: number) => `${Number((100 * q).toFixed(1))} %`;

/**
 * The feature's nonzero activations below its top ones, in {@link BANDS} bands of equal count
 * (quantiles, highest first), each with its activation range and {@link PER_BAND} contexts at
 * evenly spaced ranks (src/workers/featureBands.ts). Computed in the engine worker.
 */
export function FeatureBands({
  a,
  ds,
  feature,
  acts,
  onSelectRow,
}: {
  a: RunAnalysis;
  ds: LoadedDataset | undefined;
  feature: number;
  acts: Float32Array | null;
  onSelectRow: (r: number) => void;
}) {
  const key = `${a.runId}:${a.step}:${feature}`;
  const { value, error } = useQuery(key, () =>
    queryFeatureBands(a.runId, feature, { top: a.topN, bands: BANDS, perBand: PER_BAND }),
  );
  const bands = value?.bands.filter((b) => b.kind === 'quantile') ?? [];
  return (
    <>
      <h4>Activations below the top {a.topN}, by quantile</h4>
      {error && <p className="error">{error}</p>}
      {!value && !error && <p>Loading…</p>}
      {value && bands.length === 0 && (
        <p data-testid="inspect.bandsEmpty">
          All {value.fired} activations of this feature are among its top {a.topN}.
        </p>
      )}
      {value && value.rows < a.rows && (
        <p className="muted">
          Over the first {value.rows.toLocaleString('en-US')} rows, whose codes are kept.
        </p>
      )}
      <div data-testid="inspect.bands">
        {bands.map((b) => (
          <section
            key={b.start}
            className="band"
            data-testid="inspect.band"
            data-lo={b.lo}
            data-hi={b.hi}
            data-start={b.start}
            data-end={b.end}
          >
            <h5>
              Quantile {pct(b.qLo)} – {pct(b.qHi)} of its {value!.fired} activations: {fmt(b.lo)} –{' '}
              {fmt(b.hi)} ({b.end - b.start} inputs)
            </h5>
            <ol className="top-tokens">
              {b.samples.map((s) => (
                <ContextLine
                  key={s.row}
                  row={s.row}
                  value={s.value}
                  rows={a.rows}
                  ds={ds}
                  acts={acts}
                  max={a.actMax[feature]}
                  onSelectRow={onSelectRow}
                />
              ))}
            </ol>
          </section>
        ))}
      </div>
    </>
  );
}
