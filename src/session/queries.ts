/**
 * The page's side of the inspection queries: each request gets an id, and the engine's answer
 * (routed here by the engine client) resolves the matching promise. Feature columns are cached
 * in the analyses registry, so recolouring the token view by a feature asks the worker once.
 */
import type { EngineRequest } from '../workers/protocol';
import type { PostedModel, QueryResult } from '../workers/inspectProtocol';
import type { FeatureLabels } from '../io/labels';
import { getFeatureActs, putFeatureActs } from './analyses';

type Send = (r: EngineRequest) => void;

let sender: Send | null = null;
let nextId = 1;
const pending = new Map<number, { resolve(m: QueryResult): void; reject(e: Error): void }>();

/** Where queries go (set by the panel that owns the engine connection). */
export function connectQueries(send: Send | null): void {
  sender = send;
}

/** Called by the engine client with every query answer. */
export function resolveQuery(msg: QueryResult): void {
  const p = pending.get(msg.reqId);
  if (!p) return;
  pending.delete(msg.reqId);
  if (msg.type === 'query-error') p.reject(new Error(msg.message));
  else p.resolve(msg);
}

type QueryRequest = Extract<EngineRequest, { reqId: number }>;
type Unsent<R> = R extends unknown ? Omit<R, 'reqId'> : never;

function ask<T extends QueryResult['type']>(
  req: Unsent<QueryRequest>,
  answer: T,
): Promise<Extract<QueryResult, { type: T }>> {
  if (!sender) return Promise.reject(new Error('the engine is not connected'));
  const reqId = nextId++;
  const send = sender;
  return new Promise((resolve, reject) => {
    pending.set(reqId, {
      resolve: (m) =>
        m.type === answer
          ? resolve(m as Extract<QueryResult, { type: T }>)
          : reject(new Error(`expected ${answer}, got ${m.type}`)),
      reject,
    });
    send({ ...req, reqId } as QueryRequest);
  });
}

/** One row's active features on the hard path, largest activation first. */
export async function queryRowFeatures(runId: string, row: number) {
  const m = await ask({ type: 'row-features', runId, row }, 'row-features-result');
  return { features: m.features, values: m.values };
}

/** Feature j's activation on every row (cached). */
export async function queryFeatureActs(runId: string, feature: number): Promise<Float32Array> {
  const cached = getFeatureActs(runId, feature);
  if (cached) return cached;
  const m = await ask({ type: 'feature-acts', runId, feature }, 'feature-acts-result');
  putFeatureActs(runId, feature, m.acts);
  return m.acts;
}

/** The n features with the most similar decoder columns (cosine), most similar first. */
export async function queryNeighbors(runId: string, feature: number, n: number) {
  const m = await ask({ type: 'feature-neighbors', runId, feature, n }, 'feature-neighbors-result');
  return { neighbors: m.neighbors, cosines: m.cosines };
}

/** The kept model's parameters (reference layout). */
export async function queryModel(runId: string): Promise<PostedModel> {
  return (await ask({ type: 'run-model', runId }, 'run-model-result')).model;
}

/** Loads an SAE from the user's files, evaluates it on a dataset and keeps it as run `runId`. */
export async function importSae(files: File[], datasetId: string, runId: string, batch?: number) {
  return ask({ type: 'sae-import', files, datasetId, runId, batch }, 'sae-import-result');
}

/**
 * The kept model as files for other tools (SoftSAE files or a SAELens TopK folder; with
 * `labels`, the SAELens folder gets a `labels.json`).
 */
export async function queryExport(
  runId: string,
  kind: 'softsae' | 'saelens-topk',
  labels?: FeatureLabels,
) {
  return (await ask({ type: 'run-export', runId, kind, labels }, 'run-export-result')).files;
}

/** Feature j's top activations and quantile bands (src/workers/featureBands.ts). */
export function queryFeatureBands(
  runId: string,
  feature: number,
  o: { top: number; bands: number; perBand: number },
) {
  return ask({ type: 'feature-bands', runId, feature, ...o }, 'feature-bands-result');
}

/** The n features firing together with feature j most often (Jaccard), counted on the GPU. */
export function queryCooccurrence(runId: string, feature: number, n: number) {
  return ask({ type: 'feature-cooccur', runId, feature, n }, 'feature-cooccur-result');
}

/** The kept run's codes (CSR). */
export async function queryCodes(runId: string) {
  return ask({ type: 'run-codes', runId }, 'run-codes-result');
}

/** Per-feature counts and sums of a run's codes over a set of rows (duplicates once). */
export async function querySelection(runId: string, rows: Uint32Array) {
  const m = await ask({ type: 'selection-features', runId, rows }, 'selection-features-result');
  return { rows: m.rows, features: m.features, counts: m.counts, sums: m.sums };
}

/** Each feature of run A matched to its best partner in run B by decoder cosine, and back. */
export async function queryMatch(runA: string, runB: string) {
  return ask({ type: 'match-runs', runA, runB }, 'match-runs-result');
}
