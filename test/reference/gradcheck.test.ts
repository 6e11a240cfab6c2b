/**
 * Exact gradients (backward.ts) against float64 central finite differences of the loss, for every
 * parameter: SoftSAE soft path with the k-loss and the aux term, TopK and BatchTopK (straight-
 * through is the exact derivative while the kept set is locally constant), and the hard phase.
 *
 * The aux term uses the residual e = x − x̂ as a constant (spec §4, "no gradient"), so the
 * finite-difference target is L2 + λ_k·k-loss + λ_aux·aux(θ; x̂ frozen at the unperturbed θ).
 */
import { describe, expect, it } from 'vitest';
import { backward, computeLoss, type LossOptions } from '../../src/reference/sae/backward.ts';
import { encode, forward, type ForwardMode } from '../../src/reference/sae/forward.ts';
import { auxLoss } from '../../src/reference/sae/loss.ts';
import { PARAM_NAMES, type ParamName, type SaeParams } from '../../src/model/params.ts';
import { expectClose, maxErrors } from '../helpers/compare.ts';
import { randomModel } from '../helpers/randomModel.ts';

const EPS = 1e-6;

/** Central differences of `fn` with respect to every element of `params.tensors[name]`. */
function finiteDiff(params: SaeParams, name: ParamName, fn: () => number): Float64Array {
  const t = params.tensors[name];
  const out = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const keep = t[i];
    t[i] = keep + EPS;
    const plus = fn();
    t[i] = keep - EPS;
    const minus = fn();
    t[i] = keep;
    out[i] = (plus - minus) / (2 * EPS);
  }
  return out;
}

/** Features 0, 2, 4, … flagged dead: with D = 6, aux keeps min(3, #dead) = 3 entries per row. */
function everyOther(F: number): Uint8Array {
  return Uint8Array.from({ length: F }, (_, j) => (j % 2 === 0 ? 1 : 0));
}

const worst: Record<string, number> = {};

/** ℒ with the aux residual computed from the frozen reconstruction `xHat0`. */
function detachedLoss(
  params: SaeParams,
  x: Float64Array,
  mode: ForwardMode,
  opts: LossOptions,
  xHat0: Float64Array,
): number {
  const fwd = forward(params, x, mode);
  const main = computeLoss(params, x, fwd, { ...opts, dead: null }).total;
  const aux = opts.dead ? auxLoss(params, x, xHat0, fwd.h, opts.dead).value : 0;
  return main + opts.auxAlpha * aux;
}

function checkMode(mode: ForwardMode, k: number, opts: LossOptions, seed: number) {
  const { params, x } = randomModel({ D: 6, F: 12, B: 5, k, kMax: 8, alpha: 0.2, seed });
  const fwd = forward(params, x, mode);
  const loss = computeLoss(params, x, fwd, opts);
  expect(loss.aux?.active ?? false).toBe(opts.dead !== null);
  const grads = backward(params, x, fwd, loss, opts);
  const lossFn = () => detachedLoss(params, x, mode, opts, fwd.xHat);
  for (const name of PARAM_NAMES) {
    const fd = finiteDiff(params, name, lossFn);
    const g = grads[name];
    if (g === undefined) {
      // "No gradient" must mean the loss really does not depend on the tensor.
      expectClose(`${mode} ${name} (no gradient)`, fd, new Float64Array(fd.length), 1e-12, 0);
      continue;
    }
    expectClose(`${mode} ${name}`, g, fd, 1e-7, 1e-5);
    const key = `${mode}:${name}`;
    worst[key] = Math.max(worst[key] ?? 0, maxErrors(g, fd).abs);
  }
  return { params, loss };
}

describe('gradients vs central finite differences', () => {
  it.each([
    [2, 1], // mean k̂ ≈ 4 above the budget: the k-loss is active
    [7, 2], // below the budget: softplus₅ nearly flat
  ])('soft path with k-loss and aux (k = %s, seed %s)', (k, seed) => {
    const opts = { kLossWeight: 1, auxAlpha: 0.5, dead: everyOther(12) };
    const { loss } = checkMode('soft', k, opts, seed);
    expect(loss.kLoss).toBeGreaterThan(0);
    expect(loss.aux!.value).toBeGreaterThan(0);
  });

  it('soft path without aux', () => {
    checkMode('soft', 3, { kLossWeight: 1, auxAlpha: 0, dead: null }, 3);
  });

  it.each(['topk', 'batchtopk'] as const)('%s (straight-through) with aux', (mode) => {
    checkMode(mode, 3, { kLossWeight: 0, auxAlpha: 0.5, dead: everyOther(12) }, 4);
  });

  it('hard phase: decoder from L2 + aux; encoder only through aux (residual held fixed)', () => {
    const { params, x } = randomModel({ D: 6, F: 12, B: 5, k: 3, kMax: 8, alpha: 0.2, seed: 5 });
    const opts = { kLossWeight: 0, auxAlpha: 0.5, dead: everyOther(12) };
    const fwd = forward(params, x, 'hard');
    const grads = backward(params, x, fwd, computeLoss(params, x, fwd, opts), opts);
    expect(Object.keys(grads).sort()).toEqual([
      'b_dec',
      'decoder.weight',
      'encoder.bias',
      'encoder.weight',
    ]);

    // decoder.weight does not influence the codes, so the (detached-aux) loss is the FD target.
    const full = () => detachedLoss(params, x, 'hard', opts, fwd.xHat);
    expectClose(
      'hard decoder.weight',
      grads['decoder.weight']!,
      finiteDiff(params, 'decoder.weight', full),
      1e-7,
      1e-5,
    );

    // The encoder sees only λ_aux·aux with e = x − x̂ detached (x̂ from the unperturbed model).
    const auxOnly = () => 0.5 * auxLoss(params, x, fwd.xHat, encode(params, x).h, opts.dead).value;
    for (const name of ['encoder.weight', 'encoder.bias'] as const) {
      expectClose(`hard ${name}`, grads[name]!, finiteDiff(params, name, auxOnly), 1e-7, 1e-5);
    }
  });

  it('hard phase without dead features: only the decoder and b_dec get gradients', () => {
    const { params, x } = randomModel({ D: 6, F: 12, B: 5, k: 3, kMax: 8, alpha: 0.2, seed: 6 });
    const opts = { kLossWeight: 0, auxAlpha: 0.5, dead: new Uint8Array(12) };
    const fwd = forward(params, x, 'hard');
    const grads = backward(params, x, fwd, computeLoss(params, x, fwd, opts), opts);
    expect(Object.keys(grads).sort()).toEqual(['b_dec', 'decoder.weight']);
    console.log('max |analytic − finite difference|:', JSON.stringify(worst, null, 1));
  });
});
