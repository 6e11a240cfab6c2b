// The command line's page session: the app's own engine and ingestion workers, its file loader and
// its store — the same objects the app creates (src/session/appSession.ts), without React. The
// command line drives them through the same protocol: no training loop or evaluation pass of its
// own. Inputs are the files the Node side serves by byte ranges (RemoteFile).
import { adapterName } from '../src/store/gpuSlice';
import type { RemoteFile } from '../src/io/http';
import { IngestClient } from '../src/session/ingestClient';
import { DatasetLoader } from '../src/session/loader';
import { connectQueries } from '../src/session/queries';
import type { StagedFile } from '../src/session/fileRoles';
import { useAppStore, type AppState } from '../src/store';
import { EngineClient } from '../src/session/engineClient';

/** A file as the Node side describes it: served at /__cli/in/<name>. */
export interface CliFile {
  name: string;
  size: number;
}

export const remote = (f: CliFile): RemoteFile => ({
  url: `/__cli/in/${encodeURIComponent(f.name)}`,
  name: f.name,
  size: f.size,
});

/** Resolves with `pick(state)` once it is not undefined (checked on every store change). */
export function when<T>(pick: (s: AppState) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const now = pick(useAppStore.getState());
    if (now !== undefined) return resolve(now);
    const stop = useAppStore.subscribe((s) => {
      const v = pick(s);
      if (v === undefined) return;
      stop();
      resolve(v);
    });
  });
}

export interface DataArgs {
  /** Activation files, in shard order. */
  acts: CliFile[];
  tokens?: CliFile;
  vocab?: CliFile;
  /** The array of a multi-array file. */
  tensor?: string;
  /** MiB of decoded rows held in memory; larger data is streamed from the files. */
  memoryMiB: number;
}

export class CliSession {
  readonly engine = new EngineClient();
  private readonly ingest = new IngestClient();
  private readonly loader = new DatasetLoader(this.ingest, this.engine);

  constructor() {
    connectQueries((r) => this.engine.send(r));
  }

  /** The engine's GPU; throws with the reason when there is none. */
  async gpu(): Promise<string> {
    this.engine.send({ type: 'probe' });
    const status = await when((s) => (s.gpuStatus === 'probing' ? undefined : s.gpuStatus));
    const s = useAppStore.getState();
    if (status !== 'ready' || !s.adapter) throw new Error(`WebGPU is unavailable: ${s.gpuMessage}`);
    return adapterName(s.adapter);
  }

  /**
   * Loads the data as the Data panel does (statistics pass, tokens, in memory or streamed) and
   * returns its dataset id. The loader's questions have no one to ask here: NaN/Inf rows and
   * multi-array files without `tensor` are refused with what to do.
   */
  async load(a: DataArgs): Promise<string> {
    const staged: StagedFile[] = [
      ...a.acts.map((f) => ({ file: remote(f), role: 'activations' as const })),
      ...(a.tokens ? [{ file: remote(a.tokens), role: 'tokens' as const }] : []),
      ...(a.vocab ? [{ file: remote(a.vocab), role: 'vocab' as const }] : []),
    ];
    const s = useAppStore.getState();
    s.setRowMemory(a.memoryMiB);
    let refusal: string | null = null;
    const stop = useAppStore.subscribe((st) => {
      const d = st.dataset;
      if (d.nonFinite) {
        const n = d.nonFinite;
        refusal =
          `${n.file}: ${n.rows} of ${n.totalRows} rows hold NaN or ±Inf (first: rows ` +
          `${n.firstRows.join(', ')}) — remove them from the file, or drop them in the app`;
        this.loader.answer(null);
      } else if (d.tensorChoice) {
        const c = d.tensorChoice;
        refusal =
          `${c.file}: holds several arrays — choose one with --tensor ` +
          c.options.map((o) => `${o.name} (${o.shape.join('×')})`).join(', ');
        this.loader.answer(null);
      }
    });
    try {
      await this.loader.load(staged, a.tensor);
    } finally {
      stop();
    }
    const d = useAppStore.getState().dataset;
    if (refusal) throw new Error(refusal);
    if (d.error) throw new Error(d.error.message);
    const view = d.list.find((x) => x.id === d.activeId);
    if (!view || view.builtin) throw new Error('the data did not load');
    console.log(
      `data: ${view.rows.toLocaleString('en-US')} rows × ${view.D} (${view.source.replace(/\n/g, '; ')}); ` +
        `rows read ${view.rowsFrom.streamed ? 'streamed from the files' : 'from memory'}: ${view.rowsFrom.why}`,
    );
    return view.id;
  }
}
