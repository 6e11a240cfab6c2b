import { useState } from 'react';
import type { TrainConfigInput } from '../../model/config';
import type { SweepActions } from '../../session/appSession';
import { SWEEP_ARCHS, currentRun, parseKList, type SweepPlan } from '../../session/sweep';
import { useAppStore } from '../../store';
import type { FormDataset } from './ConfigForm';

const ARCH_LABELS: Record<string, string> = {
  softsae: 'SoftSAE',
  topk: 'TopK',
  batchtopk: 'BatchTopK',
};

let sweepCounter = 0;
const newSweepId = () => `sweep-${Date.now().toString(36)}-${++sweepCounter}`;

/** k/2, k, 2k around the form's k: a first sweep that spans a factor of four in L0. */
function defaultKs(k: unknown, D: number): string {
  const k0 = Math.max(1, Math.round(Number(k) || 8));
  return [...new Set([Math.max(1, Math.round(k0 / 2)), k0, Math.min(D, 2 * k0)])].join(', ');
}

/**
 * An L0 sweep of the form's settings: a list of k × architectures, queued one run after another
 * (each checkpointed, so a reload does not lose the sweep). Compare draws one FVU–L0 curve per
 * architecture as the runs finish.
 */
export function SweepForm({
  base,
  dataset,
  canStart,
  locked,
  onStart,
}: {
  base: TrainConfigInput;
  dataset: FormDataset;
  canStart: boolean;
  locked: boolean;
  onStart: (plan: Omit<SweepPlan, 'checkpointEvery'>) => void;
}) {
  const [ksText, setKsText] = useState(() => defaultKs(base.k, dataset.D));
  const [archs, setArchs] = useState<string[]>([...SWEEP_ARCHS]);
  const ks = parseKList(ksText);
  const tooBig = typeof ks === 'string' ? [] : ks.filter((k) => k > Number(base.dict_size));
  const problem =
    typeof ks === 'string'
      ? ks
      : tooBig.length > 0
        ? `k = ${tooBig.join(', ')} is over the dictionary size ${String(base.dict_size)}`
        : archs.length === 0
          ? 'choose at least one architecture'
          : null;
  const runs = typeof ks === 'string' ? 0 : ks.length * archs.length;
  return (
    <fieldset className="sweep" disabled={locked} data-testid="train.sweep">
      <legend>L0 sweep: these settings at several k, for each architecture</legend>
      <label>
        k values{' '}
        <input
          value={ksText}
          onChange={(e) => setKsText(e.target.value)}
          aria-invalid={typeof ks === 'string' || undefined}
          data-testid="train.sweep.ks"
        />
      </label>{' '}
      {SWEEP_ARCHS.map((a) => (
        <label key={a} className="inline">
          <input
            type="checkbox"
            checked={archs.includes(a)}
            onChange={(e) =>
              setArchs(e.target.checked ? [...archs, a] : archs.filter((x) => x !== a))
            }
            data-testid={`train.sweep.arch.${a}`}
          />{' '}
          {ARCH_LABELS[a]}
        </label>
      ))}{' '}
      <button
        type="button"
        disabled={!canStart || problem !== null}
        onClick={() =>
          typeof ks !== 'string' &&
          onStart({
            id: newSweepId(),
            datasetId: dataset.id,
            datasetName: dataset.name,
            base,
            ks,
            archs: SWEEP_ARCHS.filter((a) => archs.includes(a)),
          })
        }
        data-testid="train.sweep.start"
      >
        Start sweep ({runs} run{runs === 1 ? '' : 's'})
      </button>
      {problem && (
        <p role="alert" className="errors" data-testid="train.sweep.problem">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

const fmt = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '—' : Number(v.toPrecision(4)).toString();

/** The current or last sweep: its runs, their results, and Continue / Stop. */
export function SweepStatus({
  sweeps,
  canContinue,
}: {
  sweeps: SweepActions;
  canContinue: boolean;
}) {
  const sweep = useAppStore((s) => s.sweep);
  const training = useAppStore((s) => s.training);
  const datasets = useAppStore((s) => s.dataset.list);
  const activeId = useAppStore((s) => s.dataset.activeId);
  const savedRuns = useAppStore((s) => s.savedRuns);
  if (!sweep) return null;
  const run = currentRun(sweep);
  const done = sweep.runs.filter((r) => r.state === 'done' || r.state === 'failed').length;
  // Continue on the sweep's dataset if this page has it, else on the active one (the same files
  // loaded again: the checkpoint's fingerprint check refuses other data).
  const target = datasets.some((d) => d.id === sweep.plan.datasetId)
    ? sweep.plan.datasetId
    : activeId;
  const checkpointed = run && savedRuns.find((r) => r.runId === run.runId);
  return (
    <section className="sweep-status" data-testid="train.sweep.status">
      <h3>
        Sweep on {sweep.plan.datasetName}:{' '}
        <span data-testid="train.sweep.state">
          {sweep.state === 'interrupted'
            ? `interrupted at run ${done + 1} of ${sweep.runs.length}` +
              (run
                ? ` (${run.name}${checkpointed ? `, step ${checkpointed.step} saved` : ''})`
                : '')
            : `${sweep.state}, ${done} of ${sweep.runs.length} runs finished`}
        </span>
      </h3>
      <div className="controls">
        {sweep.state === 'interrupted' && (
          <button
            type="button"
            disabled={!canContinue || !target}
            onClick={() => target && sweeps.resume(target)}
            data-testid="train.sweep.continue"
          >
            Continue sweep
          </button>
        )}
        {sweep.state === 'running' && (
          <button type="button" onClick={() => sweeps.stop()} data-testid="train.sweep.stop">
            Stop sweep
          </button>
        )}
        {sweep.state !== 'running' && (
          <button type="button" onClick={() => sweeps.clear()} data-testid="train.sweep.clear">
            Clear
          </button>
        )}
      </div>
      <table data-testid="train.sweep.runs">
        <thead>
          <tr>
            <th>run</th>
            <th>state</th>
            <th>FVU</th>
            <th>mean L0</th>
          </tr>
        </thead>
        <tbody>
          {sweep.runs.map((r) => (
            <tr key={r.runId} data-run={r.runId} data-state={r.state}>
              <td>{r.name}</td>
              <td>
                {r.state === 'running' && training.runId === r.runId
                  ? `${training.state} ${training.step}/${training.steps}`
                  : r.state}
                {r.message ? `: ${r.message}` : ''}
              </td>
              <td>{fmt(r.fvu)}</td>
              <td>{fmt(r.meanL0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
