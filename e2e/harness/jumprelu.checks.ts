// The JumpReLU / ReLU inference kernel (shaders/jumprelu.wgsl) on inputs sent from the test,
// which computes the float64 reference (src/reference/sae/jumprelu.ts) in Node.
import { submitPass } from '../../src/gpu/kernels/context';
import { JumpRelu } from '../../src/gpu/kernels/jumprelu';
import type { HarnessCheck } from './env';
import { scope } from './sae.checks';

export interface JumpReluArg {
  B: number;
  F: number;
  /** Post-ReLU h [B, F], as the encoder leaves it. */
  h: number[];
  theta: number[];
}

export const checks: Record<string, HarnessCheck> = {
  async jumpRelu(env, a: JumpReluArg): Promise<{ f: number[]; l0: number[] }> {
    const s = scope(env);
    const k = await JumpRelu.create(env.ctx, { B: a.B, F: a.F, label: 'Harness.jumpRelu' });
    try {
      const b = {
        h: s.from('h', a.h),
        theta: s.from('theta', a.theta),
        f: s.empty('f', a.B * a.F),
        l0: s.empty('l0', a.B),
      };
      submitPass(env.gpu.device, 'Harness.jumpRelu', (pass) => k.encode(pass, b));
      return { f: await s.f32(b.f, a.B * a.F), l0: await s.u32(b.l0, a.B) };
    } finally {
      k.destroy();
      s.done();
    }
  },
};
