import { useState } from 'react';
import { writeCodes } from '../../io/sae/codes';
import { downloadBlob } from '../../export/image';
import { getDataset } from '../../session/datasets';
import { importSae, queryCodes, queryExport } from '../../session/queries';
import { useAppStore } from '../../store';
import { EvalProgressLine } from '../train/TrainStatus';

let imports = 0;

type Status = { kind: 'idle' } | { kind: 'busy'; text: string } | { kind: 'error'; text: string };

const save = (bytes: Uint8Array<ArrayBuffer>, name: string) =>
  downloadBlob(new Blob([bytes], { type: 'application/octet-stream' }), name);

/**
 * SAE files in and out of Inspect: load an existing SAE (a SAELens / sparsify folder's files,
 * a Gemma Scope params.npz, a dictionary_learning or SoftSAE .safetensors, with its cfg.json) to
 * evaluate it on the active dataset as a run of its own; export the selected run as a SoftSAE
 * file, a SAELens TopK folder (JumpReLU for BatchTopK), or its per-token codes. Problems are shown as they come back from
 * the engine, naming the file and what is wrong.
 */
export function SaeFiles({ runId }: { runId: string | null }) {
  const datasetId = useAppStore((s) => s.dataset.activeId);
  const run = useAppStore((s) => s.runs.find((r) => r.runId === runId));
  const evaluating = useAppStore((s) => s.evalProgress);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const act = async (text: string, work: () => Promise<void>) => {
    setStatus({ kind: 'busy', text });
    try {
      await work();
      setStatus({ kind: 'idle' });
    } catch (e) {
      setStatus({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  };

  const load = (files: File[]) =>
    act(`Evaluating ${files.map((f) => f.name).join(' + ')}…`, async () => {
      if (!datasetId) throw new Error('choose a dataset on the Data tab first');
      await importSae(files, datasetId, `import-${++imports}`);
    });

  const exportFiles = (kind: 'softsae' | 'saelens-topk') =>
    act('Preparing files…', async () => {
      const labels = useAppStore.getState().labels[runId!] ?? {};
      for (const f of await queryExport(runId!, kind, labels)) save(f.bytes, `${runId}-${f.name}`);
    });

  const exportCodes = () =>
    act('Preparing codes…', async () => {
      const c = await queryCodes(runId!);
      const ds = run ? getDataset(run.datasetId) : undefined;
      const bytes = writeCodes({
        rows: c.rowPtr.length - 1,
        F: c.F,
        rowPtr: c.rowPtr,
        col: c.col,
        val: c.val,
        seq: ds?.seq ?? undefined,
        pos: ds?.pos ?? undefined,
        tokens: ds?.tokens ?? undefined,
        about: `run ${runId} on ${ds?.name ?? run?.datasetId}`,
        labels: { runId: runId!, labels: useAppStore.getState().labels[runId!] ?? {} },
      });
      save(bytes, `${runId}-codes.safetensors`);
    });

  // Only these architectures have a SoftSAE-file form (imported TopK / BatchTopK SAEs too).
  const softsaeForm = run && ['softsae', 'topk', 'batchtopk'].includes(String(run.config.arch));
  return (
    <>
      <label>
        Load an SAE{' '}
        <input
          type="file"
          multiple
          accept=".json,.safetensors,.npz"
          data-testid="inspect.importSae"
          disabled={status.kind === 'busy'}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length > 0) void load(files);
          }}
        />
      </label>
      {runId && (
        <>
          {softsaeForm && (
            <button
              type="button"
              data-testid="inspect.exportSoftsae"
              onClick={() => void exportFiles('softsae')}
            >
              SoftSAE file
            </button>
          )}
          <button
            type="button"
            data-testid="inspect.exportSaeLens"
            onClick={() => void exportFiles('saelens-topk')}
          >
            {/* SAELens ships BatchTopK SAEs as JumpReLU (θ for every feature): exact. */}
            {run?.config.arch === 'batchtopk' ? 'SAELens JumpReLU folder' : 'SAELens TopK folder'}
          </button>
          <button
            type="button"
            data-testid="inspect.exportCodes"
            onClick={() => void exportCodes()}
          >
            Codes (.safetensors)
          </button>
        </>
      )}
      {status.kind === 'busy' && (
        <span role="status" data-testid="inspect.importStatus">
          {status.text}
        </span>
      )}
      {status.kind === 'busy' && evaluating && <EvalProgressLine p={evaluating} />}
      {status.kind === 'error' && (
        <p role="alert" className="error" data-testid="inspect.importError">
          {status.text}
        </p>
      )}
    </>
  );
}
