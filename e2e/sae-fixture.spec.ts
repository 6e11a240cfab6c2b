// The GPU engine reproduces test/fixtures/softsae-small (an independent float64 PyTorch
// implementation): forward outputs within 1e-5 + 1e-4·|ref|, every gradient of the soft loss
// (L2 + k-loss, no aux, no clipping, no projection) within 1e-4 + 1e-3·|ref|.
import { expect, test } from '@playwright/test';
import { compareArrays, formatMismatches, type Tolerance } from '../src/reference/compare';
import { PARAM_NAMES } from '../src/model/params';
import { arenaLayout, packArena, unpackArena } from '../src/sae/arena';
import { loadSoftsaeSmall } from '../test/helpers/softsaeSmall';
import type { ModelPassArg, ModelPassResult } from './harness/model.checks';
import { expectNoGpuErrors, openHarness, runCheck } from './gpu';

const FORWARD: Tolerance = { atol: 1e-5, rtol: 1e-4 };
const GRADIENT: Tolerance = { atol: 1e-4, rtol: 1e-3 };

test('GPU forward and soft-step gradients reproduce the softsae-small fixture', async ({
  page,
}) => {
  const fx = await loadSoftsaeSmall();
  const { D, F, tensors } = fx.params;
  const B = fx.N;
  const layout = arenaLayout(D, F);
  const arg: ModelPassArg = {
    D,
    F,
    B,
    arena: [...packArena(layout, tensors)],
    shift: [...fx.params.shiftFactor],
    normFactor: fx.params.normFactor,
    kMax: fx.params.kMax,
    alpha: fx.params.alpha,
    k: fx.params.k,
    kLossWeight: 1,
    x: [...fx.x],
  };
  await openHarness(page);
  const out = await runCheck<ModelPassResult>(page, 'modelPass', arg);
  await expectNoGpuErrors(page);

  const e = (name: string) => fx.expected[name].data;
  const report: string[] = [];
  const failures: string[] = [];
  const check = (name: string, gpu: ArrayLike<number>, ref: ArrayLike<number>, tol: Tolerance) => {
    const c = compareArrays(gpu, ref, tol);
    report.push(
      `${name.padEnd(28)} max |err| ${c.maxAbsError.toExponential(2)}  err/tol ${c.worstRatio.toFixed(3)}`,
    );
    if (c.failures) failures.push(`${name}: ${c.failures} mismatches\n${formatMismatches(c)}`);
  };
  check('x_norm', out.xn, e('x_norm'), FORWARD);
  check('pre_acts (h)', out.h, e('pre_acts'), FORWARD);
  check('k_hat', out.kHat, e('k_hat'), FORWARD);
  check('codes_soft', out.fSoft, e('codes_soft'), FORWARD);
  check('x_hat_soft', out.xHatSoft, e('x_hat_soft'), FORWARD);
  check('l2_soft', [out.scalarsSoft[0]], e('l2_soft'), FORWARD);
  check('k_loss', [out.scalarsSoft[4]], e('k_loss'), FORWARD);
  check('loss_soft', [out.scalarsSoft[5]], e('loss_soft'), FORWARD);
  check('codes_hard', out.fHard, e('codes_hard'), FORWARD);
  check('x_hat_hard', out.xHatHard, e('x_hat_hard'), FORWARD);
  check('sq_err_hard', out.sqErrHard, e('sq_err_hard'), FORWARD);
  // ⌊k̂⌋ is exact in this fixture, so the hard L0 must match the count of nonzero codes exactly.
  const l0 = Array.from(
    { length: B },
    (_, b) =>
      e('codes_hard')
        .slice(b * F, (b + 1) * F)
        .filter((v) => v !== 0).length,
  );
  expect(out.l0Hard).toEqual(l0);

  const grads = unpackArena(layout, Float32Array.from(out.grads));
  for (const name of PARAM_NAMES) check(`grad.${name}`, grads[name], e(`grad.${name}`), GRADIENT);
  console.log(report.join('\n'));
  expect(failures, failures.join('\n')).toEqual([]);
  expect(failures, failures.join('\n')).toEqual([]);
});
