// Full SoftSAE training steps on the GPU (forward, dead counters, backward, projection, clipping,
// Adam, renormalisation, b_dec median at step 0) vs the float64 reference trainer from the same
// state: the softsae-small model and inputs.
import { expect, test } from '@playwright/test';
import type { TrainConfigInput } from '../src/reference/sae/config';
import { PARAM_NAMES, type ParamName } from '../src/reference/sae/params';
import { createTrainer, trainStep } from '../src/reference/sae/train';
import { loadSoftsaeSmall } from '../test/helpers/softsaeSmall';
import type { StepMetrics } from '../src/sae/trainer';
import type { TrainSnapshot, TrainStepsArg } from './harness/train.checks';
import { expectNoGpuErrors, openHarness, runCheck } from './gpu';

const EPS_ADAM = 1e-8;

/** Which route the decoder products must take: the active-code lists, or the dense GEMMs. */
type Route = 'sparse' | 'dense';
const VARIANTS: [
  string,
  Partial<TrainConfigInput>,
  { sparse?: boolean | number; route: Route }?,
][] = [
  ['fixed k and α, soft steps', {}],
  // The same steps with every product dense, and with lists too small for the batch's active
  // codes: the overflow flag must switch the step to the dense GEMMs on the GPU, same result.
  ['dense products (sparse paths off)', {}, { sparse: false, route: 'dense' }],
  ['lists overflow → dense fallback in the same step', {}, { sparse: 8, route: 'dense' }],
  // Step 2 runs the hard phase (s > steps − hard); k anneals from D, α from 1, over 2 steps.
  [
    'annealed k and α, then the hard phase',
    { steps: 3, k_anneal_steps: 2, alpha_anneal_steps: 2, hard_topk_steps: 2 },
  ],
  // TopK baseline on the same kernels; k anneals from D = 16 to 4 over 2 steps.
  ['TopK with k annealing', { arch: 'topk', steps: 3, k_anneal_steps: 2 }],
];

for (const [title, variant, products] of VARIANTS)
  test(`three GPU training steps match the reference trainer: ${title}`, async ({ page }) => {
    const fx = await loadSoftsaeSmall();
    const { D, F } = fx.params;
    const B = fx.N;
    const lr = 1e-3;
    const config: TrainConfigInput = {
      arch: 'softsae',
      dict_size: F,
      k: fx.params.k,
      k_max: fx.params.kMax,
      soft_topk_alpha: fx.params.alpha,
      lr,
      steps: 100,
      batch_size: B,
      warmup_steps: 0,
      k_anneal_steps: 0,
      alpha_anneal_steps: 0,
      hard_topk_steps: 0,
      dead_feature_threshold: 1e9,
      seed: 1,
      ...variant,
    };
    // Three batches: the fixture rows, reversed, and rotated by 7.
    const rows = (order: number[]) => order.flatMap((r) => [...fx.x.slice(r * D, (r + 1) * D)]);
    const idx = [...Array(B).keys()];
    const batches = [rows(idx), rows([...idx].reverse()), rows(idx.map((i) => (i + 7) % B))];
    const tensors = Object.fromEntries(
      PARAM_NAMES.map((n) => [n, [...fx.params.tensors[n]]]),
    ) as Record<ParamName, number[]>;
    const arg: TrainStepsArg = {
      config,
      D,
      tensors,
      normFactor: fx.params.normFactor,
      shift: [...fx.params.shiftFactor],
      batches,
      snapshots: [1, 3],
      sparse: products?.sparse,
    };
    await openHarness(page);
    const out = await runCheck<{ snapshots: TrainSnapshot[]; metrics: StepMetrics[] }>(
      page,
      'trainSteps',
      arg,
    );
    await expectNoGpuErrors(page);

    const ref = createTrainer(config, D, {
      normalization: { normFactor: fx.params.normFactor, shiftFactor: fx.params.shiftFactor },
      params: structuredClone(fx.params),
    });
    const failures: string[] = [];
    const report: string[] = [];
    for (let s = 0; s < batches.length; s++) {
      const rep = trainStep(ref, Float64Array.from(batches[s]));
      const gm = out.metrics.find((m) => m.step === s);
      expect(gm, `metrics of step ${s} reported`).toBeDefined();
      // Loss terms before the update (forward values): fixture tolerance.
      const lossTol = 1e-5 + 1e-4 * Math.abs(rep.loss.total);
      expect(Math.abs(gm!.loss - rep.loss.total), `step ${s} loss`).toBeLessThanOrEqual(lossTol);
      expect(Math.abs(gm!.gradNorm - rep.gradNorm), `step ${s} grad norm`).toBeLessThanOrEqual(
        1e-4 + 1e-3 * rep.gradNorm,
      );
      expect(gm!.mode, `step ${s} mode`).toBe(rep.mode);
      // The fixture's codes are sparse enough for the default lists (capacity ≥ B·F/4).
      const route = products?.route ?? 'sparse';
      expect(gm!.sparse ? 'sparse' : 'dense', `step ${s} product route`).toBe(route);
      report.push(
        `step ${s} (${rep.mode}, ${route} products, ${gm!.activeCodes} active codes): loss gpu ${gm!.loss.toFixed(6)} ref ${rep.loss.total.toFixed(6)}, ‖g‖ gpu ${gm!.gradNorm.toFixed(5)} ref ${rep.gradNorm.toFixed(5)}`,
      );
      const snap = out.snapshots.find((x) => x.after === s + 1);
      if (!snap) continue;
      for (const name of PARAM_NAMES) {
        // A tensor without a gradient this step (hard phase) was not updated by it.
        const g = rep.grads[name] ?? new Float64Array(ref.params.tensors[name].length);
        // Gradients agree to 1e-4 + 1e-3·|g| (the fixture's gradient tolerance); Adam's moments are
        // linear (m) and quadratic (v) in g, and an Adam update lr·m̂/(√v̂ + ε) moves by at most
        // lr·min(2, 2δ/(|g| + ε)) when g moves by δ. θ also carries float32 rounding (a few ulps).
        // (g here is after clipping by c = min(1, 1/‖g‖), which scales the absolute part too.)
        const c = Math.min(1, 1 / rep.gradNorm);
        const delta = (i: number) => 1e-4 * c + 1e-3 * Math.abs(g[i]);
        const steps = s + 1;
        const check = (
          what: string,
          gpu: number[],
          want: Float64Array,
          tol: (i: number) => number,
        ) => {
          let worst = 0;
          let bad = -1;
          for (let i = 0; i < want.length; i++) {
            const r = Math.abs(gpu[i] - want[i]) / tol(i);
            if (!(r <= worst)) worst = r;
            if (!(r <= 1) && bad < 0) bad = i;
          }
          report.push(
            `  after ${steps} ${what.padEnd(5)} ${name.padEnd(22)} worst err/tol ${worst.toFixed(3)}`,
          );
          if (bad >= 0)
            failures.push(
              `after ${steps}: ${what} ${name}[${bad}] gpu ${gpu[bad]} ref ${want[bad]}`,
            );
        };
        const ulp = (x: number) => 2 ** (Math.floor(Math.log2(Math.abs(x) || 1e-30)) - 23);
        check(
          'θ',
          snap.params[name],
          ref.params.tensors[name],
          (i) =>
            steps * lr * Math.min(2, (2 * delta(i)) / (Math.abs(g[i]) + EPS_ADAM)) +
            8 * ulp(ref.params.tensors[name][i]) +
            1e-7,
        );
        // Moments kept from earlier steps carry those steps' relative gradient error (1e-3, doubled
        // for the square in v).
        const mRef = ref.adam.m[name];
        const vRef = ref.adam.v[name];
        check(
          'm',
          snap.m[name],
          mRef,
          (i) => steps * 0.1 * delta(i) + 1e-3 * Math.abs(mRef[i]) + 1e-9,
        );
        check(
          'v',
          snap.v[name],
          ref.adam.v[name],
          (i) =>
            steps * 1e-3 * delta(i) * (2 * Math.abs(g[i]) + delta(i)) +
            2e-3 * Math.abs(vRef[i]) +
            1e-12,
        );
      }
    }
    console.log(report.join('\n'));
    expect(failures, failures.slice(0, 10).join('\n')).toEqual([]);
  });
