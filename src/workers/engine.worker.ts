/// <reference lib="webworker" />
/**
 * The engine worker: the only place that holds a GPUDevice. It answers typed requests and posts
 * small serialisable summaries back; the page never blocks on GPU work.
 */
import { acquireGpu, type GpuContext } from '../gpu/device';
import { createKernelContext, type KernelContext } from '../gpu/kernels/context';
import { SELF_CHECK_CASES } from '../selfcheck/cases';
import { runSelfCheckCase, selfCheckCaseName } from '../selfcheck/run';
import { loadSae } from '../io/sae/load';
import { blobSource } from '../io/source';
import { Inspection } from './inspection';
import { matchRuns } from './matchRuns';
import { truthOf } from './runEvaluation';
import { EngineDatasets, summaryOf } from './engineDatasets';
import { fingerprintMismatch } from '../checkpoint/fingerprint';
import { acquireRunLock } from '../checkpoint/opfs';
import { DEFAULT_CHECKPOINT_EVERY, type EngineMessage, type EngineRequest } from './protocol';
import { discardRun, listSavedRuns, RunCheckpoints, storageFaults } from './runCheckpoints';
import { serveOneEpoch } from './rowSource';
import { TrainingRun, type GpuSource } from './training';
import { importWarning } from '../sae/sanity';

declare const self: DedicatedWorkerGlobalScope;

let gpu: Promise<{ gpu: GpuContext; kernels: KernelContext } | null> | undefined;

function post(message: EngineMessage, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

/** Kept models and their evaluations, by runId (outlives the training run that made them). */
const inspection = new Inspection(post, async () => (await getGpu())?.kernels ?? null);
const datasets = new EngineDatasets();

/** Generates a built-in corpus and sends its summary and tokens (once per request). */
function builtinDataset(req: Extract<EngineRequest, { type: 'dataset-builtin' }>): void {
  try {
    const { dataset, lab } = datasets.builtin(req.id);
    const sequence = Int32Array.from(lab.sequenceOfRow);
    const position = Int32Array.from(lab.positionOfRow);
    post(
      {
        type: 'dataset-loaded',
        summary: summaryOf(dataset),
        dropped: new Int32Array(0),
        tokens: lab.tokens,
        sequence,
        position,
      },
      [sequence.buffer, position.buffer],
    );
  } catch (e) {
    post({
      type: 'dataset-error',
      id: req.id,
      message: e instanceof Error ? e.message : String(e),
    });
  }
}

function loadDataset(req: Extract<EngineRequest, { type: 'dataset-load' }>): void {
  try {
    const { dataset, dropped } = datasets.load(req);
    post({ type: 'dataset-loaded', summary: summaryOf(dataset), dropped }, [dropped.buffer]);
  } catch (e) {
    post({
      type: 'dataset-error',
      id: req.id,
      message: e instanceof Error ? e.message : String(e),
    });
  }
}

function streamDataset(req: Extract<EngineRequest, { type: 'dataset-stream' }>): void {
  try {
    const dataset = datasets.stream(req);
    post({ type: 'dataset-loaded', summary: summaryOf(dataset), dropped: new Int32Array(0) });
  } catch (e) {
    post({
      type: 'dataset-error',
      id: req.id,
      message: e instanceof Error ? e.message : String(e),
    });
  }
}

/** The data check: one epoch of a dataset's training stream (src/workers/rowSource.ts). */
async function datasetEpoch(req: Extract<EngineRequest, { type: 'dataset-epoch' }>) {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  try {
    const data = datasets.get(req.id);
    if (!data) throw new Error(`no dataset '${req.id}' is loaded`);
    const epoch = await serveOneEpoch(data.source, req.batch);
    post({ type: 'dataset-epoch-result', id: req.id, epoch, seconds: seconds() });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    post({ type: 'dataset-epoch-result', id: req.id, epoch: null, seconds: seconds(), message });
  }
}

let runCounter = 0;

/**
 * The engine's device, acquired on first use. A lost device is reported once (its `lost` event)
 * and forgotten, so the next call acquires a new one (a training run then restores its last
 * checkpoint on it).
 */
/** WebGPU's default limits instead of the adapter's (the page's `?limits=default`). */
let defaultLimits = false;

function getGpu() {
  if (gpu) return gpu;
  const acquired = acquireGpu({ label: 'Engine.device', defaultLimits }).then(
    (g) => {
      g.events.on((event) => {
        if (event.type === 'lost' && gpu === acquired) gpu = undefined;
        post({ type: 'gpu-event', event });
      });
      post({
        type: 'gpu-ready',
        summary: g.summary,
        deviceFeatures: [...g.features],
        deviceLimits: g.limits,
      });
      return { gpu: g, kernels: createKernelContext(g.device) };
    },
    (e: unknown) => {
      post({ type: 'gpu-unavailable', message: e instanceof Error ? e.message : String(e) });
      return null;
    },
  );
  gpu = acquired;
  return acquired;
}

async function selfCheck(): Promise<void> {
  const g = await getGpu();
  if (!g) return;
  const t0 = performance.now();
  post({ type: 'selfcheck-start', total: SELF_CHECK_CASES.length });
  let passed = 0;
  for (const [index, c] of SELF_CHECK_CASES.entries()) {
    try {
      const result = await runSelfCheckCase(g.kernels, c);
      if (result.ok) passed++;
      post({ type: 'selfcheck-result', index, result });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      post({ type: 'selfcheck-error', index, name: selfCheckCaseName(c), message });
    }
  }
  post({
    type: 'selfcheck-done',
    passed,
    total: SELF_CHECK_CASES.length,
    ms: performance.now() - t0,
  });
}

let run: TrainingRun | null = null;

/** The engine's device for training; after a loss the next `get` acquires a new one. */
const gpuSource: GpuSource = {
  get: async () => (await getGpu())?.kernels ?? null,
  reset: () => {}, // getGpu forgets a lost device itself
};

/** The run's checkpoint directory, or null (with the reason posted) when none can be written. */
async function openCheckpoints(runId: string): Promise<RunCheckpoints | null> {
  try {
    return await RunCheckpoints.open(runId);
  } catch (e) {
    const message = `checkpoints are off for this run: ${e instanceof Error ? e.message : String(e)}`;
    post({ type: 'checkpoint-problem', runId, message });
    return null;
  }
}

async function startTraining(req: Extract<EngineRequest, { type: 'train-start' }>): Promise<void> {
  if (!(await getGpu())) {
    post({ type: 'train-state', state: 'failed', message: 'WebGPU is unavailable' });
    return;
  }
  const id = typeof req.dataset === 'string' ? req.dataset : req.dataset.id;
  const data = datasets.get(id);
  if (!data) {
    post({ type: 'train-state', state: 'failed', message: `no dataset '${id}' is loaded` });
    return;
  }
  const runId = req.runId ?? `engine-run-${Date.now().toString(36)}-${++runCounter}`;
  // A new run id: no other tab holds its lock (null only without Web Locks support issues).
  const lock = await acquireRunLock(runId);
  const checkpoints = lock ? await openCheckpoints(runId) : null;
  await runTraining(data, req.config, lock, {
    runId,
    checkpointEvery: req.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
    checkpoints,
    evalRows: req.evalRows,
  });
}

async function runTraining(
  data: NonNullable<ReturnType<EngineDatasets['get']>>,
  config: Parameters<TrainingRun['run']>[2],
  lock: { release(): void } | null,
  options: Parameters<TrainingRun['run']>[3],
): Promise<void> {
  run?.stop();
  const current = new TrainingRun(post, inspection);
  run = current;
  const finished = current.run(gpuSource, data, config, options).finally(() => {
    lock?.release();
    if (run === current) run = null;
  });
  runFinished = finished;
  await finished;
}

/** Settles when the latest run has ended and released its lock. */
let runFinished: Promise<void> = Promise.resolve();

/**
 * Continues a saved run: its newest committed checkpoint, on `dataset` — refused when another
 * tab holds the run (Web Lock), when there is no checkpoint, or when the data's fingerprint
 * differs from the one saved.
 */
async function restoreTraining(
  req: Extract<EngineRequest, { type: 'train-restore' }>,
): Promise<void> {
  const { runId } = req;
  const refuse = (message: string) => post({ type: 'checkpoint-refused', runId, message });
  try {
    const data = datasets.get(req.dataset.id);
    if (!data) return refuse(`no dataset '${req.dataset.id}' is loaded`);
    if (!(await getGpu())) return refuse('WebGPU is unavailable');
    // The run paused here (say, its file went away and was picked again): this tab holds its
    // lock, so end it first; it keeps its last checkpoint.
    if (run?.runId === runId) {
      run.stop();
      await runFinished;
    }
    const lock = await acquireRunLock(runId);
    if (!lock)
      return refuse(
        `run ${runId} is open in another tab, which writes its checkpoints; continue it there`,
      );
    const checkpoints = await RunCheckpoints.open(runId);
    const latest = await checkpoints.latest();
    const why = !latest
      ? 'it has no committed checkpoint that verifies'
      : fingerprintMismatch(
          latest.checkpoint.meta.dataset,
          await data.source.fingerprint(data.name),
        );
    if (!latest || why) {
      lock.release();
      return refuse(`cannot resume ${runId}: ${why}`);
    }
    const meta = latest.checkpoint.meta;
    await runTraining(data, { ...meta.config }, lock, {
      runId,
      checkpointEvery: meta.checkpointEvery,
      checkpoints,
      resume: latest.checkpoint,
      evalRows: req.evalRows,
    });
  } catch (e) {
    refuse(`cannot resume ${runId}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function listCheckpoints(): Promise<void> {
  try {
    post({ type: 'checkpoint-list-result', runs: await listSavedRuns() });
  } catch (e) {
    post({ type: 'checkpoint-list-result', runs: [] });
    post({
      type: 'checkpoint-problem',
      runId: '',
      message: `cannot list saved runs: ${String(e)}`,
    });
  }
}

/** Development-only faults for the persistence tests (the production build ignores them). */
async function testFault(req: Extract<EngineRequest, { type: 'test-fault' }>): Promise<void> {
  if (!import.meta.env.DEV) return;
  if (req.fault === 'destroy-device') (await getGpu())?.gpu.device.destroy();
  else {
    storageFaults.quotaBytes = req.quotaBytes;
    storageFaults.haltAfterBytes = req.haltAfterBytes;
  }
}

/** Batch rows of an imported SAE's evaluation pass. */
const IMPORT_BATCH = 256;

/**
 * Loads an SAE from the user's files (parsed here, off the page's thread), evaluates it on the
 * chosen dataset through the same pass as a trained model, and keeps it as a run for Inspect and
 * Compare. Every failure (unknown format, unsupported architecture, shapes, width mismatch)
 * comes back as `query-error` with its message; nothing else changes.
 */
async function importSae(req: Extract<EngineRequest, { type: 'sae-import' }>): Promise<void> {
  try {
    const g = await getGpu();
    if (!g) throw new Error('WebGPU is unavailable');
    const data = datasets.get(req.datasetId);
    if (!data) throw new Error(`no dataset '${req.datasetId}' is loaded`);
    const model = await loadSae(req.files.map((f) => blobSource(f, f.name)));
    if (model.D !== data.D)
      throw new Error(
        `${req.files.map((f) => f.name).join(' + ')}: the SAE reads inputs of width d_in = ${model.D}, but dataset '${data.name}' has D = ${data.D}`,
      );
    const source = model.source ?? model.arch;
    const result = await inspection.evaluate(g.kernels, {
      runId: req.runId,
      datasetId: data.id,
      model,
      data: { rows: data.rows, D: data.D, source: data.source },
      batchSize: req.batch ?? IMPORT_BATCH,
      step: 0,
      final: true,
      config: { arch: model.arch, source, F: model.F, k: model.k || '—' },
      truth: truthOf(data),
    });
    result.warning = importWarning(result.quality, {
      normFactor: model.normFactor,
      shifted: model.shift.some((v) => v !== 0),
      source,
    });
    inspection.publish(result);
    post({ type: 'sae-import-result', reqId: req.reqId, runId: req.runId, source });
  } catch (e) {
    post({
      type: 'query-error',
      reqId: req.reqId,
      message: e instanceof Error ? e.message : String(e),
    });
  }
}

self.onmessage = (ev: MessageEvent<EngineRequest>) => {
  const req = ev.data;
  switch (req.type) {
    case 'probe':
      defaultLimits = req.defaultLimits ?? false;
      return void getGpu();
    case 'selfcheck':
      return void selfCheck();
    case 'train-start':
      return void startTraining(req);
    case 'train-pause':
      return run?.pause();
    case 'train-resume':
      return run?.resume();
    case 'train-stop':
      return run?.stop();
    case 'train-restore':
      return void restoreTraining(req);
    case 'checkpoint-now':
      return run?.requestCheckpoint();
    case 'checkpoint-list':
      return void listCheckpoints();
    case 'checkpoint-discard':
      return void discardRun(req.runId).then(listCheckpoints, listCheckpoints);
    case 'test-fault':
      return void testFault(req);
    case 'eval-request':
      return void run?.evaluateNow();
    case 'row-features':
    case 'feature-acts':
    case 'feature-neighbors':
    case 'feature-bands':
    case 'feature-cooccur':
    case 'run-model':
    case 'run-export':
    case 'run-codes':
    case 'selection-features':
      return inspection.handle(req);
    case 'match-runs':
      return void matchRuns(
        inspection,
        getGpu().then((g) => g?.kernels ?? null),
        req,
        post,
      );
    case 'sae-import':
      return void importSae(req);
    case 'dataset-load':
      return loadDataset(req);
    case 'dataset-stream':
      return streamDataset(req);
    case 'dataset-epoch':
      return void datasetEpoch(req);
    case 'dataset-builtin':
      return builtinDataset(req);
  }
};
