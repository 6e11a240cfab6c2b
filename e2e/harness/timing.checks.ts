// Timing probes for development: where the time of a training step goes.
import { submitPass } from '../../src/gpu/kernels/context';
import { SaeBackward } from '../../src/sae/backward';
import { SaeBuffers } from '../../src/sae/buffers';
import { SaeForward } from '../../src/sae/forward';
import { Optimizer } from '../../src/sae/optimizer';
import type { HarnessCheck } from './env';

export const checks: Record<string, HarnessCheck> = {
  async timePhases(env, a: { D: number; F: number; B: number; n: number }) {
    const dev = env.gpu.device;
    const bufs = new SaeBuffers(dev, a.D, a.F, a.B);
    const fwd = await SaeForward.create(env.ctx, bufs, { kMax: 16, alpha: 0.01, normFactor: 1 });
    const bwd = await SaeBackward.create(env.ctx, bufs, fwd);
    const opt = await Optimizer.create(env.ctx, bufs.layout);
    const time = async (f: (p: GPUComputePassEncoder) => void) => {
      submitPass(dev, 'T', f);
      await dev.queue.onSubmittedWorkDone();
      const t0 = performance.now();
      for (let i = 0; i < a.n; i++) {
        submitPass(dev, 'T', f);
        await dev.queue.onSubmittedWorkDone();
      }
      return (performance.now() - t0) / a.n;
    };
    const ar = bufs.arenas;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const k = (fwd as any).k;
    const w = bufs.ws;
    const p = (n: Parameters<SaeBuffers['tensor']>[0]) => bufs.tensor(n);
    const parts = {
      normalize: await time((q) => k.normalize.encode(q, { x: w.x, y: bufs.shift, out: w.xn })),
      encoder: await time((q) =>
        k.encoder.encode(q, { a: w.xc, b: p('encoder.weight'), c: w.h, bias: p('encoder.bias') }),
      ),
      kHead: await time((q) =>
        k.kHead.encodeForward(q, {
          z: w.z,
          w2: p('k_estimator.2.weight'),
          b2: p('k_estimator.2.bias'),
          kHat: w.kHat,
          kSig: w.kSig,
        }),
      ),
      soft: await time((q) => k.soft.encodeForward(q, { h: w.h, kHat: w.kHat, t: w.t, f: w.f })),
      hard: await time((q) => k.hard.encode(q, { h: w.h, kHat: w.kHat, f: w.f, l0: w.l0 })),
      decoder: await time((q) =>
        k.decoder.encode(q, { a: w.f, b: p('decoder.weight'), c: w.xHat, bias: p('b_dec') }),
      ),
      sqErr: await time((q) => k.sqErr.encode(q, { x: w.resid, out: w.sqErr })),
      loss: await time((q) =>
        k.loss.encode(q, {
          sqErr: w.sqErr,
          kHat: w.kHat,
          scalars: w.scalars,
          kLossGrad: w.kLossGrad,
        }),
      ),
    };
    const res = {
      parts,
      empty: await time(() => {}),
      fwdSoft: await time((p) => fwd.encode(p, 'soft')),
      fwdHard: await time((p) => fwd.encode(p, 'hard')),
      bwdSoft: await time((p) => bwd.encodeSoft(p)),
      optim: await time((p) =>
        opt.encode(
          p,
          { params: ar.params, grads: ar.grads, m: ar.adamM, v: ar.adamV },
          { lr: 1e-3 },
        ),
      ),
    };
    return res;
  },
};
