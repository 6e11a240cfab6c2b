// Full training steps on the GPU (forward, dead counters, aux-k, backward, projection, clipping,
// Adam, renormalisation, b_dec median at step 0, BatchTopK θ) vs the float64 reference trainer
// from the same state: the softsae-small model and inputs, for SoftSAE, TopK and BatchTopK, with
// and without dead features. Parameters, Adam moments and step counts, dead-feature counters and
// θ are compared after the first and the third step.
import { expect, test } from '@playwright/test';
import type { TrainConfigInput } from '../src/model/config';
import { PARAM_NAMES, type ParamName, type SaeParams } from '../src/model/params';
import {
  createTrainer,
  trainStep,
  type StepReport,
  type TrainerState,
} from '../src/reference/sae/train';
import { loadSoftsaeSmall, type SoftsaeSmall } from '../test/helpers/softsaeSmall';
import type { StepMetrics } from '../src/sae/trainer';
import type { TrainSnapshot, TrainStepsArg } from './harness/train.checks';
import { expectNoGpuErrors, openHarness, runCheck } from './gpu';

const EPS_ADAM = 1e-8;

/** Which route the decoder products must take: the active-code lists, or the dense GEMMs. */
type Route = 'sparse' | 'dense';

interface Variant {
  config: Partial<TrainConfigInput>;
  /** GpuTrainer's `sparse` option and the route the decoder products must take (default sparse). */
  products?: { sparse?: boolean | number; route: Route };
  /** Start from this step with these counters and θ (default: step 0, zeros, −1). */
  start?: (
    fx: SoftsaeSmall,
    batches: number[][],
  ) => {
    step: number;
    sinceFired: number[];
    threshold?: number;
  };
  /** The same change to the fixture parameters on both sides. */
  params?: (p: SaeParams) => void;
  /** What the reference run must show, so that the variant tests what its title says. */
  expectRef?: (reps: StepReport[]) => void;
}

/** Every feature at 3 batches without firing: those that do not fire in a step become dead. */
const nearlyDead = (fx: SoftsaeSmall) => new Array<number>(fx.params.F).fill(3 * fx.N);
/** The aux term was active at every step, and some selected dead pre-activation was positive. */
const auxActive = (reps: StepReport[], nonzeroCodes = true) => {
  for (const r of reps) {
    expect(r.deadCount, `step ${r.step}: dead features`).toBeGreaterThan(0);
    expect(r.loss.aux?.active, `step ${r.step}: aux active`).toBe(true);
    const z = r.fwd.h.filter((v, i) => v > 0 && r.loss.aux!.mask[i]).length;
    if (nonzeroCodes) expect(z, `step ${r.step}: positive aux codes`).toBeGreaterThan(0);
  }
};
const DEAD = { dead_feature_threshold: 4 * 32 }; // 4 batches of the fixture's 32 rows
// λ_aux = 1 (not 1/32) where the aux gradient should stand out against the tolerances.
const LOUD_AUX = { ...DEAD, auxk_alpha: 1 };

const VARIANTS: [string, Variant][] = [
  ['fixed k and α, soft steps', { config: {} }],
  // The same steps with every product dense, and with lists too small for the batch's active
  // codes: the overflow flag must switch the step to the dense GEMMs on the GPU, same result.
  [
    'dense products (sparse paths off)',
    { config: {}, products: { sparse: false, route: 'dense' } },
  ],
  [
    'lists overflow → dense fallback in the same step',
    { config: {}, products: { sparse: 8, route: 'dense' } },
  ],
  // Step 2 runs the hard phase (s > steps − hard); k anneals from D, α from 1, over 2 steps.
  [
    'annealed k and α, then the hard phase',
    { config: { steps: 3, k_anneal_steps: 2, alpha_anneal_steps: 2, hard_topk_steps: 2 } },
  ],
  // TopK baseline on the same kernels; k anneals from D = 16 to 4 over 2 steps.
  ['TopK with k annealing', { config: { arch: 'topk', steps: 3, k_anneal_steps: 2 } }],
  [
    'TopK with dead features (aux-k active)',
    {
      config: { arch: 'topk', ...LOUD_AUX },
      start: (fx) => ({ step: 5, sinceFired: nearlyDead(fx) }),
      expectRef: (reps) => auxActive(reps),
    },
  ],
  // Steps 1000, 1001, 1002: θ untouched, then set (θ = −1 before), then blended.
  [
    'BatchTopK from step 1000: θ kept, set, blended; dead features (aux-k active)',
    {
      config: { arch: 'batchtopk', steps: 2000, ...DEAD },
      start: (fx) => ({ step: 1000, sinceFired: nearlyDead(fx), threshold: -1 }),
      expectRef: (reps) => auxActive(reps),
    },
  ],
  // Soft path: every positive h fires, so only features with h = 0 on every row can be dead —
  // six made so by a very negative bias. aux is active (its value joins the loss) but its codes
  // are all zero, so it sends no gradient.
  [
    'soft steps with dead features (aux-k active, zero codes)',
    {
      config: { ...DEAD },
      // ~1040 soft codes are nonzero here, just over the default lists (1024): room for all.
      products: { sparse: 32 * 64, route: 'sparse' },
      params: (p) => p.tensors['encoder.bias'].fill(-50, 0, 6),
      start: (fx) => ({ step: 5, sinceFired: nearlyDead(fx) }),
      expectRef: (reps) => auxActive(reps, false),
    },
  ],
  // Steps 5–7 of 8, all in the hard phase (s > steps − hard = 3): the encoder learns only
  // through aux there.
  [
    'hard phase with dead features: the encoder learns through aux-k',
    {
      config: { steps: 8, hard_topk_steps: 5, ...LOUD_AUX },
      start: (fx) => ({ step: 5, sinceFired: nearlyDead(fx) }),
      expectRef: (reps) => {
        auxActive(reps);
        for (const r of reps) expect(r.mode).toBe('hard');
        for (const r of reps) expect(r.grads['encoder.weight']).toBeDefined();
      },
    },
  ],
  // The host must run the aux kernels (one counter starts one batch short of the threshold) but
  // no feature is dead. Step 0 is soft (the encoder's Adam moments become nonzero), steps 1–2
  // hard: there the encoder gets no gradient — decided on the GPU — so Adam must skip it.
  [
    'hard phase, aux-k kernels run but nothing is dead: no encoder gradient',
    {
      config: { steps: 3, hard_topk_steps: 3, dead_feature_threshold: 40 * 32 },
      start: (fx, batches) => {
        const sinceFired = new Array<number>(fx.params.F).fill(0);
        sinceFired[alwaysFiring(fx, batches)] = 39 * fx.N;
        return { step: 0, sinceFired };
      },
      expectRef: (reps) => {
        expect(reps.map((r) => r.mode)).toEqual(['soft', 'hard', 'hard']);
        for (const r of reps) expect(r.deadCount, `step ${r.step}: dead`).toBe(0);
        for (const r of reps.slice(1)) expect(r.grads['encoder.weight']).toBeUndefined();
      },
    },
  ],
];

/** A feature that fires at every step of a dry reference run of the last variant. */
function alwaysFiring(fx: SoftsaeSmall, batches: number[][]): number {
  const state = referenceState(fx, { ...baseConfig(fx), steps: 3, hard_topk_steps: 3 });
  const fired = new Array<number>(fx.params.F).fill(0);
  for (const batch of batches) {
    const rep = trainStep(state, Float64Array.from(batch));
    for (let j = 0; j < fx.params.F; j++)
      if (rep.fwd.f.some((v, i) => i % fx.params.F === j && v !== 0)) fired[j]++;
  }
  const j = fired.indexOf(batches.length);
  expect(j, 'some feature fires at every step').toBeGreaterThanOrEqual(0);
  return j;
}

function baseConfig(fx: SoftsaeSmall): TrainConfigInput {
  return {
    arch: 'softsae',
    dict_size: fx.params.F,
    k: fx.params.k,
    k_max: fx.params.kMax,
    soft_topk_alpha: fx.params.alpha,
    lr: 1e-3,
    steps: 100,
    batch_size: fx.N,
    warmup_steps: 0,
    k_anneal_steps: 0,
    alpha_anneal_steps: 0,
    hard_topk_steps: 0,
    dead_feature_threshold: 1e9,
    seed: 1,
  };
}

function referenceState(fx: SoftsaeSmall, config: TrainConfigInput, params?: SaeParams) {
  return createTrainer(config, fx.params.D, {
    normalization: { normFactor: fx.params.normFactor, shiftFactor: fx.params.shiftFactor },
    params: structuredClone(params ?? fx.params),
  });
}

for (const [title, variant] of VARIANTS)
  test(`three GPU training steps match the reference trainer: ${title}`, async ({ page }) => {
    const fx = await loadSoftsaeSmall();
    const { D } = fx.params;
    const B = fx.N;
    const lr = 1e-3;
    const config: TrainConfigInput = { ...baseConfig(fx), ...variant.config };
    // Three batches: the fixture rows, reversed, and rotated by 7.
    const rows = (order: number[]) => order.flatMap((r) => [...fx.x.slice(r * D, (r + 1) * D)]);
    const idx = [...Array(B).keys()];
    const batches = [rows(idx), rows([...idx].reverse()), rows(idx.map((i) => (i + 7) % B))];
    const params = structuredClone(fx.params);
    variant.params?.(params);
    const tensors = Object.fromEntries(
      PARAM_NAMES.map((n) => [n, [...params.tensors[n]]]),
    ) as Record<ParamName, number[]>;
    const start = variant.start?.(fx, batches);
    const arg: TrainStepsArg = {
      config,
      D,
      tensors,
      normFactor: fx.params.normFactor,
      shift: [...fx.params.shiftFactor],
      batches,
      snapshots: [1, 3],
      restore: start,
      sparse: variant.products?.sparse,
    };
    await openHarness(page);
    const out = await runCheck<{ snapshots: TrainSnapshot[]; metrics: StepMetrics[] }>(
      page,
      'trainSteps',
      arg,
    );
    await expectNoGpuErrors(page);

    const ref: TrainerState = referenceState(fx, config, params);
    if (start) {
      ref.step = start.step;
      ref.numTokensSinceFired.set(start.sinceFired);
      ref.params.threshold = start.threshold ?? -1;
    }
    const s0 = ref.step;
    const failures: string[] = [];
    const report: string[] = [];
    const reps: StepReport[] = [];
    for (let s = 0; s < batches.length; s++) {
      const rep = trainStep(ref, Float64Array.from(batches[s]));
      reps.push(rep);
      const gm = out.metrics.find((m) => m.step === s0 + s);
      expect(gm, `metrics of step ${s0 + s} reported`).toBeDefined();
      // Loss terms before the update (forward values): fixture tolerance.
      const lossTol = 1e-5 + 1e-4 * Math.abs(rep.loss.total);
      expect(Math.abs(gm!.loss - rep.loss.total), `step ${s} loss`).toBeLessThanOrEqual(lossTol);
      expect(Math.abs(gm!.gradNorm - rep.gradNorm), `step ${s} grad norm`).toBeLessThanOrEqual(
        1e-4 + 1e-3 * rep.gradNorm,
      );
      expect(gm!.mode, `step ${s} mode`).toBe(rep.mode);
      const route = variant.products?.route ?? 'sparse';
      // Dead features are a discrete decision: exactly the reference's.
      expect(gm!.deadCount, `step ${s} dead features`).toBe(rep.deadCount);
      const aux = rep.loss.aux?.value ?? 0;
      expect(Math.abs(gm!.aux - aux), `step ${s} aux`).toBeLessThanOrEqual(1e-5 + 1e-4 * aux);
      // BatchTopK θ after the step: the smallest kept value is an h, float32 on the GPU.
      const theta = ref.params.threshold;
      if (config.arch === 'batchtopk')
        expect(Math.abs(gm!.threshold - theta), `step ${s} θ`).toBeLessThanOrEqual(
          1e-5 * Math.abs(theta),
        );
      report.push(
        `step ${s0 + s} (${rep.mode}, ${gm!.sparse ? 'sparse' : 'dense'} products, ${gm!.activeCodes} active codes): loss gpu ${gm!.loss.toFixed(6)} ref ${rep.loss.total.toFixed(6)}, ‖g‖ gpu ${gm!.gradNorm.toFixed(5)} ref ${rep.gradNorm.toFixed(5)}, dead ${gm!.deadCount}, aux gpu ${gm!.aux.toFixed(6)} ref ${aux.toFixed(6)}` +
          (config.arch === 'batchtopk' ? `, θ gpu ${gm!.threshold} ref ${theta}` : ''),
      );
      // The fixture's codes are sparse enough for the default lists (capacity ≥ B·F/4).
      if ((gm!.sparse ? 'sparse' : 'dense') !== route)
        failures.push(
          `step ${s0 + s}: products ran ${gm!.sparse ? 'sparse' : 'dense'}, not ${route}`,
        );
      const snap = out.snapshots.find((x) => x.after === s + 1);
      if (!snap) continue;
      // Which tensors had a gradient (Adam step counts) and the counters: exact.
      expect(snap.adamSteps, `after ${s + 1}: Adam step counts`).toEqual(ref.adam.step);
      expect(snap.sinceFired, `after ${s + 1}: dead-feature counters`).toEqual([
        ...ref.numTokensSinceFired,
      ]);
      if (config.arch === 'batchtopk')
        expect(Math.abs(snap.threshold - theta)).toBeLessThanOrEqual(1e-5 * Math.abs(theta));
      for (const name of PARAM_NAMES) {
        // A tensor without a gradient this step (hard phase) was not updated by it (the exact
        // Adam step counts above check that it was skipped).
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
    variant.expectRef?.(reps);
    expect(failures, failures.slice(0, 10).join('\n')).toEqual([]);
  });
