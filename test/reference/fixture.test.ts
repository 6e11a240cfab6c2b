/**
 * Reproduces `test/fixtures/softsae-small` (an independent float64 PyTorch implementation,
 * stored as float32): forward outputs of both paths, the soft loss and every gradient of it.
 */
import { describe, expect, it } from 'vitest';
import { backward, computeLoss } from '../../src/reference/sae/backward.ts';
import { forward } from '../../src/reference/sae/forward.ts';
import { reconstructionLoss } from '../../src/reference/sae/loss.ts';
import { PARAM_NAMES, normalizeRows } from '../../src/model/params.ts';
import { expectClose, maxErrors } from '../helpers/compare.ts';
import { loadSoftsaeSmall } from '../helpers/softsaeSmall.ts';

const fx = await loadSoftsaeSmall();
const { params, expected } = fx;
const x = normalizeRows(fx.x, params);
const soft = forward(params, x, 'soft');
const hard = forward(params, x, 'hard');
const opts = { kLossWeight: 1, auxAlpha: 0, dead: null };
const loss = computeLoss(params, x, soft, opts);
const grads = backward(params, x, soft, loss, opts);

/** README tolerances for a float32 engine. */
const FWD = { atol: 1e-5, rtol: 1e-4 };
const GRAD = { atol: 1e-4, rtol: 1e-3 };
/**
 * Our own, much tighter bounds. The fixture's inputs and outputs are float32 roundings of the
 * float64 originals (relative error ≤ 2⁻²⁴ ≈ 6e-8 each); the soft top-k amplifies input
 * perturbations by up to 1/(2α) = 10, so agreement is limited to ~1e-6 (forward) and a few 1e-6
 * (gradients, measured max 3e-6). A sign, index or factor-of-two bug is far above these.
 */
const TIGHT_FWD = { atol: 1e-6, rtol: 1e-6 };
const TIGHT_GRAD = { atol: 1e-5, rtol: 1e-5 };

const errors: Record<string, number> = {};

type Tol = { atol: number; rtol: number };

function check(name: string, actual: ArrayLike<number>, tol: Tol, tight: Tol) {
  const want = expected[name].data;
  expectClose(name, actual, want, tol.atol, tol.rtol);
  expectClose(`${name} (tight)`, actual, want, tight.atol, tight.rtol);
  errors[name] = maxErrors(actual, want).abs;
}

describe('softsae-small fixture', () => {
  it('matches the forward outputs', () => {
    check('x_norm', x, FWD, TIGHT_FWD);
    check('pre_acts', soft.h, FWD, TIGHT_FWD);
    check('k_hat', soft.kHat!, FWD, TIGHT_FWD);
    check('codes_hard', hard.f, FWD, TIGHT_FWD);
    check('x_hat_hard', hard.xHat, FWD, TIGHT_FWD);
    check('sq_err_hard', reconstructionLoss(x, hard.xHat, params.D).sqErr, FWD, TIGHT_FWD);
    check('codes_soft', soft.f, FWD, TIGHT_FWD);
    check('x_hat_soft', soft.xHat, FWD, TIGHT_FWD);
    check('l2_soft', [loss.l2], FWD, TIGHT_FWD);
    check('k_loss', [loss.kLoss], FWD, TIGHT_FWD);
    check('loss_soft', [loss.total], FWD, TIGHT_FWD);
  });

  it('selects exactly ⌊k̂⌋ features on the hard path (the fixture keeps k̂ away from integers)', () => {
    for (let b = 0; b < fx.N; b++) {
      let kept = 0;
      for (let j = 0; j < params.F; j++) kept += hard.mask![b * params.F + j];
      expect(kept).toBe(Math.floor(soft.kHat![b]));
      let nonzeroWant = 0;
      let nonzeroGot = 0;
      for (let j = 0; j < params.F; j++) {
        nonzeroWant += expected.codes_hard.data[b * params.F + j] !== 0 ? 1 : 0;
        nonzeroGot += hard.f[b * params.F + j] !== 0 ? 1 : 0;
      }
      expect(nonzeroGot).toBe(nonzeroWant);
    }
  });

  it('matches every gradient of loss_soft', () => {
    for (const name of PARAM_NAMES) {
      const g = grads[name];
      expect(g, `gradient of ${name}`).toBeDefined();
      check(`grad.${name}`, g!, GRAD, TIGHT_GRAD);
    }
    console.log('softsae-small max |ref − fixture|:', JSON.stringify(errors, null, 1));
  });
});
