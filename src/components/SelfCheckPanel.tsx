import { useAppStore } from '../store';

/** The kernel self-check: each WGSL kernel against its float64 reference, as it runs. */
export function SelfCheckPanel({ onRun }: { onRun: () => void }) {
  const check = useAppStore((s) => s.selfCheck);
  const gpuReady = useAppStore((s) => s.gpuStatus === 'ready');
  const done = check.state === 'done';
  const failed = check.rows.filter((r) => r && r.status !== 'pass').length;

  return (
    <section className="panel" aria-labelledby="selfcheck-title" data-testid="selfcheck.panel">
      <h2 id="selfcheck-title">Kernel self-check</h2>
      <p>
        Each GPU kernel runs on seeded inputs and is compared with a float64 reference computed here
        in JavaScript: |gpu − ref| ≤ atol + rtol·|ref|.
      </p>
      <p data-testid="selfcheck.summary" aria-live="polite">
        {check.state === 'idle' && (gpuReady ? 'Not run yet.' : 'Waiting for the GPU.')}
        {check.state === 'running' &&
          `Running… ${check.rows.filter(Boolean).length}/${check.total}`}
        {done &&
          `${check.passed}/${check.total} passed${failed ? `, ${failed} failed` : ''} in ${(check.ms / 1000).toFixed(1)} s`}
      </p>
      <button
        type="button"
        onClick={onRun}
        disabled={!gpuReady || check.state === 'running'}
        data-testid="selfcheck.run"
      >
        Run again
      </button>
      <table className="checks" data-testid="selfcheck.table">
        <thead>
          <tr>
            <th scope="col">Kernel and shape</th>
            <th scope="col">Result</th>
            <th scope="col">Values</th>
            <th scope="col">Max |error|</th>
            <th scope="col">Worst error / tolerance</th>
          </tr>
        </thead>
        <tbody>
          {check.rows.map(
            (r, i) =>
              r && (
                <tr key={i} data-testid="selfcheck.row" data-status={r.status}>
                  <td>{r.name}</td>
                  <td className={`result-${r.status}`}>
                    {r.status === 'pass'
                      ? 'pass'
                      : r.status === 'fail'
                        ? 'FAIL'
                        : `error: ${r.message}`}
                  </td>
                  <td>{r.values ?? '—'}</td>
                  <td>{r.maxAbsError !== undefined ? r.maxAbsError.toExponential(2) : '—'}</td>
                  <td>{r.worstRatio !== undefined ? r.worstRatio.toFixed(3) : '—'}</td>
                </tr>
              ),
          )}
        </tbody>
      </table>
    </section>
  );
}
