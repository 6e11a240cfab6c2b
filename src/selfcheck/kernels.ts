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
  /** A pair: a second B, C and bias in the same dispatch (both halves checked). */
  pair?: boolean;
  seed?: number;
}

export function gemmCaseName(c: GemmCase): string {
  const epi = [
    c.bias && 'bias',
    c.relu && 'relu',
    c.alpha !== undefined && c.alpha !== 1 && `α=${c.alpha}`,
    c.beta && `β=${c.beta}`,
    c.zero && 'zeros',
    c.pair && 'pair',
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
  // One product's inputs (a pair's second half: its own B, old C and bias, drawn from seed + 10).
  const operands = (s: number) => ({
    b: c.zero ? new Float32Array(c.K * c.N) : randomFloat32(c.K * c.N, s + 1),
    c0: randomFloat32(c.M * c.N, s + 2),
    bias: randomFloat32(c.N, s + 3),
  });
  const a = c.zero ? new Float32Array(c.M * c.K) : randomFloat32(c.M * c.K, seed);
  const halves = c.pair ? [operands(seed), operands(seed + 10)] : [operands(seed)];
  const gemm = await Gemm.create(ctx, { ...c, label: 'SelfCheck.gemm' });
  const upload = (name: string, x: Float32Array) =>
    createBufferFrom(device, `SelfCheck.${name}`, x);
  const bufs = halves.map((h, i) => ({
    b: upload(`b${i}`, h.b),
    c: upload(`c${i}`, h.c0),
    bias: upload(`bias${i}`, h.bias),
  }));
  const aBuf = upload('a', a);
  try {
    const [first, second] = bufs;
    submitPass(device, 'SelfCheck.gemm', (pass) =>
      gemm.encode(pass, {
        a: aBuf,
        b: first.b,
        c: first.c,
        bias: c.bias ? first.bias : undefined,
        ...(second && { b2: second.b, c2: second.c, bias2: c.bias ? second.bias : undefined }),
      }),
    );
    const n = c.M * c.N;
    const got = new Float32Array(n * halves.length);
    const ref = new Float64Array(n * halves.length);
    for (const [i, h] of halves.entries()) {
      got.set(await readbackF32(device, bufs[i].c, n), i * n);
      const want = gemmRef(c.layout, c.M, c.N, c.K, a, h.b, {
        alpha: c.alpha,
        beta: c.beta,
        c: h.c0,
        bias: c.bias ? h.bias : undefined,
        relu: c.relu,
      });
      ref.set(want, i * n);
    }
    const tolerance = gemmTolerance(c.K);
    const comparison = compareArrays(got, ref, tolerance);
    return { name: gemmCaseName(c), ok: comparison.ok, comparison, tolerance };
  } finally {
    gemm.destroy();
    aBuf.destroy();
    for (const h of bufs) for (const buf of Object.values(h)) buf.destroy();
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
