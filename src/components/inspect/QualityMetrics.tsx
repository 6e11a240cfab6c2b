import { useCallback } from 'react';
import { densityHistogramChart } from '../../charts/densityHistogram';
import type { RunAnalysis } from '../../session/analyses';
import { ChartBox } from './ChartBox';

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : '—');

/**
 * The standard quality metrics of the evaluation (definitions: docs/evaluation.md) and, for an
 * imported SAE that does not fit the dataset, the warning saying why.
 */
export function QualityMetrics({ a }: { a: RunAnalysis }) {
  const q = a.quality;
  return (
    <>
      {a.warning && (
        <p className="warnings" role="alert" data-testid="inspect.warning">
          {a.warning}
        </p>
      )}
      {q && (
        <dl className="quality" data-testid="inspect.quality">
          <Metric id="ev" label="explained variance (R²)" value={fmt(q.explainedVariance)} />
          <Metric
            id="evResidual"
            label="explained variance (residual variance)"
            value={fmt(q.explainedVarianceResidual)}
          />
          <Metric id="mse" label="MSE" value={fmt(q.mse)} />
          <Metric id="cosine" label="cosine(x, x̂)" value={fmt(q.cosine)} />
          <Metric id="l2Ratio" label="L2 ratio ‖x̂‖/‖x‖" value={fmt(q.l2Ratio)} />
          <Metric
            id="bias"
            label="relative reconstruction bias"
            value={fmt(q.relativeReconstructionBias)}
          />
          <Metric id="l0" label="L0" value={fmt(q.l0)} />
          <Metric id="alive" label="alive features" value={`${fmt(100 * q.aliveFraction)} %`} />
          <Metric
            id="dense"
            label="features on > 1 % / > 10 % of rows"
            value={`${q.featuresOver1pct} / ${q.featuresOver10pct}`}
          />
          <Metric
            id="decoderCos"
            label="max decoder cosine"
            value={
              fmt(q.maxDecoderCosine) +
              (q.decoderPairs[0] ? ` (${q.decoderPairs[0].i}, ${q.decoderPairs[0].j})` : '')
            }
          />
        </dl>
      )}
    </>
  );
}

function Metric({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={`inspect.quality.${id}`}>{value}</dd>
    </div>
  );
}

/** log₁₀ feature density with the dead and dense bands (src/charts/densityHistogram.ts). */
export function FeatureDensity({ a }: { a: RunAnalysis }) {
  const build = useCallback(
    () =>
      densityHistogramChart(a.fireCount, a.rows, {
        width: 420,
        height: 200,
        title: 'Feature density',
      }),
    [a],
  );
  return (
    <ChartBox
      name={`${a.runId}-density`}
      label="the feature-density histogram"
      build={build}
      testId="inspect.densityHist"
    />
  );
}
