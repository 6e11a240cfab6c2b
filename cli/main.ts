// The page behind `softsae train` / `softsae eval`, driven from Node (bin/softsae.mjs) through
// Playwright. It is a second client of the app's engine: the same workers, loader, protocol,
// training run (checkpoints, device-loss recovery, non-finite rollback) and evaluation pass
// (cli/session.ts). Inputs are read by byte ranges from /__cli/in/<name> and outputs posted to
// /__cli/out/<name> (scripts/cli-server.mjs); nothing else is reached. Progress goes to the
// console through `progress.ts`, rendered on stderr by the Node side.
import { writeCodes } from '../src/io/sae/codes';
import { qualityLines, qualityReport } from '../src/sae/quality';
import { getAnalysis } from '../src/session/analyses';
import { getDataset } from '../src/session/datasets';
import { importSae, queryCodes, queryExport } from '../src/session/queries';
import { useAppStore, type AppState } from '../src/store';
import { selectBatchSize, selectDeadFraction, selectPredictsK } from '../src/store/selectors';
import type { TrainConfigInput } from '../src/model/config';
import { currentRun, type SweepArch, type SweepState } from '../src/session/sweep';
import { SweepRunner } from '../src/session/sweepRunner';
import { CheckpointMirror, restoreCheckpointFiles } from './checkpoints';
import { evalProgressReporter, progressReporter } from './progress';
import { CliSession, when, type CliFile, type DataArgs } from './session';

interface EvalArgs extends DataArgs {
  model: CliFile[];
  batch: number;
  codes: boolean;
}

interface TrainArgs extends DataArgs {
  config: TrainConfigInput;
  runId: string;
  checkpointEvery: number;
  /** `--resume`: the checkpoint files of the run to continue. */
  resume?: string[];
  /** `--eval-rows`: the final evaluation covers the first this-many rows. */
  evalRows?: number;
  /** `--data-check yes`: serve one epoch of the stream and print its checksum first. */
  dataCheck?: boolean;
}

interface SweepArgs extends DataArgs {
  base: TrainConfigInput;
  ks: number[];
  archs: SweepArch[];
  sweepId: string;
  checkpointEvery: number;
  /** `--resume`: the sweep as it was saved, and the checkpoint files of its interrupted run. */
  resume?: { state: SweepState; files: string[] };
}

declare global {
  interface Window {
    softsaeCli?: {
      eval(a: EvalArgs): Promise<{ rows: number; fvu: number; mean_l0: number }>;
      train(
        a: TrainArgs,
      ): Promise<{ steps: number; fvu: number; mean_l0: number; eval_rows: number }>;
      sweep(a: SweepArgs): Promise<{ runs: number; done: number }>;
    };
  }
}

async function output(name: string, body: BodyInit) {
  const res = await fetch(`/__cli/out/${encodeURIComponent(name)}`, { method: 'POST', body });
  if (!res.ok) throw new Error(`cannot write ${name}: ${await res.text()}`);
}

/**
 * A JSON object whose number arrays may be millions long, as a Blob built from small string
 * parts: never one string of the whole report.
 */
function jsonBlob(fields: Record<string, unknown>, arrays: Record<string, ArrayLike<number>>) {
  const parts: string[] = [];
  const CHUNK = 65536;
  parts.push(JSON.stringify(fields).slice(0, -1));
  for (const [key, a] of Object.entries(arrays)) {
    parts.push(`,${JSON.stringify(key)}:[`);
    for (let i = 0; i < a.length; i += CHUNK) {
      const end = Math.min(a.length, i + CHUNK);
      parts.push(
        (i > 0 ? ',' : '') +
          Array.prototype.join.call(
            Array.from({ length: end - i }, (_, j) => a[i + j]),
            ',',
          ),
      );
    }
    parts.push(']');
  }
  parts.push('}');
  return new Blob(parts, { type: 'application/json' });
}

/**
 * A finished run's files: `model.safetensors` (the app's export) and `metrics.json` (the final
 * evaluation over every row or the first `--eval-rows`, the last step's numbers, the config and the loss history), under
 * `prefix` (a sweep's run folder).
 */
async function writeRunFiles(runId: string, s: AppState, prefix: string) {
  const end = s.training;
  const files = await queryExport(runId, 'softsae');
  await output(
    `${prefix}model.safetensors`,
    files.find((f) => f.name === 'model.safetensors')!.bytes,
  );
  const ev = end.evaluation!;
  const last = end.latest;
  const metrics = {
    fvu: ev.fvu,
    mean_l0: ev.meanL0,
    /** Rows the final evaluation covered: every row, or the first `--eval-rows`. */
    eval_rows: ev.rows,
    dead_fraction: selectDeadFraction(s) ?? 0,
    skipped_steps: last?.skipped ?? 0,
    config: end.config,
    loss_history: end.history.map((m) => ({
      step: m.step,
      loss: m.loss,
      l2: m.l2,
      k_loss: m.kLoss,
      aux: m.aux,
      mean_k_hat: m.kMean,
    })),
  };
  await output(`${prefix}metrics.json`, JSON.stringify(metrics, null, 2));
  return ev;
}

/** The run's latest step as a progress update (k̂ only for SoftSAE, which predicts it). */
function reportStep(progress: ReturnType<typeof progressReporter>, s: AppState) {
  const t = s.training;
  if (!t.latest || t.steps <= 0) return;
  progress({
    step: t.step,
    steps: t.steps,
    batch: selectBatchSize(s),
    loss: t.latest.loss,
    mean_k_hat: selectPredictsK(s) ? t.latest.kMean : undefined,
    rows_per_sec: t.rowsPerSec > 0 ? t.rowsPerSec : undefined,
  });
}

/**
 * The data check: one epoch of the dataset's shuffled training stream, served without training,
 * and its order-free checksum (the app's `dataset-epoch`).
 */
async function dataCheck(datasetId: string, batch: number) {
  const before = useAppStore.getState().training.dataCheck;
  session.engine.send({ type: 'dataset-epoch', id: datasetId, batch });
  const check = await when((s) =>
    s.training.dataCheck !== before ? s.training.dataCheck : undefined,
  );
  const e = useAppStore.getState().training.dataEpochs.at(-1);
  if (check?.message || !e) throw new Error(`data check failed: ${check?.message ?? 'no epoch'}`);
  console.log(
    `data check: one epoch of the stream, ${e.rows} rows, checksum ${e.checksum}, ` +
      `${check!.seconds.toFixed(1)} s`,
  );
}

/** Reports every evaluation's progress (rows of both passes, rate, ETA) until the returned stop. */
function watchEvalProgress(): () => void {
  const report = evalProgressReporter();
  let seen: AppState['evalProgress'] = null;
  return useAppStore.subscribe((s) => {
    if (s.evalProgress && s.evalProgress !== seen) report(s.evalProgress);
    seen = s.evalProgress;
  });
}

const session = new CliSession();

window.softsaeCli = {
  async eval(a) {
    console.log(`adapter: ${await session.gpu()}`);
    const datasetId = await session.load(a);
    // Model files are small next to the activations: fetched whole, then parsed by the engine.
    const files = await Promise.all(
      a.model.map(async (f) => {
        const res = await fetch(`/__cli/in/${encodeURIComponent(f.name)}`);
        if (!res.ok) throw new Error(`${f.name}: cannot be read (HTTP ${res.status})`);
        return new File([await res.blob()], f.name);
      }),
    );
    const runId = `cli-eval-${Date.now().toString(36)}`;
    const stopEvalProgress = watchEvalProgress();
    const { source } = await importSae(files, datasetId, runId, a.batch).finally(stopEvalProgress);
    const r = getAnalysis(runId);
    if (!r) throw new Error('the evaluation did not arrive');
    console.log(`model: ${source}, D = ${r.D}, F = ${r.F}`);
    if (r.quality) for (const line of qualityLines(r.quality)) console.log(line);
    // The Node side prints every console line of the page on stderr, this one included.
    if (r.warning) console.error(`warning: ${r.warning}`);
    if (a.codes) {
      const c = await queryCodes(runId);
      const ds = getDataset(datasetId);
      const layout = ds?.seq && ds.pos ? { seq: ds.seq, pos: ds.pos } : {};
      const about =
        `${source} on ${a.acts.map((f) => f.name).join(', ')}` +
        (a.tokens ? `, tokens ${a.tokens.name}` : '');
      await output(
        'codes.safetensors',
        writeCodes({
          rows: r.rows,
          F: c.F,
          rowPtr: c.rowPtr,
          col: c.col,
          val: c.val,
          ...layout,
          tokens: a.tokens ? (ds?.tokens ?? undefined) : undefined,
          about,
        }),
      );
    }
    const arrays = { ...(r.kHat ? { k_hat: r.kHat } : {}), l0: r.l0, sq_err: r.sqErr };
    await output(
      'report.json',
      jsonBlob(
        {
          rows: r.rows,
          fvu: r.fvu,
          mean_l0: r.meanL0,
          source,
          ...(r.quality ? qualityReport(r.quality) : {}),
          warning: r.warning ?? null,
        },
        arrays,
      ),
    );
    return { rows: r.rows, fvu: r.fvu, mean_l0: r.meanL0 };
  },

  async train(a) {
    console.log(`adapter: ${await session.gpu()}`);
    const datasetId = await session.load(a);
    if (a.dataCheck) await dataCheck(datasetId, Number(a.config.batch_size ?? 256));
    const mirror = new CheckpointMirror(a.runId, '', a.resume ?? []);
    const progress = progressReporter();
    const stopEvalProgress = watchEvalProgress();
    let mirrored: Promise<void> = Promise.resolve();
    let mirrorError: unknown = null;
    let lastCheckpoint = -1;
    let epochsShown = 0;
    const stop = useAppStore.subscribe((s) => {
      const t = s.training;
      if (t.runId !== a.runId) return;
      // Each completed epoch of the training stream: its rows and their order-free checksum
      // (scripts/npy-epoch-checksum.py computes the same from the files with NumPy).
      for (; epochsShown < t.dataEpochs.length; epochsShown++) {
        const e = t.dataEpochs[epochsShown];
        console.log(`epoch ${e.epoch}: ${e.rows} rows served, checksum ${e.checksum}`);
      }
      reportStep(progress, s);
      const cp = t.checkpoint;
      if (cp && cp.generation !== lastCheckpoint) {
        lastCheckpoint = cp.generation;
        mirrored = mirror.sync().catch((e: unknown) => void (mirrorError = e));
      }
    });
    try {
      if (a.resume) {
        await restoreCheckpointFiles(a.runId, a.resume);
        session.engine.send({
          type: 'train-restore',
          runId: a.runId,
          dataset: { id: datasetId },
          evalRows: a.evalRows,
        });
        const outcome = await when((s) =>
          s.resumeRefused !== null
            ? { refused: s.resumeRefused }
            : s.training.runId === a.runId && s.training.restored
              ? { restored: s.training.restored }
              : undefined,
        );
        if ('refused' in outcome) throw new Error(outcome.refused);
        console.log(outcome.restored);
      } else {
        session.engine.send({
          type: 'train-start',
          dataset: { id: datasetId },
          config: a.config,
          runId: a.runId,
          checkpointEvery: a.checkpointEvery,
          evalRows: a.evalRows,
        });
      }
      // Until the run ends; a pause here is the engine's own (a file that went away, a full disk,
      // repeated non-finite steps): the checkpoint on disk is where `--resume` continues.
      // (A run refused before it starts — an invalid config — fails without a run id.)
      const end = await when((s) => {
        const t = s.training;
        if (t.state === 'failed') return t;
        if (t.runId !== a.runId) return undefined;
        return t.state === 'done' || t.state === 'paused' ? t : undefined;
      });
      await mirrored;
      if (mirrorError) throw mirrorError;
      if (end.state !== 'done')
        throw new Error(
          `${end.message ?? end.state}` +
            (end.state === 'paused' ? ' — continue with softsae train --resume DIR' : ''),
        );
      const ev = await writeRunFiles(a.runId, useAppStore.getState(), '');
      return { steps: end.step, fvu: ev.fvu, mean_l0: ev.meanL0, eval_rows: ev.rows };
    } finally {
      stop();
      stopEvalProgress();
    }
  },

  async sweep(a) {
    console.log(`adapter: ${await session.gpu()}`);
    const datasetId = await session.load(a);
    const progress = progressReporter();
    const stopEvalProgress = watchEvalProgress();
    // The sweep's state goes to DIR/sweep-state.json at every change, and each run's checkpoints
    // to DIR/<run>/checkpoints/ after each commit: `softsae sweep --resume DIR` continues there.
    let saved: Promise<void> = Promise.resolve();
    let saveError: unknown = null;
    const storage = {
      load: () => a.resume?.state ?? null,
      save: (st: SweepState | null) => {
        const text = JSON.stringify(st, null, 2);
        saved = saved
          .then(() => output('sweep-state.json', text))
          .catch((e: unknown) => void (saveError = e));
      },
    };
    const mirrors = new Map<string, CheckpointMirror>();
    // The run a resumed sweep continues has its checkpoint files on disk already.
    const resumedRun = a.resume ? currentRun(a.resume.state) : undefined;
    let lastCheckpoint = '';
    let restored: string | null = null;
    const stopProgress = useAppStore.subscribe((s) => {
      const t = s.training;
      if (t.state === 'running') reportStep(progress, s);
      if (t.restored && t.restored !== restored) console.log(`${t.runId}: ${t.restored}`);
      restored = t.restored;
      const run = s.sweep?.runs.find((r) => r.runId === t.runId);
      if (!run || !t.checkpoint) return;
      const key = `${t.runId}:${t.checkpoint.generation}`;
      if (key === lastCheckpoint) return;
      lastCheckpoint = key;
      let m = mirrors.get(run.runId);
      if (!m) {
        const restored = run.runId === resumedRun?.runId ? a.resume!.files : [];
        mirrors.set(run.runId, (m = new CheckpointMirror(run.runId, `${run.name}/`, restored)));
      }
      saved = saved.then(() => m.sync()).catch((e: unknown) => void (saveError = e));
    });
    // Each finished run writes its folder before the next starts (the store still holds it).
    const runner = new SweepRunner(
      (r) => session.engine.send(r),
      storage,
      async (run, s) => {
        const i = s.runs.findIndex((r) => r.runId === run.runId) + 1;
        if (run.state !== 'done') {
          console.log(`run ${i}/${s.runs.length} ${run.name}: ${run.state}: ${run.message}`);
          return;
        }
        await writeRunFiles(run.runId, useAppStore.getState(), `${run.name}/`);
        console.log(
          `run ${i}/${s.runs.length} ${run.name}: FVU ${run.fvu!.toPrecision(4)}, ` +
            `mean L0 ${run.meanL0!.toFixed(2)}`,
        );
      },
    );
    const name = a.acts.map((f) => f.name).join(', ');
    if (a.resume) {
      const current = currentRun(a.resume.state);
      if (current && a.resume.files.length > 0) {
        await restoreCheckpointFiles(current.runId, a.resume.files);
        // The runner resumes from a checkpoint only for a run listed among the saved runs.
        session.engine.send({ type: 'checkpoint-list' });
        await when((s) => (s.savedRuns.some((r) => r.runId === current.runId) ? true : undefined));
      }
      runner.restore();
      const done = a.resume.state.runs.filter((r) => r.state === 'done').length;
      console.log(
        `resuming the sweep at run ${done + 1} of ${a.resume.state.runs.length}` +
          (current ? ` (${current.name})` : ''),
      );
      runner.resume(datasetId);
    } else
      runner.start({
        id: a.sweepId,
        datasetId,
        datasetName: name,
        base: a.base,
        ks: a.ks,
        archs: a.archs,
        checkpointEvery: a.checkpointEvery,
      });
    const end: SweepState = await when((s) =>
      s.sweep && (s.sweep.state === 'done' || s.sweep.state === 'stopped') ? s.sweep : undefined,
    );
    stopProgress();
    stopEvalProgress();
    await saved;
    if (saveError) throw saveError;
    const summary = {
      data: name,
      base: a.base,
      ks: a.ks,
      archs: a.archs,
      state: end.state,
      runs: end.runs.map((r) => ({
        name: r.name,
        arch: r.arch,
        k: r.k,
        state: r.state,
        fvu: r.fvu ?? null,
        mean_l0: r.meanL0 ?? null,
        dead_fraction: r.deadFraction ?? null,
        ...(r.message ? { message: r.message } : {}),
      })),
    };
    await output('sweep.json', JSON.stringify(summary, null, 2));
    const done = end.runs.filter((r) => r.state === 'done').length;
    if (end.state !== 'done') throw new Error(`the sweep stopped after ${done} runs`);
    return { runs: end.runs.length, done };
  },
};
document.getElementById('status')!.textContent = 'ready';
