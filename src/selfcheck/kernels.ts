/**
 * Runs each kernel on seeded inputs and compares it with its float64 reference. Shared by the
 * app's visible self-check (in the engine worker) and the Playwright kernel tests.
 */
import { createBufferFrom, createBuffer, readbackF32 } from '../gpu/buffers';
import { Axpy } from '../gpu/kernels/axpy';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { Gemm, type GemmLayout, type GemmTiles } from '../gpu/kernels/gemm';
import { Reduce, type ReduceAxis, type ReduceOp } from '../gpu/kernels/reduce';
import { compareArrays, type Comparison, type Tolerance } from '../reference/compare';
import { gemmRef } from '../reference/gemm';
import { randomFloat32 } from '../reference/random';
import { axpyRef, reduceRef } from '../reference/reduce';

export interface CheckResult {
  name: string;
  ok: boolean;
  comparison: Comparison;
  tolerance: Tolerance;
}

/** float32 unit roundoff. */
const EPS32 = 2 ** -24;

export interface GemmCase {
  layout: GemmLayout;
  M: number;
  N: number;
  K: number;
  alpha?: number;
  beta?: number;
  bias?: boolean;
  relu?: boolean;
  /** All-zero A and B. */
  zero?: boolean;
  tiles?: GemmTiles;
  seed?: number;
}

export function gemmCaseName(c: GemmCase): string {
  const epi = [
    c.bias && 'bias',
    c.relu && 'relu',
    c.alpha !== undefined && c.alpha !== 1 && `α=${c.alpha}`,
    c.beta && `β=${c.beta}`,
    c.zero && 'zeros',
  ].filter(Boolean);
  return `gemm ${c.layout} ${c.M}×${c.K}×${c.N}${epi.length ? ' +' + epi.join('+') : ''}`;
}

/**
 * Accumulating K products of values in [−1, 1) in float32 errs by at most about K·ε per output
 * (a loose forward-error bound); the bias and beta terms add a few more roundings.
 */
function gemmTolerance(K: number): Tolerance {
  return { atol: 4 * (K + 4) * EPS32, rtol: 16 * EPS32 };
}

export async function checkGemm(ctx: KernelContext, c: GemmCase): Promise<CheckResult> {
  const { device } = ctx;
  const seed = c.seed ?? 1;
  const aLen = c.M * c.K;
  const bLen = c.K * c.N;
  const a = c.zero ? new Float32Array(aLen) : randomFloat32(aLen, seed);
  const b = c.zero ? new Float32Array(bLen) : randomFloat32(bLen, seed + 1);
  const c0 = randomFloat32(c.M * c.N, seed + 2);
  const bias = randomFloat32(c.N, seed + 3);
  const gemm = await Gemm.create(ctx, { ...c, label: 'SelfCheck.gemm' });
  const bufs = {
    a: createBufferFrom(device, 'SelfCheck.a', a),
    b: createBufferFrom(device, 'SelfCheck.b', b),
    c: createBufferFrom(device, 'SelfCheck.c', c0),
    bias: createBufferFrom(device, 'SelfCheck.bias', bias),
  };
  try {
    submitPass(device, 'SelfCheck.gemm', (pass) =>
      gemm.encode(pass, c.bias ? bufs : { ...bufs, bias: undefined }),
    );
    const got = await readbackF32(device, bufs.c, c.M * c.N);
    const ref = gemmRef(c.layout, c.M, c.N, c.K, a, b, {
      alpha: c.alpha,
      beta: c.beta,
      c: c0,
      bias: c.bias ? bias : undefined,
      relu: c.relu,
    });
    const tolerance = gemmTolerance(c.K);
    const comparison = compareArrays(got, ref, tolerance);
    return { name: gemmCaseName(c), ok: comparison.ok, comparison, tolerance };
  } finally {
    gemm.destroy();
    for (const buf of Object.values(bufs)) buf.destroy();
  }
}

export interface ReduceCase {
  axis: ReduceAxis;
  op: ReduceOp;
  M: number;
  N: number;
  zero?: boolean;
  seed?: number;
}

export async function checkReduce(ctx: KernelContext, c: ReduceCase): Promise<CheckResult> {
  const { device } = ctx;
  const x = c.zero ? new Float32Array(c.M * c.N) : randomFloat32(c.M * c.N, c.seed ?? 7);
  const kernel = await Reduce.create(ctx, { ...c, label: 'SelfCheck.reduce' });
  const xBuf = createBufferFrom(device, 'SelfCheck.x', x);
  const outBuf = createBuffer(device, 'SelfCheck.out', kernel.outputLength * 4);
  try {
    submitPass(device, 'SelfCheck.reduce', (pass) => kernel.encode(pass, { x: xBuf, out: outBuf }));
    const got = await readbackF32(device, outBuf, kernel.outputLength);
    const ref = reduceRef(c.axis, c.op, c.M, c.N, x);
    const n = c.axis === 'rows' ? c.N : c.M;
    const tolerance = { atol: 4 * (n + 4) * EPS32, rtol: 16 * EPS32 };
    const comparison = compareArrays(got, ref, tolerance);
    const name = `reduce ${c.axis} ${c.op} ${c.M}×${c.N}${c.zero ? ' zeros' : ''}`;
    return { name, ok: comparison.ok, comparison, tolerance };
  } finally {
    kernel.destroy();
    xBuf.destroy();
    outBuf.destroy();
  }
}

export interface AxpyCase {
  n: number;
  alpha: number;
  seed?: number;
}

export async function checkAxpy(ctx: KernelContext, c: AxpyCase): Promise<CheckResult> {
  const { device } = ctx;
  const x = randomFloat32(c.n, c.seed ?? 11);
  const y = randomFloat32(c.n, (c.seed ?? 11) + 1);
  const kernel = await Axpy.create(ctx, c.n, c.alpha, 'SelfCheck.axpy');
  const xBuf = createBufferFrom(device, 'SelfCheck.x', x);
  const yBuf = createBufferFrom(device, 'SelfCheck.y', y);
  try {
    submitPass(device, 'SelfCheck.axpy', (pass) => kernel.encode(pass, { x: xBuf, y: yBuf }));
    const got = await readbackF32(device, yBuf, c.n);
    // fma rounds once; the float64 reference is exact to ~1 ulp of the result.
    const tolerance = { atol: 4 * EPS32, rtol: 4 * EPS32 };
    const comparison = compareArrays(got, axpyRef(c.alpha, x, y), tolerance);
    return { name: `axpy n=${c.n} α=${c.alpha}`, ok: comparison.ok, comparison, tolerance };
  } finally {
    kernel.destroy();
    xBuf.destroy();
    yBuf.destroy();
  }
}
