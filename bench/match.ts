/**
 * Cross-SAE feature matching (src/sae/decoderMatch.ts) timed at growing F: two random decoders
 * [D, F] (a second, independent dictionary), best partners both ways, wall-clock seconds from the
 * upload of the atoms to the partners read back (pipelines built in an untimed first call).
 */
import { acquireGpu } from '../src/gpu/device';
import { createKernelContext } from '../src/gpu/kernels/context';
import { randomFloat32 } from '../src/reference/random';
import { decoderMatch } from '../src/sae/decoderMatch';
import { adapterName } from '../src/store/gpuSlice';

export interface MatchBenchRow {
  D: number;
  F: number;
  seconds: number;
  meanMaxAB: number;
}

export async function benchMatch(o: {
  D: number;
  Fs: number[];
  log: (s: string) => void;
}): Promise<{ adapter: string; rows: MatchBenchRow[] }> {
  const gpu = await acquireGpu({ label: 'Bench.matchDevice' });
  gpu.events.on((e) => o.log(`GPU ${e.type}: ${e.message}`));
  const ctx = createKernelContext(gpu.device);
  const rows: MatchBenchRow[] = [];
  for (const F of o.Fs) {
    const a = randomFloat32(o.D * F, 1 + F);
    const b = randomFloat32(o.D * F, 2 + F);
    await decoderMatch(ctx, a.subarray(0, o.D * 64), b.subarray(0, o.D * 64), o.D, 64, 64);
    const t0 = performance.now();
    const m = await decoderMatch(ctx, a, b, o.D, F, F);
    const seconds = (performance.now() - t0) / 1000;
    o.log(`match D ${o.D} F ${F}: ${seconds.toFixed(2)} s`);
    rows.push({ D: o.D, F, seconds, meanMaxAB: m.aToB.meanMax });
  }
  return { adapter: adapterName(gpu.summary), rows };
}
