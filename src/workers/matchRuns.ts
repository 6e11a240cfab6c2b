/**
 * The engine worker's answer to `match-runs`: two kept models' decoders matched feature by
 * feature on the GPU (src/sae/decoderMatch.ts), posted with the arrays transferred.
 */
import type { KernelContext } from '../gpu/kernels/context';
import { decoderMatch } from '../sae/decoderMatch';
import type { InspectRequest } from './inspectProtocol';
import type { Inspection, PostFn } from './inspection';

export async function matchRuns(
  inspection: Inspection,
  ctx: Promise<KernelContext | null>,
  req: Extract<InspectRequest, { type: 'match-runs' }>,
  post: PostFn,
): Promise<void> {
  try {
    const a = inspection.model(req.runA);
    const b = inspection.model(req.runB);
    if (a.D !== b.D)
      throw new Error(`the runs read inputs of different widths (D = ${a.D} and ${b.D})`);
    const kernels = await ctx;
    if (!kernels) throw new Error('WebGPU is unavailable');
    const t0 = performance.now();
    const m = await decoderMatch(
      kernels,
      a.tensors['decoder.weight'],
      b.tensors['decoder.weight'],
      a.D,
      a.F,
      b.F,
      { label: 'MatchRuns' },
    );
    const seconds = (performance.now() - t0) / 1000;
    const [aPartner, aCosine, bPartner, bCosine] = [
      m.aToB.partner,
      m.aToB.cosine,
      m.bToA.partner,
      m.bToA.cosine,
    ];
    post(
      {
        type: 'match-runs-result',
        reqId: req.reqId,
        runA: req.runA,
        runB: req.runB,
        aPartner,
        aCosine,
        bPartner,
        bCosine,
        seconds,
      },
      [aPartner.buffer, aCosine.buffer, bPartner.buffer, bCosine.buffer],
    );
  } catch (e) {
    post({
      type: 'query-error',
      reqId: req.reqId,
      message: e instanceof Error ? e.message : String(e),
    });
  }
}
