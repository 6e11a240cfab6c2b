/**
 * b_dec initialisation (spec §5.1): the geometric median of the first normalised batch [B, D].
 *
 * Runs on the CPU in float64 with the reference's own `geometricMedian`, not on the GPU:
 *  - it runs once per training run, on one batch (B·D·~3 flops per Weiszfeld iteration, ≤ 100
 *    iterations: about 1 GFLOP for the largest reference configuration, a second or two in the
 *    engine worker, off the UI thread);
 *  - the stopping rule `‖Δ‖ < 1e-5` is an absolute tolerance that float32 sums over thousands of
 *    rows cannot resolve reliably, so a GPU version would stop at different iterations than the
 *    reference and add ~100 dispatches plus a convergence flag for no lasting gain;
 *  - the engine already holds the batch on the CPU side before uploading it.
 * The result is rounded once to float32 and written to the parameters' `b_dec` buffer.
 */
import { upload } from '../gpu/buffers';
import { geometricMedian } from '../model/geometricMedian';
import type { ArenaLayout } from './arena';
import type { TensorSet } from './paramBuffers';

/** Geometric median of the rows of x [B, D] (float32 in, float64 math, float32 out). */
export function decoderBiasInit(x: ArrayLike<number>, D: number): Float32Array {
  if (D <= 0 || x.length === 0 || x.length % D !== 0)
    throw new Error(`decoderBiasInit: ${x.length} values are not rows of width ${D}`);
  return Float32Array.from(geometricMedian(Float64Array.from(x), D));
}

/** Writes `bDec` [D] into the parameters' b_dec buffer. */
export function writeDecoderBias(
  device: GPUDevice,
  params: Pick<TensorSet, 'b_dec'>,
  layout: ArenaLayout,
  bDec: Float32Array,
): void {
  const e = layout.entries.b_dec;
  if (bDec.length !== e.size) throw new Error(`b_dec has ${e.size} entries, got ${bDec.length}`);
  upload(device, params.b_dec, bDec);
}
