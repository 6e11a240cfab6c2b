import { useMemo } from 'react';
import { formatBytes, formatInt } from '../../util/format';
import {
  bufferLimit,
  largestBatch,
  planRows,
  trainingMemory,
  type BufferLimits,
  type TrainShape,
} from '../../sae/memoryPlan';

/**
 * The run's GPU memory plan under the form (src/sae/memoryPlan.ts): bytes per tensor (its
 * parameters, gradient and two Adam moments) and per kind of workspace, the total, and the largest
 * batch whose buffers fit this device's per-buffer limit. Rows over the limit are marked; the
 * form's error list says what to change. Computed here from the shape: nothing enters the store.
 */
export function PlanView({ shape, limits }: { shape: TrainShape; limits: BufferLimits | null }) {
  const { D, F, B, kMax } = shape;
  const view = useMemo(() => {
    const s = { D, F, B, kMax };
    const plan = trainingMemory(s);
    return {
      plan,
      rows: planRows(plan),
      limit: limits && bufferLimit(limits),
      maxBatch: limits && largestBatch(s, limits),
    };
  }, [D, F, B, kMax, limits]);
  const { plan, rows, limit, maxBatch } = view;
  return (
    <details className="plan" data-testid="train.plan">
      <summary>
        GPU memory <span data-testid="train.plan.total">{formatBytes(plan.total)}</span> in{' '}
        {plan.buffers.length} buffers
        {limit && (
          <>
            {' '}
            · largest batch that fits{' '}
            <span data-testid="train.plan.maxBatch">{formatInt(maxBatch ?? 0)}</span> · per buffer ≤{' '}
            {formatBytes(limit.bytes)} (<code>{limit.name}</code>)
          </>
        )}
      </summary>
      <table className="metrics plan-table">
        <thead>
          <tr>
            <th>tensor / workspace</th>
            <th>shape</th>
            <th>each</th>
            <th>×</th>
            <th>bytes</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const over = limit !== null && r.each > limit.bytes;
            return (
              <tr
                key={r.row}
                title={r.labels.join(', ')}
                className={over ? 'over' : undefined}
                data-testid={`train.plan.row.${r.row}`}
              >
                <td>
                  <code>{r.row}</code>
                  {over && ' (over the limit)'}
                </td>
                <td>{r.shape}</td>
                <td>{formatBytes(r.each)}</td>
                <td>{r.count}</td>
                <td>{formatBytes(r.bytes)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
