// Whole-model passes on the GPU: upload an arena and a batch, run forward (soft and hard) and
// the soft backward, read everything back for the test to compare with the reference.
import { readbackF32, readbackU32, upload } from '../../src/gpu/buffers';
import { submitPass } from '../../src/gpu/kernels/context';
import { SaeBackward } from '../../src/sae/backward';
import { SaeBuffers } from '../../src/sae/buffers';
import { SaeForward } from '../../src/sae/forward';
import { packArena, unpackArena } from '../../src/sae/arena';
import { readTensors, uploadTensors } from '../../src/sae/paramBuffers';
import type { HarnessCheck } from './env';

export interface ModelPassArg {
  D: number;
  F: number;
  B: number;
  /** Packed parameter arena (see src/sae/arena.ts). */
  arena: number[];
  shift: number[];
  normFactor: number;
  kMax: number;
  alpha: number;
  k: number;
  kLossWeight: number;
  x: number[];
}

export interface ModelPassResult {
  xn: number[];
  h: number[];
  kHat: number[];
  tSoft: number[];
  fSoft: number[];
  xHatSoft: number[];
  scalarsSoft: number[];
  grads: number[];
  fHard: number[];
  xHatHard: number[];
  sqErrHard: number[];
  l0Hard: number[];
}

export const checks: Record<string, HarnessCheck> = {
  async modelPass(env, a: ModelPassArg): Promise<ModelPassResult> {
    const dev = env.gpu.device;
    const bufs = new SaeBuffers(dev, a.D, a.F, a.B);
    const fwd = await SaeForward.create(env.ctx, bufs, a);
    const bwd = await SaeBackward.create(env.ctx, bufs, fwd);
    fwd.setKTarget(a.k, a.kLossWeight);
    const p = bufs.tensors.params;
    uploadTensors(dev, p, bufs.layout, unpackArena(bufs.layout, Float32Array.from(a.arena)));
    upload(dev, bufs.shift, Float32Array.from(a.shift));
    upload(dev, bufs.ws.x, Float32Array.from(a.x));
    const { B, D, F } = a;
    const read = async (buf: GPUBuffer, n: number) => [...(await readbackF32(dev, buf, n))];
    try {
      submitPass(dev, 'Harness.soft', (pass) => {
        fwd.encode(pass, 'soft');
        bwd.encodeSoft(pass);
      });
      const soft = {
        xn: await read(bufs.ws.xn, B * D),
        h: await read(bufs.ws.h, B * F),
        kHat: await read(bufs.ws.kHat, B),
        tSoft: await read(bufs.ws.t, B),
        fSoft: await read(bufs.ws.f, B * F),
        xHatSoft: await read(bufs.ws.xHat, B * D),
        scalarsSoft: await read(bufs.ws.scalars, 6),
        grads: [...packArena(bufs.layout, await readTensors(dev, bufs.tensors.grads, bufs.layout))],
      };
      submitPass(dev, 'Harness.hard', (pass) => fwd.encode(pass, 'hard'));
      return {
        ...soft,
        fHard: await read(bufs.ws.f, B * F),
        xHatHard: await read(bufs.ws.xHat, B * D),
        sqErrHard: await read(bufs.ws.sqErr, B),
        l0Hard: [...(await readbackU32(dev, bufs.ws.l0, B))],
      };
    } finally {
      fwd.destroy();
      bwd.destroy();
      bufs.destroy();
    }
  },
};
