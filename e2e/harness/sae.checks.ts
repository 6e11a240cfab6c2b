// SAE kernels run on inputs sent from the test; the test computes the float64 reference in Node
// and compares. Arrays cross the page boundary as plain number arrays.
import { createBuffer, createBufferFrom, readbackF32, readbackU32 } from '../../src/gpu/buffers';
import { submitPass } from '../../src/gpu/kernels/context';
import { KEstimate } from '../../src/gpu/kernels/kestimate';
import { SoftTopK, type ThresholdSearch } from '../../src/gpu/kernels/softtopk';
import { RowTopK } from '../../src/gpu/kernels/topk';
import type { HarnessCheck, HarnessEnv } from './env';

type Arr = number[];

/** Allocates labelled buffers, destroys them all at the end. */
export function scope(env: HarnessEnv) {
  const bufs: GPUBuffer[] = [];
  const dev = env.gpu.device;
  return {
    from(label: string, data: Arr, u32 = false) {
      const b = createBufferFrom(
        dev,
        `Harness.${label}`,
        u32 ? Uint32Array.from(data) : Float32Array.from(data),
      );
      bufs.push(b);
      return b;
    },
    empty(label: string, n: number) {
      const b = createBuffer(dev, `Harness.${label}`, n * 4);
      bufs.push(b);
      return b;
    },
    f32: async (b: GPUBuffer, n: number) => [...(await readbackF32(dev, b, n))],
    u32: async (b: GPUBuffer, n: number) => [...(await readbackU32(dev, b, n))],
    done: () => bufs.forEach((b) => b.destroy()),
  };
}

export interface SoftTopKArg {
  B: number;
  F: number;
  alpha: number;
  h: Arr;
  kHat: Arr;
  df: Arr;
  /** Threshold search of the forward (default: the engine's). */
  search?: ThresholdSearch;
}

export interface RowTopKArg {
  B: number;
  F: number;
  h: Arr;
  kHat?: Arr;
  k?: number;
}

export interface KEstimateArg {
  B: number;
  F: number;
  kMax: number;
  z: Arr;
  w2: Arr;
  b2: number;
  dkHat: Arr;
  kLossGrad: number;
}

export const checks: Record<string, HarnessCheck> = {
  async softTopK(env, a: SoftTopKArg) {
    const s = scope(env);
    const k = await SoftTopK.create(env.ctx, {
      B: a.B,
      F: a.F,
      alpha: a.alpha,
      label: 'Harness.softTopK',
      search: a.search,
    });
    const b = {
      h: s.from('h', a.h),
      kHat: s.from('kHat', a.kHat),
      t: s.empty('t', a.B),
      f: s.empty('f', a.B * a.F),
      df: s.from('df', a.df),
      dpre: s.empty('dpre', a.B * a.F),
      dkHat: s.empty('dkHat', a.B),
    };
    submitPass(env.gpu.device, 'Harness.softTopK', (pass) => {
      k.encodeForward(pass, b);
      k.encodeBackward(pass, b);
    });
    const out = {
      t: await s.f32(b.t, a.B),
      f: await s.f32(b.f, a.B * a.F),
      dpre: await s.f32(b.dpre, a.B * a.F),
      dkHat: await s.f32(b.dkHat, a.B),
    };
    k.destroy();
    s.done();
    return out;
  },

  async rowTopK(env, a: RowTopKArg) {
    const s = scope(env);
    const mode =
      a.k === undefined ? ({ kind: 'kHat' } as const) : ({ kind: 'constant', k: a.k } as const);
    const k = await RowTopK.create(env.ctx, { B: a.B, F: a.F, mode, label: 'Harness.rowTopK' });
    const b = {
      h: s.from('h', a.h),
      kHat: a.kHat ? s.from('kHat', a.kHat) : undefined,
      f: s.empty('f', a.B * a.F),
      l0: s.empty('l0', a.B),
    };
    submitPass(env.gpu.device, 'Harness.rowTopK', (pass) => k.encode(pass, b));
    const out = { f: await s.f32(b.f, a.B * a.F), l0: await s.u32(b.l0, a.B) };
    k.destroy();
    s.done();
    return out;
  },

  async kEstimate(env, a: KEstimateArg) {
    const s = scope(env);
    const k = await KEstimate.create(env.ctx, {
      B: a.B,
      F: a.F,
      kMax: a.kMax,
      label: 'Harness.kEstimate',
    });
    const b = {
      z: s.from('z', a.z),
      w2: s.from('w2', a.w2),
      b2: s.from('b2', [a.b2]),
      kHat: s.empty('kHat', a.B),
      kSig: s.empty('kSig', a.B),
      dkHat: s.from('dkHat', a.dkHat),
      kLossGrad: s.from('kLossGrad', [a.kLossGrad]),
      ds: s.empty('ds', a.B),
      dz: s.empty('dz', a.B * a.F),
    };
    submitPass(env.gpu.device, 'Harness.kEstimate', (pass) => {
      k.encodeForward(pass, b);
      k.encodeBackward(pass, b);
    });
    const out = {
      kHat: await s.f32(b.kHat, a.B),
      kSig: await s.f32(b.kSig, a.B),
      ds: await s.f32(b.ds, a.B),
      dz: await s.f32(b.dz, a.B * a.F),
    };
    k.destroy();
    s.done();
    return out;
  },
};
