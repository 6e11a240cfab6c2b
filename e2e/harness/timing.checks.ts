// Timing probe for development (not a test): where the time of a training step goes, by phase.
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
    const ar = bufs.tensors;
    const res = {
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
