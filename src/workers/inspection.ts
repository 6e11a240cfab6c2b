/**
 * The engine worker's inspection side: runs the evaluation pass for a trained (or paused) model,
 * keeps each run's model and sparse codes by runId, and answers the page's queries about them
 * (a row's active features, a feature's activation on every row, a feature's nearest features).
 * Results are posted with their typed arrays transferred.
 */
import type { KernelContext } from '../gpu/kernels/context';
import { groundTruthSummary } from '../data/groundTruth';
import type { TokenLabData } from '../data/tokens';
import type { SaeModel } from '../io/sae/modelFile';
import { saeLensFolder } from '../io/sae/exportJumpRelu';
import { softsaeFiles } from '../io/sae/softsae';
import { qualityOf, type QualityMetrics } from '../sae/quality';
import { runEvalPass, type EvalPassData, type EvalPassOutput } from './evalPass';
import type { EvalResult, InspectMessage, InspectRequest, PostedModel } from './inspectProtocol';
import {
  decoderNeighbors,
  featureColumn,
  rowFeatures,
  selectionSums,
  type Csr,
} from './sparseCodes';
import { FeatureQueries } from './featureQueries';

export type PostFn = (message: InspectMessage, transfer?: Transferable[]) => void;

interface KeptRun {
  model: SaeModel;
  codes: Csr;
  /** Mean k̂ of the evaluation (SoftSAE; NaN otherwise): k of its SAELens TopK export. */
  kHatMean: number;
}

/** Runs kept for queries; the oldest is dropped beyond this (each holds its model and codes). */
const MAX_KEPT_RUNS = 8;

/** The evaluation of one model plus what its result message needs. */
export interface EvaluateArgs {
  runId: string;
  datasetId: string;
  model: SaeModel;
  data: EvalPassData;
  batchSize: number;
  step: number;
  final: boolean;
  config: Record<string, number | string>;
  /** What the data's generator knows (built-ins): each row's true count and the true atoms. */
  truth?: { activeCount: ArrayLike<number>; dictionary: Float32Array };
}

export class Inspection {
  private readonly runs = new Map<string, KeptRun>();
  private readonly features: FeatureQueries;

  /** `kernels`: the engine's GPU (co-occurrence is counted there). */
  constructor(
    private readonly post: PostFn,
    kernels: () => Promise<KernelContext | null> = async () => null,
  ) {
    this.features = new FeatureQueries(kernels);
  }

  /** Runs the evaluation pass and keeps the model; the caller posts the result with `publish`. */
  async evaluate(
    ctx: KernelContext,
    a: EvaluateArgs,
  ): Promise<EvalResult & { pass: EvalPassOutput; quality: QualityMetrics }> {
    // Progress at most every half second (a million rows take minutes on a software adapter).
    let last = -Infinity;
    const progress = (done: number, total: number) => {
      const t = performance.now();
      if (t - last < 500 && done < total) return;
      last = t;
      this.post({ type: 'eval-progress', runId: a.runId, done, total });
    };
    const pass = await runEvalPass(ctx, a.model, a.data, a.batchSize, undefined, progress);
    if (this.runs.has(a.runId)) this.features.release();
    this.runs.delete(a.runId);
    this.runs.set(a.runId, {
      model: a.model,
      codes: pass.codes,
      kHatMean: pass.summary.kHatMean,
    });
    while (this.runs.size > MAX_KEPT_RUNS) this.runs.delete(this.runs.keys().next().value!);
    const s = pass.summary;
    const { D, F, tensors } = a.model;
    const truth = a.truth
      ? groundTruthSummary(a.truth, pass, tensors['decoder.weight'], D, F)
      : null;
    return {
      pass,
      runId: a.runId,
      datasetId: a.datasetId,
      arch: a.model.arch === 'softsae' ? 'softsae' : 'topk',
      step: a.step,
      final: a.final,
      config: a.config,
      rows: a.data.rows,
      D: a.model.D,
      F: a.model.F,
      kHat: pass.kHat,
      l0: pass.l0,
      sqErr: pass.sqErr,
      fireCount: s.fireCount,
      actSum: s.actSum,
      actMax: s.actMax,
      bins: s.bins,
      hist: s.hist,
      histHi: s.histHi,
      topN: s.topN,
      topRows: s.topRows,
      topValues: s.topValues,
      fvu: s.fvu,
      meanL0: s.l0Mean,
      deadFraction: s.deadFraction,
      kHatMean: s.kHatMean,
      truth,
      quality: qualityOf(s, pass.decoder),
      warning: null,
    };
  }

  /** Posts an evaluation (its arrays are transferred: the caller must not use them after). */
  publish(result: EvalResult & { pass?: EvalPassOutput }): void {
    const r: EvalResult & { pass?: EvalPassOutput } = { ...result };
    delete r.pass;
    const transfer = [
      r.kHat,
      r.l0,
      r.sqErr,
      r.fireCount,
      r.actSum,
      r.actMax,
      r.hist,
      r.histHi,
      r.topRows,
      r.topValues,
    ].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
    this.post({ type: 'eval-result', ...r }, transfer);
  }

  /** The kept model of a run (for queries that need the GPU: src/workers/matchRuns.ts). */
  model(runId: string): SaeModel {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no model is kept for run ${runId}`);
    return run.model;
  }

  /** Answers one query; unknown runs and bad arguments come back as `query-error`. */
  handle(
    req: Exclude<
      InspectRequest,
      { type: 'eval-request' } | { type: 'sae-import' } | { type: 'match-runs' }
    >,
  ): void {
    try {
      const run = this.runs.get(req.runId);
      if (!run) throw new Error(`no model is kept for run ${req.runId}`);
      const { model, codes } = run;
      switch (req.type) {
        case 'row-features': {
          const { features, values } = rowFeatures(codes, req.row);
          return this.post(
            {
              type: 'row-features-result',
              reqId: req.reqId,
              runId: req.runId,
              row: req.row,
              features,
              values,
            },
            [features.buffer, values.buffer],
          );
        }
        case 'feature-acts': {
          checkFeature(req.feature, model.F);
          const acts = featureColumn(codes, req.feature);
          return this.post(
            {
              type: 'feature-acts-result',
              reqId: req.reqId,
              runId: req.runId,
              feature: req.feature,
              acts,
            },
            [acts.buffer],
          );
        }
        case 'feature-neighbors': {
          const { D, F } = model;
          const nb = decoderNeighbors(model.tensors['decoder.weight'], D, F, req.feature, req.n);
          return this.post(
            {
              type: 'feature-neighbors-result',
              reqId: req.reqId,
              runId: req.runId,
              feature: req.feature,
              ...nb,
            },
            [nb.neighbors.buffer, nb.cosines.buffer],
          );
        }
        case 'feature-bands': {
          checkFeature(req.feature, model.F);
          const o = { top: req.top, bands: req.bands, perBand: req.perBand };
          const b = this.features.bands(codes, req.feature, o);
          const { reqId, runId, feature } = req;
          return this.post({ type: 'feature-bands-result', reqId, runId, feature, ...b });
        }
        case 'feature-cooccur': {
          checkFeature(req.feature, model.F);
          const { reqId, runId, feature } = req;
          return void this.features.cooccur(codes, model.F, feature, req.n).then(
            (r) => this.post({ type: 'feature-cooccur-result', reqId, runId, feature, ...r }),
            (e: unknown) =>
              this.post({
                type: 'query-error',
                reqId,
                message: e instanceof Error ? e.message : String(e),
              }),
          );
        }
        case 'run-export': {
          const labels = req.labels ? { runId: req.runId, labels: req.labels } : undefined;
          const files =
            req.kind === 'softsae'
              ? softsaeFiles(model)
              : saeLensFolder(model, run.kHatMean, labels);
          return this.post(
            { type: 'run-export-result', reqId: req.reqId, runId: req.runId, files },
            files.map((f) => f.bytes.buffer),
          );
        }
        case 'run-codes': {
          const rowPtr = codes.rowPtr.slice();
          const col = codes.col.slice();
          const val = codes.val.slice();
          return this.post(
            {
              type: 'run-codes-result',
              reqId: req.reqId,
              runId: req.runId,
              F: model.F,
              rowPtr,
              col,
              val,
            },
            [rowPtr.buffer, col.buffer, val.buffer],
          );
        }
        case 'selection-features': {
          const sel = selectionSums(codes, model.F, req.rows);
          return this.post(
            { type: 'selection-features-result', reqId: req.reqId, runId: req.runId, ...sel },
            [sel.features.buffer, sel.counts.buffer, sel.sums.buffer],
          );
        }
        case 'run-model':
          return this.post({
            type: 'run-model-result',
            reqId: req.reqId,
            runId: req.runId,
            model: postedModel(model),
          });
      }
    } catch (e) {
      this.post({
        type: 'query-error',
        reqId: req.reqId,
        message: e instanceof Error ? e.message : String(e),
      });
    }
  }
}

function checkFeature(j: number, F: number): void {
  if (!(Number.isInteger(j) && j >= 0 && j < F))
    throw new Error(`feature ${j} is outside 0…${F - 1}`);
}

/** A copy of the model's parameters for the page (structured clone; the kept model stays). */
function postedModel(m: SaeModel): PostedModel {
  return {
    arch: m.arch === 'softsae' ? 'softsae' : 'topk',
    D: m.D,
    F: m.F,
    k: m.k,
    kMax: m.kMax,
    alpha: m.alpha,
    normFactor: m.normFactor,
    shift: m.shift,
    tensors: { ...m.tensors },
  };
}

/** The token text and sequence layout of a built-in corpus, for the page's dataset registry. */
export function datasetTokensMessage(id: string, data: TokenLabData): InspectMessage {
  return {
    type: 'dataset-tokens',
    id,
    rows: data.rows,
    D: data.D,
    vocabulary: data.texts,
    wordOfRow: data.textOfRow.slice(),
    seq: Int32Array.from(data.sequenceOfRow),
    pos: Int32Array.from(data.positionOfRow),
  };
}
