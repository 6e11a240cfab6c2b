/**
 * The most similar pairs of dictionary atoms: cos(w_i, w_j) = ⟨w_i, w_j⟩ / (‖w_i‖‖w_j‖) over
 * the decoder columns w_j (W_dec [D, F]) for i ≠ j, the largest first. Two near-parallel atoms
 * are a sign of redundant features; the maximum over all pairs is a standard SAE check.
 *
 * The Gram matrix has F² entries (2.7·10⁸ at F = 16 384: 1 GiB in float32), so it is never held
 * whole. The host scales each atom to unit length (a zero atom stays zero: cosine 0 with all) and
 * uploads the atoms as row chunks of T features, Ŵ_c [T, D]. For every pair of chunks (a, b) the
 * GPU computes the tile G = Ŵ_a · Ŵ_bᵀ [T_a, T_b] with the GEMM kernel ('nt') and folds it into
 * per-feature lists of the N best rows (TopRows, the evaluation's top-N kernel: column j of the
 * tile lists the atoms i of chunk a most similar to atom j). With N = top + 1 the lists keep
 * every pair of the global top `top`: a pair (i, j) among the `top` best is beaten in column j
 * by at most `top` − 1 other pairs and by the diagonal (i = j, cos 1). The host drops the
 * diagonal, merges (i, j) with (j, i) and sorts. TopRows keeps positive values only, so pairs
 * with cos ≤ 0 are never listed: the reported maximum is max(0, max cos).
 *
 * Cost: F²·D multiply-adds on the GPU (a few ms at F = 16 384, D = 2304 on a data-centre GPU),
 * F·N·8 bytes read back.
 */
import { createBuffer, readbackF32, readbackU32, upload } from '../gpu/buffers';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { TopRows, TOP_N_MAX } from '../gpu/kernels/evalTopN';
import { Gemm } from '../gpu/kernels/gemm';

export interface DecoderCosinePairs {
  /** max over pairs i ≠ j of cos(w_i, w_j), or 0 when no pair has a positive cosine. */
  max: number;
  /** The best pairs, best first: pairs[2p] < pairs[2p + 1] are feature indices. */
  pairs: Uint32Array;
  cosines: Float32Array;
}

/** Default number of pairs reported. */
export const DECODER_PAIRS = 20;

/**
 * Chunk length T (a multiple of 64, so every chunk's offset into the [F, N] lists is 256-byte
 * aligned) such that one [T, T] float32 tile stays within `tileBytes`.
 */
export function chunkLength(F: number, tileBytes: number): number {
  const t = Math.floor(Math.sqrt(tileBytes / 4) / 64) * 64;
  return Math.max(64, Math.min(t, Math.ceil(F / 64) * 64));
}

/** Unit-length atoms as rows, [F, D], from W_dec [D, F]; zero atoms stay zero. */
export function unitAtoms(decoder: ArrayLike<number>, D: number, F: number): Float32Array {
  const out = new Float32Array(F * D);
  const norm2 = new Float64Array(F);
  for (let d = 0; d < D; d++)
    for (let j = 0; j < F; j++) {
      const v = decoder[d * F + j];
      norm2[j] += v * v;
      out[j * D + d] = v;
    }
  for (let j = 0; j < F; j++) {
    const s = norm2[j] > 0 ? 1 / Math.sqrt(norm2[j]) : 0;
    for (let d = 0; d < D; d++) out[j * D + d] *= s;
  }
  return out;
}

export async function decoderCosinePairs(
  ctx: KernelContext,
  decoder: ArrayLike<number>,
  D: number,
  F: number,
  o: { top?: number; tileBytes?: number; label?: string } = {},
): Promise<DecoderCosinePairs> {
  const top = Math.max(1, Math.min(o.top ?? DECODER_PAIRS, TOP_N_MAX - 1));
  const label = o.label ?? 'DecoderCosine';
  if (F < 2) return { max: 0, pairs: new Uint32Array(0), cosines: new Float32Array(0) };
  const dev = ctx.device;
  const N = top + 1;
  const T = chunkLength(F, o.tileBytes ?? 64 * 2 ** 20);
  const chunks: { start: number; n: number; buf: GPUBuffer }[] = [];
  const atoms = unitAtoms(decoder, D, F);
  const owned: { destroy(): void }[] = [];
  try {
    for (let start = 0; start < F; start += T) {
      const n = Math.min(T, F - start);
      const buf = createBuffer(dev, `${label}.atoms${chunks.length}`, n * D * 4);
      owned.push(buf);
      upload(dev, buf, atoms.subarray(start * D, (start + n) * D));
      chunks.push({ start, n, buf });
    }
    const tile = createBuffer(dev, `${label}.tile`, T * Math.min(T, F) * 4);
    const topVal = createBuffer(dev, `${label}.topVal`, F * N * 4);
    const topRow = createBuffer(dev, `${label}.topRow`, F * N * 4);
    owned.push(tile, topVal, topRow);
    // Zeroed lists are empty lists (createBuffer memory starts zeroed).
    const gemms = new Map<string, Gemm>();
    const tops = new Map<number, TopRows>();
    for (const a of chunks)
      for (const b of chunks) {
        const key = `${a.n}x${b.n}`;
        if (!gemms.has(key)) {
          const g = await Gemm.create(ctx, {
            layout: 'nt',
            M: a.n,
            N: b.n,
            K: D,
            label: `${label}.gram${key}`,
          });
          gemms.set(key, g);
          owned.push(g);
        }
        if (!tops.has(b.n)) {
          const t = await TopRows.create(ctx, { F: b.n, N, label: `${label}.top${b.n}` });
          tops.set(b.n, t);
          owned.push(t);
        }
      }
    for (const a of chunks) {
      // One submit per row chunk: the tile is reused by every (a, b) in order within the pass.
      submitPass(dev, `${label}.rows${a.start}`, (pass) => {
        for (const b of chunks) {
          gemms.get(`${a.n}x${b.n}`)!.encode(pass, { a: a.buf, b: b.buf, c: tile });
          const list = (buffer: GPUBuffer) => ({
            buffer,
            offset: b.start * N * 4,
            size: b.n * N * 4,
          });
          tops.get(b.n)!.encode(pass, a.n, a.start, {
            f: { buffer: tile, offset: 0, size: a.n * b.n * 4 },
            topVal: list(topVal),
            topRow: list(topRow),
          });
        }
      });
      await dev.queue.onSubmittedWorkDone();
    }
    const [vals, rows] = await Promise.all([
      readbackF32(dev, topVal, F * N),
      readbackU32(dev, topRow, F * N),
    ]);
    return mergePairs(vals, rows, F, N, top);
  } finally {
    for (const x of owned.reverse()) x.destroy();
  }
}

/**
 * The global best `top` pairs from per-feature lists [F, N] of (cosine, other feature): the
 * diagonal dropped, (i, j) and (j, i) merged (the larger value kept), best first (ties: the
 * smaller pair first).
 */
export function mergePairs(
  vals: ArrayLike<number>,
  rows: ArrayLike<number>,
  F: number,
  N: number,
  top: number,
): DecoderCosinePairs {
  const best = new Map<number, number>();
  for (let j = 0; j < F; j++)
    for (let s = 0; s < N; s++) {
      const v = vals[j * N + s];
      const i = rows[j * N + s];
      if (!(v > 0) || i === j || i >= F) continue;
      const key = Math.min(i, j) * F + Math.max(i, j);
      if (!(best.get(key)! >= v)) best.set(key, v);
    }
  const sorted = [...best.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, top);
  const pairs = new Uint32Array(2 * sorted.length);
  sorted.forEach(([key], p) => {
    pairs[2 * p] = Math.floor(key / F);
    pairs[2 * p + 1] = key % F;
  });
  return {
    max: sorted.length > 0 ? sorted[0][1] : 0,
    pairs,
    cosines: Float32Array.from(sorted, (s) => s[1]),
  };
}
