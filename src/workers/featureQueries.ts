/**
 * The feature page's queries in the engine worker: activation bands (src/workers/featureBands.ts,
 * CPU, O(nnz + m log m)) and co-occurrence (on the GPU: src/sae/cooccurrence.ts). The codes of
 * the last run asked about stay uploaded, so opening one feature after another costs one submit
 * per chunk of codes and a readback of F counters each; the firing counts over the same rows are
 * counted once per upload.
 */
import type { KernelContext } from '../gpu/kernels/context';
import { CooccurrenceCounter } from '../sae/cooccurrence';
import { rankCooccurrence, type Cooccurring } from '../sae/cooccurMath';
import {
  featureEntries,
  quantileBands,
  type ActivationBand,
  type BandOptions,
} from './featureBands';
import type { Csr } from './sparseCodes';

export interface CooccurResult {
  /** Rows the counts cover (the kept codes' rows) and rows where the feature fires. */
  rows: number;
  fires: number;
  list: Cooccurring[];
}

interface Resident {
  codes: Csr;
  ctx: KernelContext;
  counter: CooccurrenceCounter;
  fire: Uint32Array;
}

export class FeatureQueries {
  private resident: Resident | null = null;
  /** Queries run one at a time (an upload must finish before the next query reads it). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly kernels: () => Promise<KernelContext | null>) {}

  bands(
    codes: Csr,
    feature: number,
    o: BandOptions,
  ): { fired: number; rows: number; bands: ActivationBand[] } {
    const { rows, values } = featureEntries(codes, feature);
    return {
      fired: values.length,
      rows: codes.keptRows ?? codes.rows,
      bands: quantileBands(rows, values, o),
    };
  }

  cooccur(codes: Csr, F: number, feature: number, n: number): Promise<CooccurResult> {
    const next = this.queue.then(() => this.count(codes, F, feature, n));
    this.queue = next.catch(() => {});
    return next;
  }

  private async count(codes: Csr, F: number, feature: number, n: number) {
    const ctx = await this.kernels();
    if (!ctx) throw new Error('co-occurrence needs the GPU, which is unavailable');
    let r = this.resident;
    if (!r || r.codes !== codes || r.ctx !== ctx || r.counter.F !== F) {
      this.release();
      // Rows past `keptRows` are stored empty: the counts cover the kept rows only.
      const counter = await CooccurrenceCounter.create(ctx, codes, F, {
        label: 'Inspect.cooccur',
      });
      r = { codes, ctx, counter, fire: await counter.fire() };
      this.resident = r;
    }
    const co = await r.counter.cooccur(feature);
    const rows = codes.keptRows ?? codes.rows;
    return { rows, fires: co[feature], list: rankCooccurrence(co, r.fire, feature, rows, n) };
  }

  /** Frees the uploaded codes (a new evaluation, or the device lost). */
  release(): void {
    this.resident?.counter.destroy();
    this.resident = null;
  }
}
