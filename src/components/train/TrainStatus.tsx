import { useAppStore } from '../../store';
import { formatBytes, formatDuration, formatInt, formatNum } from '../../util/format';
import type { EvalProgress } from '../../store/runsSlice';
import { selectBatchSize } from '../../store/selectors';

/** The newest committed checkpoint, a write that failed, and why the run last restored one. */
export function CheckpointStatus() {
  const c = useAppStore((s) => s.training.checkpoint);
  const problem = useAppStore((s) => s.training.checkpointProblem);
  const restored = useAppStore((s) => s.training.restored);
  return (
    <>
      {c && (
        <p className="muted" data-testid="train.checkpoint">
          checkpoint: step {c.step} (generation {c.generation}, {formatBytes(c.bytes)})
        </p>
      )}
      {problem && (
        <p role="alert" className="errors" data-testid="train.checkpointProblem">
          {problem}
        </p>
      )}
      {restored && <p data-testid="train.restored">{restored}</p>}
    </>
  );
}

/** State, progress bar, step, rows/s and ETA of the current run. */
export function TrainProgress() {
  const state = useAppStore((s) => s.training.state);
  const message = useAppStore((s) => s.training.message);
  const step = useAppStore((s) => s.training.step);
  const steps = useAppStore((s) => s.training.steps);
  const rowsPerSec = useAppStore((s) => s.training.rowsPerSec);
  const gpuBytes = useAppStore((s) => s.training.gpuBytes);
  const batch = useAppStore(selectBatchSize);
  const evaluating = useAppStore((s) =>
    s.training.state === 'evaluating' && s.evalProgress?.runId === s.training.runId
      ? s.evalProgress
      : null,
  );
  const eta = rowsPerSec > 0 && batch > 0 ? ((steps - step) * batch) / rowsPerSec : NaN;
  return (
    <div className="progress">
      <p
        data-testid="train.state"
        aria-live="polite"
        className={state === 'failed' ? 'errors' : ''}
      >
        {state === 'idle' ? 'Not started.' : `${state}${message ? `: ${message}` : ''}`}
      </p>
      <progress
        max={1}
        value={steps ? step / steps : 0}
        aria-label="training progress"
        data-testid="train.progress"
      />
      <p>
        <span data-testid="train.step">
          step {step} / {steps}
        </span>
        {rowsPerSec > 0 && (
          <>
            {' · '}
            <span data-testid="train.rate">{formatInt(Math.round(rowsPerSec))} rows/s</span>
          </>
        )}
        {gpuBytes > 0 && (
          <>
            {' · '}
            <span data-testid="train.gpuBytes" data-bytes={gpuBytes}>
              GPU memory {formatBytes(gpuBytes)}
            </span>
          </>
        )}
        {state === 'running' && Number.isFinite(eta) && (
          <>
            {' · '}
            <span data-testid="train.eta">ETA {formatDuration(eta)}</span>
          </>
        )}
      </p>
      {evaluating && <EvalProgressLine p={evaluating} />}
    </div>
  );
}

/** The latest step's numbers, and the evaluation over every row once training is done. */
export function TrainNumbers() {
  const m = useAppStore((s) => s.training.latest);
  const batch = useAppStore(selectBatchSize);
  const ev = useAppStore((s) => s.training.evaluation);
  return (
    <>
      {m && (
        <table className="metrics" data-testid="train.metrics">
          <tbody>
            <tr>
              <th scope="row">loss</th>
              <td data-testid="train.loss">{formatNum(m.loss)}</td>
              <th scope="row">L2</th>
              <td>{formatNum(m.l2)}</td>
            </tr>
            <tr>
              <th scope="row">k̂ mean / min / max</th>
              <td data-testid="train.kHat">
                {formatNum(m.kMean, 3)} / {formatNum(m.kMin, 3)} / {formatNum(m.kMax, 3)}
              </td>
              <th scope="row">dead</th>
              <td>{m.deadCount}</td>
            </tr>
            <tr>
              <th scope="row">learning rate</th>
              <td>{formatNum(m.lr, 3)}</td>
              <th scope="row">‖g‖ (before clip)</th>
              <td>{formatNum(m.gradNorm, 3)}</td>
            </tr>
            <tr>
              <th scope="row">L0 per row (batch)</th>
              <td data-testid="train.l0">
                {m.sparse && batch > 0 ? formatNum(m.activeCodes / batch, 3) : '— (dense step)'}
              </td>
              <th scope="row">route</th>
              <td>{m.sparse ? 'sparse' : 'dense'}</td>
            </tr>
            <tr>
              <th scope="row">mode</th>
              <td>{m.mode}</td>
              <th scope="row" title="steps with a non-finite loss or gradient, left out">
                skipped steps
              </th>
              <td data-testid="train.skipped">{m.skipped}</td>
            </tr>
          </tbody>
        </table>
      )}
      {ev && (
        <table className="metrics" data-testid="train.evaluation">
          <caption>Evaluation over all {formatInt(ev.rows)} rows (hard path)</caption>
          <tbody>
            <tr>
              <th scope="row">FVU</th>
              <td data-testid="eval.fvu">{formatNum(ev.fvu)}</td>
              <th scope="row">mean L0</th>
              <td data-testid="eval.meanL0">{formatNum(ev.meanL0, 3)}</td>
            </tr>
            {ev.spearmanL0 !== null && (
              <tr>
                <th
                  scope="row"
                  title="rank correlation with each row's true number of active concepts"
                >
                  Spearman(k̂, true count)
                </th>
                <td data-testid="eval.spearmanKHat">
                  {ev.spearmanKHat === null ? '—' : formatNum(ev.spearmanKHat, 3)}
                </td>
                <th scope="row">Spearman(L0, true count)</th>
                <td data-testid="eval.spearmanL0">{formatNum(ev.spearmanL0, 3)}</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </>
  );
}

/**
 * An evaluation under way: every row goes through the model twice (statistics, then the
 * activation histograms), so the fraction counts rows of both passes.
 */
export function EvalProgressLine({ p }: { p: EvalProgress }) {
  const eta = p.rowsPerSec > 0 ? (p.total - p.done) / p.rowsPerSec : NaN;
  const rows = p.total / 2;
  const pass = p.done < rows ? 1 : 2;
  const inPass = pass === 1 ? p.done : p.done - rows;
  return (
    <p data-testid="eval.progress" data-done={p.done} data-total={p.total}>
      evaluating: {Math.floor((100 * p.done) / p.total)} % (pass {pass} of 2, {formatInt(inPass)} of{' '}
      {formatInt(rows)} rows)
      {Number.isFinite(eta) && <> · ETA {formatDuration(eta)}</>}
    </p>
  );
}
