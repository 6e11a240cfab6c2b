// The JumpReLU / ReLU inference kernel vs its float64 reference on awkward shapes: exact, since
// the kernel only compares and copies (f is h or 0; L0 is a count).
import { expect, test, type Page } from '@playwright/test';
import { jumpRelu } from '../src/reference/sae/jumprelu';
import { jumpReluInputs } from '../src/selfcheck/saeReference';
import { runCheck, sharedHarness } from './gpu';

// One test per (kernel, case) on one shared harness page (as kernels.spec.ts). Not serial: a
// failing case must not skip the cases after it (the worker restarts instead).
let page: Page;
sharedHarness((p) => (page = p));

// JumpReLU and ReLU kernels equal the float64 reference (1 row, F not a multiple of the
// workgroup, ties at θ, all-zero rows, negative θ).
const CASES: [number, number, string][] = [
  [1, 1, 'jump'],
  [1, 37, 'jump'],
  [5, 300, 'jump'],
  [17, 1000, 'relu'],
  [9, 129, 'negative θ'],
];
for (const [B, F, kind] of CASES)
  test(`jumprelu: ${kind} ${B}×${F}`, async () => {
    const { arg, pre } = jumpReluInputs(B, F, kind);
    const { theta } = arg;
    const ref = jumpRelu(pre, theta, B, F);
    const got = await runCheck<{ f: number[]; l0: number[] }>(page, 'jumpRelu', arg);
    const bad = got.f.flatMap((v, i) => (Object.is(v, ref.f[i] === 0 ? 0 : ref.f[i]) ? [] : [i]));
    expect(
      bad.slice(0, 8).map((i) => `[${i}] gpu ${got.f[i]} ref ${ref.f[i]}`),
      `${B}×${F} ${kind}`,
    ).toEqual([]);
    expect(got.l0, `${B}×${F} ${kind} L0`).toEqual(Array.from(ref.l0));
    console.log(
      `${kind} ${B}×${F}: f exact, L0 = [${got.l0.slice(0, 6).join(', ')}${B > 6 ? ', …' : ''}]`,
    );
  });
