// The JumpReLU / ReLU inference kernel vs its float64 reference on awkward shapes: exact, since
// the kernel only compares and copies (f is h or 0; L0 is a count).
import { expect, test } from '@playwright/test';
import { jumpRelu } from '../src/reference/sae/jumprelu';
import { createRng } from '../src/model/rng';
import type { JumpReluArg } from './harness/jumprelu.checks';
import { expectNoGpuErrors, openHarness, runCheck } from './gpu';

test.afterEach(async ({ page }) => expectNoGpuErrors(page));

test('JumpReLU and ReLU kernels equal the float64 reference (1 row, F not a multiple of the workgroup, ties at θ, all-zero rows, negative θ)', async ({
  page,
}) => {
  await openHarness(page);
  const cases: [number, number, string][] = [
    [1, 1, 'jump'],
    [1, 37, 'jump'],
    [5, 300, 'jump'],
    [17, 1000, 'relu'],
    [9, 129, 'negative θ'],
  ];
  for (const [B, F, kind] of cases) {
    const rng = createRng(B * 1000 + F);
    const pre = Array.from({ length: B * F }, () => Math.fround(rng.normal()));
    if (B > 2) pre.fill(-1, F, 2 * F); // row 1: every pre-activation negative → all zero
    let theta = Array.from({ length: F }, () =>
      kind === 'relu'
        ? 0
        : Math.fround(kind === 'negative θ' ? -0.5 * rng.uniform() : rng.uniform()),
    );
    if (kind === 'jump' && B * F > 2) pre[0] = theta[0]; // a tie: pre = θ is not kept
    if (kind === 'relu') theta = theta.map(() => 0);
    const h = pre.map((v) => Math.max(v, 0));
    const ref = jumpRelu(pre, theta, B, F);
    const got = await runCheck<{ f: number[]; l0: number[] }>(page, 'jumpRelu', {
      B,
      F,
      h,
      theta,
    } satisfies JumpReluArg);
    const bad = got.f.flatMap((v, i) => (Object.is(v, ref.f[i] === 0 ? 0 : ref.f[i]) ? [] : [i]));
    expect(
      bad.slice(0, 8).map((i) => `[${i}] gpu ${got.f[i]} ref ${ref.f[i]}`),
      `${B}×${F} ${kind}`,
    ).toEqual([]);
    expect(got.l0, `${B}×${F} ${kind} L0`).toEqual(Array.from(ref.l0));
    console.log(
      `${kind} ${B}×${F}: f exact, L0 = [${got.l0.slice(0, 6).join(', ')}${B > 6 ? ', …' : ''}]`,
    );
  }
});
