/**
 * The app's self-check cases for two kernels that the specs check only inside whole training
 * steps (e2e/train-step.spec.ts): the aux-k loss with its gradient, against the reference
 * auxLoss, and the dispatch gate, whose two sides (here two axpys) must run exactly as the flag
 * says, against axpyRef.
 */
import { createBufferFrom, readbackF32 } from '../gpu/buffers';
import { AuxLoss } from '../gpu/kernels/auxk';
import { Axpy } from '../gpu/kernels/axpy';
import { submitPass, type KernelContext } from '../gpu/kernels/context';
import { DispatchGate } from '../gpu/kernels/gate';
import { initParams } from '../model/params';
import { randomFloat32 } from '../reference/random';
import { axpyRef } from '../reference/reduce';
import { auxLoss } from '../reference/sae/loss';
import type { CheckResult } from './kernels';
import { combine, compared, normals, reluNormal } from './result';
import { scope } from './scope';

const EPS32 = 2 ** -24;

/**
 * aux = Σ(e − rec)²/Σ(e − ē)² over the batch, added as λ·aux to the total, and the gradient
 * rec ← −2λ(e − rec)/(B·den) in place; rec = W_dec·z_aux from the reference's dead top-k mask.
 */
export async function checkAuxK(
  ctx: KernelContext,
  c: { B: number; D: number; F: number; dead: number[]; lambda: number; seed: number },
): Promise<CheckResult> {
  const { B, D, F, lambda } = c;
  const params = initParams({ D, F, k: 2, kMax: 4, alpha: 0.05, seed: c.seed });
  const x = Float64Array.from(normals(B * D, c.seed + 1));
  const xHat = Float64Array.from(normals(B * D, c.seed + 2, 0.8));
  const h = Float64Array.from(reluNormal(B * F, c.seed + 3));
  const dead = new Uint8Array(F);
  for (const j of c.dead) dead[j] = 1;
  const ref = auxLoss(params, x, xHat, h, dead);
  // The kernel's inputs: e = x − x̂ and rec = W_dec·(h on the reference's mask), in float32.
  const W = params.tensors['decoder.weight']; // [D, F]
  const e = x.map((v, i) => v - xHat[i]);
  const rec = new Float64Array(B * D);
  for (let b = 0; b < B; b++)
    for (let d = 0; d < D; d++)
      for (let j = 0; j < F; j++)
        if (ref.mask[b * F + j]) rec[b * D + d] += W[d * F + j] * h[b * F + j];
  const s = scope(ctx.device);
  const k = await AuxLoss.create(ctx, {
    B,
    D,
    lambda,
    totalIndex: 0,
    auxIndex: 1,
    label: 'SelfCheck.auxk',
  });
  try {
    const total0 = 0.75;
    const b = {
      e: s.from('e', e),
      rec: s.from('rec', rec),
      deadCount: s.from('deadCount', [c.dead.length], true),
      scalars: s.from('scalars', [total0, 0, 0, 0, 0, 0, 0, 0]),
    };
    submitPass(ctx.device, 'SelfCheck.auxk', (pass) => k.encode(pass, b));
    const scalars = await s.f32(b.scalars, 2);
    const grad = await s.f32(b.rec, B * D);
    const coef = ref.active && ref.denom > 0 ? (-2 * lambda) / (B * ref.denom) : 0;
    // Sums of B·D squares in float32: a few hundred roundings at most.
    const tol = { atol: 1e-6, rtol: 1e-4 };
    return combine(`auxk ${B}×${D}, ${c.dead.length} dead of ${F}`, [
      compared('aux', [scalars[1]], [ref.value], tol),
      compared('total += λ·aux', [scalars[0]], [total0 + lambda * ref.value], tol),
      compared(
        '∂rec',
        grad,
        Array.from(ref.resid, (r) => coef * r),
        tol,
      ),
    ]);
  } finally {
    k.destroy();
    s.done();
  }
}

/** Both sides of a gate on one flag: the set side adds 2x, the clear side −0.5x. */
export async function checkGate(ctx: KernelContext, c: { n: number }): Promise<CheckResult> {
  const { device } = ctx;
  const x = randomFloat32(c.n, 31);
  const y0 = randomFloat32(c.n, 32);
  const gate = await DispatchGate.create(ctx, {
    maxSlots: 4,
    flagIndex: 2,
    label: 'SelfCheck.gate',
  });
  const onSet = await Axpy.create(ctx, c.n, 2, 'SelfCheck.gate.set');
  const onClear = await Axpy.create(ctx, c.n, -0.5, 'SelfCheck.gate.clear');
  const xBuf = createBufferFrom(device, 'SelfCheck.x', x);
  const parts: CheckResult[] = [];
  try {
    for (const flag of [1, 0]) {
      const status = createBufferFrom(
        device,
        'SelfCheck.status',
        Uint32Array.from([0, 0, flag, 0]),
      );
      const yBuf = createBufferFrom(device, 'SelfCheck.y', y0);
      try {
        submitPass(device, 'SelfCheck.gate', (pass) => {
          gate.encode(pass, status);
          gate.when(true, () => onSet.encode(pass, { x: xBuf, y: yBuf }));
          gate.when(false, () => onClear.encode(pass, { x: xBuf, y: yBuf }));
        });
        const got = await readbackF32(device, yBuf, c.n);
        const ref = axpyRef(flag ? 2 : -0.5, x, y0);
        parts.push(compared(`flag ${flag}`, got, ref, { atol: 4 * EPS32, rtol: 4 * EPS32 }));
      } finally {
        status.destroy();
        yBuf.destroy();
      }
    }
    return combine(`gate n=${c.n}, flag set and clear`, parts);
  } finally {
    [gate, onSet, onClear].forEach((k) => k.destroy());
    xBuf.destroy();
  }
}
