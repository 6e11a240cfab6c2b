/**
 * Sparse vs dense benchmark for the decoder: forward x̂ = f·W_decᵀ + b_dec and its weight
 * gradient ∂W_decᵀ = fᵀ·g, with exactly k active codes per row. Each sample times one submit
 * (wall time submit → onSubmittedWorkDone, as the GEMM table), dense and sparse interleaved per
 * sample so both see the same machine state. The list builds (CSR for the forward, CSC for the
 * gradient) are timed separately: in a training step the CSR is built once per step and shared
 * by the forward, ∂f and (through the CSC) ∂W_dec.
 */
import { createBuffer, createBufferFrom, readbackF32 } from '../src/gpu/buffers';
import type { GpuContext } from '../src/gpu/device';
import { createKernelContext, submitPass } from '../src/gpu/kernels/context';
import { Gemm } from '../src/gpu/kernels/gemm';
import {
  createSparseListBuffers,
  SparseCompact,
  SparseTranspose,
} from '../src/gpu/kernels/sparseLists';
import { SparseDecoder } from '../src/gpu/kernels/sparseSae';
import { randomFloat32 } from '../src/reference/random';
import { createRng } from '../src/model/rng';
import { median } from './stats';

export interface SparseBenchOptions {
  /** (D, F, rows) */
  shapes: [number, number, number][];
  ks: number[];
  reps: number;
  warmup: number;
}

export interface SparseBenchRow {
  D: number;
  F: number;
  rows: number;
  k: number;
  denseFwdMs: number;
  sparseFwdMs: number;
  csrMs: number;
  denseDWMs: number;
  sparseDWMs: number;
  cscMs: number;
  /** max |sparse − dense| over x̂ and ∂W_decᵀ. */
  maxAbsDiff: number;
}

export interface SparseBenchReport {
  /** Median wall time of an empty submit: the fixed cost inside every number below. */
  emptyMs: number;
  rows: SparseBenchRow[];
}

/** [rows, F] codes with exactly k random active columns per row (positive values). */
function sparseCodes(rows: number, F: number, k: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const f = new Float32Array(rows * F);
  const cols = Array.from({ length: F }, (_, j) => j);
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < k; i++) {
      const r = i + Math.floor(rng.uniform() * (F - i));
      [cols[i], cols[r]] = [cols[r], cols[i]];
      f[b * F + cols[i]] = 0.05 + rng.uniform();
    }
  }
  return f;
}

export async function benchSparse(
  gpu: GpuContext,
  opts: SparseBenchOptions & { log: (s: string) => void },
): Promise<SparseBenchReport> {
  const { device } = gpu;
  const ctx = createKernelContext(device);
  const wall = async (work: (pass: GPUComputePassEncoder) => void) => {
    const t0 = performance.now();
    submitPass(device, 'Bench.sparse', work);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  const empty: number[] = [];
  for (let i = 0; i < opts.warmup + opts.reps; i++) {
    const t = await wall(() => {});
    if (i >= opts.warmup) empty.push(t);
  }

  const out: SparseBenchRow[] = [];
  for (const [D, F, rows] of opts.shapes) {
    const w = createBufferFrom(device, 'Bench.wDecT', randomFloat32(F * D, 1));
    const bDec = createBufferFrom(device, 'Bench.bDec', randomFloat32(D, 2));
    const g = createBufferFrom(device, 'Bench.g', randomFloat32(rows * D, 3));
    const xDense = createBuffer(device, 'Bench.xHat.dense', rows * D * 4);
    const xSparse = createBuffer(device, 'Bench.xHat.sparse', rows * D * 4);
    const dWDense = createBuffer(device, 'Bench.dW.dense', F * D * 4);
    const dWSparse = createBuffer(device, 'Bench.dW.sparse', F * D * 4);
    const [gemmFwd, gemmDW] = await Promise.all([
      Gemm.create(ctx, { layout: 'nn', M: rows, N: D, K: F, bias: true, label: 'Bench.fwd' }),
      Gemm.create(ctx, { layout: 'tn', M: F, N: D, K: rows, label: 'Bench.dW' }),
    ]);
    for (const k of opts.ks.filter((k) => k <= F)) {
      const f = createBufferFrom(device, 'Bench.f', sparseCodes(rows, F, k, 4 + k));
      const shape = { B: rows, F, D, capacity: rows * k };
      const [compact, transpose, decoder] = await Promise.all([
        SparseCompact.create(ctx, shape),
        SparseTranspose.create(ctx, shape),
        SparseDecoder.create(ctx, shape),
      ]);
      const lists = createSparseListBuffers(device, shape, 'Bench.lists');
      const run = {
        denseFwd: (p: GPUComputePassEncoder) =>
          gemmFwd.encode(p, { a: f, b: w, c: xDense, bias: bDec }),
        csr: (p: GPUComputePassEncoder) => compact.encode(p, f, lists),
        sparseFwd: (p: GPUComputePassEncoder) =>
          decoder.encodeForward(p, { lists, wDecT: w, bDec, xHat: xSparse }),
        denseDW: (p: GPUComputePassEncoder) => gemmDW.encode(p, { a: f, b: g, c: dWDense }),
        csc: (p: GPUComputePassEncoder) => transpose.encode(p, lists),
        sparseDW: (p: GPUComputePassEncoder) => decoder.encodeDW(p, { lists, g, dWDecT: dWSparse }),
      };
      const samples = Object.fromEntries(Object.keys(run).map((n) => [n, [] as number[]]));
      for (let i = 0; i < opts.warmup + opts.reps; i++) {
        // In dependency order: the CSR before the forward and the CSC, the CSC before ∂W.
        for (const [name, work] of Object.entries(run)) {
          const t = await wall(work);
          if (i >= opts.warmup) samples[name].push(t);
        }
      }
      const diff = async (a: GPUBuffer, b: GPUBuffer, n: number) => {
        const [x, y] = [await readbackF32(device, a, n), await readbackF32(device, b, n)];
        return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
      };
      const row: SparseBenchRow = {
        D,
        F,
        rows,
        k,
        denseFwdMs: median(samples.denseFwd),
        sparseFwdMs: median(samples.sparseFwd),
        csrMs: median(samples.csr),
        denseDWMs: median(samples.denseDW),
        sparseDWMs: median(samples.sparseDW),
        cscMs: median(samples.csc),
        maxAbsDiff: Math.max(
          await diff(xDense, xSparse, rows * D),
          await diff(dWDense, dWSparse, F * D),
        ),
      };
      opts.log(
        `sparse (D=${D}, F=${F}, rows=${rows}, k=${k}): fwd dense ${row.denseFwdMs.toFixed(2)} ` +
          `sparse ${row.sparseFwdMs.toFixed(2)} ms; ∂W dense ${row.denseDWMs.toFixed(2)} ` +
          `sparse ${row.sparseDWMs.toFixed(2)} ms`,
      );
      out.push(row);
      for (const kernel of [compact, transpose, decoder]) kernel.destroy();
      lists.destroy();
      f.destroy();
    }
    gemmFwd.destroy();
    gemmDW.destroy();
    for (const b of [w, bDec, g, xDense, xSparse, dWDense, dWSparse]) b.destroy();
  }
  return { emptyMs: median(empty), rows: out };
}
