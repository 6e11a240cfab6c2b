/**
 * Messages of the evaluation pass and of the inspection queries (appended to the engine protocol
 * in protocol.ts). Results carry typed arrays that the worker transfers, never copies; the page
 * keeps them in src/session/analyses.ts, not in the store.
 */

import type { GroundTruthSummary } from '../data/groundTruth';
import type { FeatureLabels } from '../io/labels';
import type { Cooccurring } from '../sae/cooccurMath';
import type { ActivationBand } from './featureBands';
import type { QualityMetrics } from '../sae/quality';
import type { SelectionSums } from './sparseCodes';

/** Architectures the engine evaluates (BatchTopK is not trained by the engine yet). */
export type EvalArch = 'softsae' | 'topk';

/** The hard-path evaluation of one model over every row of its dataset. */
export interface EvalResult {
  runId: string;
  /** Id of the dataset in src/session/datasets.ts (built-ins: their name). */
  datasetId: string;
  arch: EvalArch;
  /** Training step the model was taken at, and whether training had finished. */
  step: number;
  final: boolean;
  /** Small readable summary of the settings (arch, F, k, steps, …). */
  config: Record<string, number | string>;
  rows: number;
  D: number;
  F: number;
  /** Per row [rows]: k̂ (SoftSAE; null for TopK), L0 = nonzeros of f, ‖xn − x̂‖². */
  kHat: Float32Array | null;
  l0: Uint32Array;
  sqErr: Float32Array;
  /** Per feature [F]: rows where f_j ≠ 0, Σ f_j, max f_j. */
  fireCount: Uint32Array;
  actSum: Float64Array;
  actMax: Float32Array;
  /** Activation histogram [F, bins] over (0, histHi_j], equal-width bins. */
  bins: number;
  hist: Uint32Array;
  histHi: Float32Array;
  /** Top activating rows [F, topN] (best first; row −1 marks an empty slot) and their values. */
  topN: number;
  topRows: Int32Array;
  topValues: Float32Array;
  /** Dataset FVU (spec §7), mean L0, fraction of features that never fired, mean k̂ (NaN: TopK). */
  fvu: number;
  meanL0: number;
  deadFraction: number;
  kHatMean: number;
  /** The paper's claim on data with ground truth (the built-in corpora); null otherwise. */
  truth: GroundTruthSummary | null;
  /** The standard quality metrics (src/sae/quality.ts; every evaluation sets them). */
  quality?: QualityMetrics;
  /** An imported SAE that does not fit the dataset: why (src/sae/sanity.ts); null otherwise. */
  warning?: string | null;
}

export type InspectRequest =
  /** Evaluate the current model now (only while training is paused). */
  | { type: 'eval-request' }
  | { type: 'row-features'; reqId: number; runId: string; row: number }
  | { type: 'feature-acts'; reqId: number; runId: string; feature: number }
  | { type: 'feature-neighbors'; reqId: number; runId: string; feature: number; n: number }
  /** The feature page's activation bands (src/workers/featureBands.ts). */
  | {
      type: 'feature-bands';
      reqId: number;
      runId: string;
      feature: number;
      top: number;
      bands: number;
      perBand: number;
    }
  /** The `n` features that fire together with `feature` most (Jaccard), counted on the GPU. */
  | { type: 'feature-cooccur'; reqId: number; runId: string; feature: number; n: number }
  /** The kept model's parameters (reference layout), for export and for tests' references. */
  | { type: 'run-model'; reqId: number; runId: string }
  /**
   * Load an SAE from the user's files (any format of src/io/sae/load.ts), evaluate it on a
   * loaded dataset and keep it as run `runId` (inference only; posts `eval-result`, then
   * `sae-import-result`, or `query-error` naming the problem).
   */
  | {
      type: 'sae-import';
      reqId: number;
      runId: string;
      datasetId: string;
      files: File[];
      /** Rows per batch of the evaluation pass (default 256). */
      batch?: number;
    }
  /** The kept model as files for other tools. */
  | {
      type: 'run-export';
      reqId: number;
      runId: string;
      kind: 'softsae' | 'saelens-topk';
      /** The run's feature labels: a SAELens folder gets them as `labels.json`. */
      labels?: FeatureLabels;
    }
  /** The kept run's codes (CSR), for the per-token codes file. */
  | { type: 'run-codes'; reqId: number; runId: string }
  /** Per-feature counts and sums of the codes over a set of rows (the prompt view). */
  | { type: 'selection-features'; reqId: number; runId: string; rows: Uint32Array }
  /** Each feature of run A's decoder matched to its best partner in run B's, and back. */
  | { type: 'match-runs'; reqId: number; runA: string; runB: string };

/** A model as posted to the page (reference state_dict layout, float32). */
export interface PostedModel {
  arch: EvalArch;
  D: number;
  F: number;
  k: number;
  kMax: number;
  alpha: number;
  normFactor: number;
  shift: Float32Array;
  tensors: Record<string, Float32Array>;
}

export type InspectMessage =
  | ({ type: 'eval-result' } & EvalResult)
  /** An evaluation under way: rows done of `total` (both passes of evalPass.ts: 2 × rows). */
  | { type: 'eval-progress'; runId: string; done: number; total: number }
  | {
      type: 'dataset-tokens';
      /** Built-in dataset id; the page registers it unless a dataset with that id exists. */
      id: string;
      rows: number;
      D: number;
      /** Token text = vocabulary[wordOfRow[row]] (far cheaper to post than one string a row). */
      vocabulary: string[];
      wordOfRow: Uint32Array;
      seq: Int32Array;
      pos: Int32Array;
    }
  /** Active features of one row, sorted by value descending (hard path). */
  | {
      type: 'row-features-result';
      reqId: number;
      runId: string;
      row: number;
      features: Uint32Array;
      values: Float32Array;
    }
  /** One feature's activation on every row [rows] (0 where it did not fire). */
  | {
      type: 'feature-acts-result';
      reqId: number;
      runId: string;
      feature: number;
      acts: Float32Array;
    }
  /** Nearest features by cosine of decoder columns, most similar first (the feature excluded). */
  | {
      type: 'feature-neighbors-result';
      reqId: number;
      runId: string;
      feature: number;
      neighbors: Uint32Array;
      cosines: Float32Array;
    }
  | {
      type: 'feature-bands-result';
      reqId: number;
      runId: string;
      feature: number;
      /** Rows where the feature fires, of `rows` (the kept codes' rows). */
      fired: number;
      rows: number;
      bands: ActivationBand[];
    }
  | {
      type: 'feature-cooccur-result';
      reqId: number;
      runId: string;
      feature: number;
      rows: number;
      fires: number;
      list: Cooccurring[];
    }
  | { type: 'run-model-result'; reqId: number; runId: string; model: PostedModel }
  | { type: 'sae-import-result'; reqId: number; runId: string; source: string }
  | {
      type: 'run-export-result';
      reqId: number;
      runId: string;
      files: { name: string; bytes: Uint8Array<ArrayBuffer> }[];
    }
  | {
      type: 'run-codes-result';
      reqId: number;
      runId: string;
      F: number;
      rowPtr: Uint32Array;
      col: Uint32Array;
      val: Float32Array;
    }
  | ({ type: 'selection-features-result'; reqId: number; runId: string } & SelectionSums)
  | {
      type: 'match-runs-result';
      reqId: number;
      runA: string;
      runB: string;
      /** Per feature of A: its best partner in B (−1: none) and their decoder cosine; and back. */
      aPartner: Int32Array;
      aCosine: Float32Array;
      bPartner: Int32Array;
      bCosine: Float32Array;
      seconds: number;
    }
  | { type: 'query-error'; reqId: number; message: string };

/** Messages that answer a query (routed to the page's pending-query table). */
export type QueryResult = Extract<InspectMessage, { reqId: number }>;
