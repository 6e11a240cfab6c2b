/**
 * The sparse-list kernels (CSR by compaction, CSC by counting sort) and the sparse products of the
 * SAE step run on given inputs, with the dense GEMMs on the same inputs for comparison. Shared by
 * the Playwright harness (e2e/sparse.spec.ts computes the float64 references in Node) and the
 * app's self-check (sparseChecks.ts).
 */
import { readbackF32, readbackU32 } from '../gpu/buffers';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { Gemm } from '../gpu/kernels/gemm';
import {
  createSparseListBuffers,
  SparseCompact,
  SparseTranspose,
  type SparseListBuffers,
} from '../gpu/kernels/sparseLists';
import { SparseDecoder, SparseEncoderGrad } from '../gpu/kernels/sparseSae';
import { scope as bufferScope } from './scope';

type Arr = number[];

export interface SparseListsArg {
  B: number;
  F: number;
  capacity: number;
  rowsPerBlock?: number;
  a: Arr;
  b?: Arr;
  /** Builds this many times in separate submits (the counters must reset between builds). */
  repeats?: number;
}

export interface SparseListsOut {
  count: Arr;
  rowPtr: Arr;
  col: Arr;
  valA: Arr;
  valB: Arr;
  status: Arr;
  colPtr: Arr;
  cscRow: Arr;
  cscEntry: Arr;
  cscStatus: Arr;
  /** The atomic counters after the build: all zero when the scan cleared them. */
  colCountsAfter: Arr;
}

export interface SparseProductsArg {
  B: number;
  F: number;
  D: number;
  capacity: number;
  f: Arr; // [B, F] codes
  g: Arr; // [B, D] ∂ℒ/∂x̂
  wDecT: Arr; // [F, D]
  bDec: Arr; // [D]
  dpre: Arr; // [B, F]
  xc: Arr; // [B, D]
  wEnc: Arr; // [F, D]
}

export interface SparseProductsOut {
  sparse: { xHat: Arr; df: Arr; dfVal: Arr; dWDecT: Arr; dWEnc: Arr; dxc: Arr };
  /** ∂W_dec, ∂W_enc and ∂xc from one set of lists over the union of the supports of f and ∂pre. */
  union: { dWDecT: Arr; dWEnc: Arr; dxc: Arr };
  dense: { xHat: Arr; df: Arr; dWDecT: Arr; dWEnc: Arr; dxc: Arr };
  /** A second sparse run on the same inputs, bit-identical when the kernels are deterministic. */
  repeatEqual: boolean;
  errors: string[];
}

/** Empty buffers hold at least 4 floats (a list can be empty). */
function scope(device: GPUDevice) {
  const s = bufferScope(device);
  return { ...s, empty: (label: string, n: number) => s.empty(label, n, 4) };
}

async function readLists(
  dev: GPUDevice,
  l: SparseListBuffers,
  twoValues: boolean,
): Promise<SparseListsOut> {
  const u32 = async (b: GPUBuffer, n: number) => [...(await readbackU32(dev, b, n))];
  const f32 = async (b: GPUBuffer, n: number) => [...(await readbackF32(dev, b, n))];
  const status = await u32(l.status, 4);
  const cscStatus = await u32(l.cscStatus, 4);
  const nnz = status[1];
  return {
    count: await u32(l.count, l.B),
    rowPtr: await u32(l.rowPtr, l.B + 1),
    col: await u32(l.col, nnz),
    valA: await f32(l.valA, nnz),
    valB: twoValues ? await f32(l.valB, nnz) : [],
    status,
    colPtr: await u32(l.colPtr, l.F + 1),
    cscRow: await u32(l.cscRow, cscStatus[1]),
    cscEntry: await u32(l.cscEntry, cscStatus[1]),
    cscStatus,
    colCountsAfter: await u32(l.colCounts, l.F * l.nBlocks),
  };
}

/** Builds the CSR and CSC lists of `a` (and `b`), `repeats` times, and reads them back. */
export async function runSparseLists(
  ctx: KernelContext,
  a: SparseListsArg,
): Promise<SparseListsOut> {
  const s = scope(ctx.device);
  const shape = {
    B: a.B,
    F: a.F,
    capacity: a.capacity,
    rowsPerBlock: a.rowsPerBlock,
    twoValues: !!a.b,
  };
  const [compact, transpose] = await Promise.all([
    SparseCompact.create(ctx, { ...shape, label: 'SelfCheck.compact' }),
    SparseTranspose.create(ctx, { ...shape, label: 'SelfCheck.transpose' }),
  ]);
  const lists = createSparseListBuffers(ctx.device, shape, 'SelfCheck.lists');
  const ma = s.from('a', a.a);
  const mb = a.b ? s.from('b', a.b) : undefined;
  for (let r = 0; r < (a.repeats ?? 1); r++) {
    submitPass(ctx.device, 'SelfCheck.sparseLists', (pass) => {
      compact.encode(pass, ma, lists, mb);
      transpose.encode(pass, lists);
    });
  }
  const out = await readLists(ctx.device, lists, !!a.b);
  compact.destroy();
  transpose.destroy();
  lists.destroy();
  s.done();
  return out;
}

/**
 * The sparse products (x̂, ∂f, ∂W_decᵀ, ∂W_enc, ∂xc) from separate and from union lists, a repeat
 * run, and the dense GEMMs on the same inputs. `errors`: the device's error log, copied into the
 * result (the harness passes its own).
 */
export async function runSparseProducts(
  ctx: KernelContext,
  a: SparseProductsArg,
  errors: readonly string[] = [],
): Promise<SparseProductsOut> {
  const { B, F, D, capacity } = a;
  const dev = ctx.device;
  const s = scope(dev);
  const shape = { B, F, D, capacity };
  const [compact, transpose, decoder, encoder] = await Promise.all([
    SparseCompact.create(ctx, shape),
    SparseTranspose.create(ctx, shape),
    SparseDecoder.create(ctx, shape),
    SparseEncoderGrad.create(ctx, shape),
  ]);
  const gemm = (layout: 'nn' | 'nt' | 'tn', M: number, N: number, K: number, bias = false) =>
    Gemm.create(ctx, { layout, M, N, K, bias, label: `SelfCheck.dense.${layout}` });
  const [gDec, gDf, gDW, gDWEnc, gDxc] = await Promise.all([
    gemm('nn', B, D, F, true),
    gemm('nt', B, F, D),
    gemm('tn', F, D, B),
    gemm('tn', F, D, B),
    gemm('nn', B, D, F),
  ]);
  const fLists = createSparseListBuffers(dev, shape, 'SelfCheck.fLists');
  const pLists = createSparseListBuffers(dev, shape, 'SelfCheck.dpreLists');
  const uShape = { ...shape, twoValues: true };
  const uLists = createSparseListBuffers(dev, uShape, 'SelfCheck.unionLists');
  const uCompact = await SparseCompact.create(ctx, { ...uShape, label: 'SelfCheck.uCompact' });
  const i = {
    f: s.from('f', a.f),
    g: s.from('g', a.g),
    wDecT: s.from('wDecT', a.wDecT),
    bDec: s.from('bDec', a.bDec),
    dpre: s.from('dpre', a.dpre),
    xc: s.from('xc', a.xc),
    wEnc: s.from('wEnc', a.wEnc),
  };
  const o = {
    xHat: s.empty('xHat', B * D),
    df: s.empty('df', B * F),
    dfVal: s.empty('dfVal', capacity),
    dWDecT: s.empty('dWDecT', F * D),
    dWEnc: s.empty('dWEnc', F * D),
    dxc: s.empty('dxc', B * D),
  };
  const u = {
    dWDecT: s.empty('union.dWDecT', F * D),
    dWEnc: s.empty('union.dWEnc', F * D),
    dxc: s.empty('union.dxc', B * D),
  };
  const d = {
    xHat: s.empty('dense.xHat', B * D),
    df: s.empty('dense.df', B * F),
    dWDecT: s.empty('dense.dWDecT', F * D),
    dWEnc: s.empty('dense.dWEnc', F * D),
    dxc: s.empty('dense.dxc', B * D),
  };
  // Stale values everywhere: the sparse kernels must write every output element.
  for (const buf of [...Object.values(o), ...Object.values(u), ...Object.values(d)])
    dev.queue.writeBuffer(buf, 0, new Float32Array(buf.size / 4).fill(7.5));

  const runSparse = () =>
    submitPass(dev, 'SelfCheck.sparse', (pass) => {
      compact.encode(pass, i.f, fLists);
      transpose.encode(pass, fLists);
      decoder.encodeForward(pass, { lists: fLists, wDecT: i.wDecT, bDec: i.bDec, xHat: o.xHat });
      decoder.encodeDf(pass, { lists: fLists, g: i.g, wDecT: i.wDecT, dfVal: o.dfVal, df: o.df });
      decoder.encodeDW(pass, { lists: fLists, g: i.g, dWDecT: o.dWDecT });
      compact.encode(pass, i.dpre, pLists);
      transpose.encode(pass, pLists);
      encoder.encodeDW(pass, { lists: pLists, dpreVals: pLists.valA, xc: i.xc, dWEnc: o.dWEnc });
      encoder.encodeDxc(pass, { lists: pLists, dpreVals: pLists.valA, wEnc: i.wEnc, dxc: o.dxc });
    });
  runSparse();
  // One CSR + CSC over supp(f) ∪ supp(∂pre): f in valA (zero where only ∂pre is active), ∂pre in valB.
  submitPass(dev, 'SelfCheck.union', (pass) => {
    uCompact.encode(pass, i.f, uLists, i.dpre);
    transpose.encode(pass, uLists);
    decoder.encodeDW(pass, { lists: uLists, g: i.g, dWDecT: u.dWDecT });
    encoder.encodeDW(pass, { lists: uLists, dpreVals: uLists.valB, xc: i.xc, dWEnc: u.dWEnc });
    encoder.encodeDxc(pass, { lists: uLists, dpreVals: uLists.valB, wEnc: i.wEnc, dxc: u.dxc });
  });
  submitPass(dev, 'SelfCheck.dense', (pass) => {
    gDec.encode(pass, { a: i.f, b: i.wDecT, c: d.xHat, bias: i.bDec });
    gDf.encode(pass, { a: i.g, b: i.wDecT, c: d.df });
    gDW.encode(pass, { a: i.f, b: i.g, c: d.dWDecT });
    gDWEnc.encode(pass, { a: i.dpre, b: i.xc, c: d.dWEnc });
    gDxc.encode(pass, { a: i.dpre, b: i.wEnc, c: d.dxc });
  });
  const nnz = (await s.u32(fLists.status, 4))[1];
  const read = async (x: Record<string, GPUBuffer>, sizes: Record<string, number>) =>
    Object.fromEntries(
      await Promise.all(Object.entries(x).map(async ([k, b]) => [k, await s.f32(b, sizes[k])])),
    );
  const sizes = { xHat: B * D, df: B * F, dfVal: nnz, dWDecT: F * D, dWEnc: F * D, dxc: B * D };
  const sparse = (await read(o, sizes)) as SparseProductsOut['sparse'];
  const dense = (await read(d, sizes)) as SparseProductsOut['dense'];
  const union = (await read(u, sizes)) as SparseProductsOut['union'];
  runSparse();
  const again = (await read(o, sizes)) as SparseProductsOut['sparse'];
  const repeatEqual = Object.keys(sparse).every((k) => {
    const x = sparse[k as keyof typeof sparse];
    const y = again[k as keyof typeof again];
    return x.length === y.length && x.every((v, j) => Object.is(v, y[j]));
  });
  for (const k of [compact, uCompact, transpose, decoder, encoder, gDec, gDf, gDW, gDWEnc, gDxc])
    k.destroy();
  fLists.destroy();
  pLists.destroy();
  uLists.destroy();
  s.done();
  return { sparse, union, dense, repeatEqual, errors: [...errors] };
}
