// The page behind `softsae train` / `softsae eval`: the same engine as the app, driven from Node
// (bin/softsae.mjs) through Playwright. Input files are read by byte ranges from /__cli/in/<name>
// and outputs posted to /__cli/out/<name> (scripts/cli-server.mjs); nothing else is reached.
// Training progress goes to the console through `progress.ts`, rendered by the Node side.
import { acquireGpu, adapterName } from '../src/gpu/device';
import { createKernelContext } from '../src/gpu/kernels/context';
import { alignTokens, type AlignedTokens } from '../src/io/align';
import { openActivations } from '../src/io/open';
import { httpSource } from '../src/io/http';
import { loadTokens } from '../src/io/tokens';
import { resolveConfig, type TrainConfigInput } from '../src/reference/sae/config';
import { initParams } from '../src/reference/sae/params';
import { BatchSampler, normFactorOf } from '../src/sae/batches';
import { writeCodes } from '../src/io/sae/codes';
import { loadSae } from '../src/io/sae/load';
import { evaluateModel, joinCodes, type EvalCodes, type EvalReport } from '../src/sae/evaluate';
import { writeModel, type SaeModel } from '../src/sae/modelFile';
import { GpuTrainer, type StepMetrics } from '../src/sae/trainer';
import { progressReporter } from './progress';

declare global {
  interface Window {
    softsaeCli?: {
      eval(a: {
        model: string[];
        acts: string;
        batch: number;
        codes: boolean;
        /** A token file (and a vocabulary for token ids) labelling the codes' rows. */
        tokens?: string;
        vocab?: string;
      }): Promise<Pick<EvalReport, 'rows' | 'fvu' | 'mean_l0'>>;
      train(a: { acts: string; config: TrainConfigInput }): Promise<unknown>;
    };
  }
}

const log = (s: string) => console.log(s);

/** An input file, read in slices by HTTP byte ranges: never fetched whole. */
function input(name: string) {
  return httpSource(`/__cli/in/${encodeURIComponent(name)}`, name);
}

async function output(name: string, body: BodyInit) {
  const res = await fetch(`/__cli/out/${encodeURIComponent(name)}`, { method: 'POST', body });
  if (!res.ok) throw new Error(`cannot write ${name}`);
}

async function engine() {
  const gpu = await acquireGpu({ label: 'Cli.device' });
  log(`adapter: ${adapterName(gpu.summary)}`);
  gpu.events.on((e) => log(`GPU ${e.type}: ${e.message}`));
  return { gpu, ctx: createKernelContext(gpu.device) };
}

/** Every row of an activation file in memory (the CLI trains on files that fit; the eval streams). */
async function loadRows(name: string) {
  const ds = await openActivations(await input(name));
  if (ds.rows * ds.width > 2 ** 28) throw new Error(`${name}: too large to train from memory`);
  return { ds, x: await ds.readRows(0, ds.rows) };
}

window.softsaeCli = {
  async eval(a) {
    const { ctx } = await engine();
    // Any supported format: the folder's config and weights files (src/io/sae/load.ts).
    const model = await loadSae(await Promise.all(a.model.map(input)));
    log(`model: ${model.source ?? model.arch}, D = ${model.D}, F = ${model.F}, k = ${model.k}`);
    const ds = await openActivations(await input(a.acts));
    // Tokens are read and aligned before the evaluation, so a mismatch fails fast.
    let aligned: AlignedTokens | null = null;
    if (a.tokens) {
      const vocab = a.vocab ? await input(a.vocab) : undefined;
      aligned = alignTokens(await loadTokens(await input(a.tokens), { vocab }), ds);
      log(`tokens: ${aligned.tokens.length} aligned with the rows of ${a.acts}`);
    }
    const parts: EvalCodes[] | undefined = a.codes ? [] : undefined;
    let lastLog = -Infinity;
    const report = await evaluateModel(
      ctx,
      model,
      ds,
      a.batch,
      (n) => {
        // A line every few seconds and at the end: a big file has many thousands of batches.
        if (n < ds.rows && performance.now() - lastLog < 3000) return;
        lastLog = performance.now();
        log(`eval: ${n}/${ds.rows} rows`);
      },
      parts,
    );
    if (parts) {
      const c = joinCodes(parts);
      // Rows' (sequence, position): from the tokens when given, else from 3-D activations.
      const P = ds.positions;
      const layout = aligned
        ? { seq: aligned.sequence, pos: aligned.position }
        : P
          ? {
              seq: Array.from({ length: ds.rows }, (_, r) => Math.floor(r / P)),
              pos: Array.from({ length: ds.rows }, (_, r) => r % P),
            }
          : {};
      await output(
        'codes.safetensors',
        writeCodes({
          rows: ds.rows,
          F: model.F,
          ...c,
          ...layout,
          tokens: aligned?.tokens,
          about:
            `${model.source ?? model.arch} on ${a.acts}` + (a.tokens ? `, tokens ${a.tokens}` : ''),
        }),
      );
    }
    await output('report.json', JSON.stringify(report));
    return { rows: report.rows, fvu: report.fvu, mean_l0: report.mean_l0 };
  },

  async train(a) {
    const { ds, x } = await loadRows(a.acts);
    const D = ds.width;
    const config = resolveConfig(a.config, D);
    if (config.batch_size > ds.rows)
      throw new Error(`batch_size ${config.batch_size} exceeds the ${ds.rows} rows of ${a.acts}`);
    const { ctx } = await engine();
    const normFactor = normFactorOf(x, Math.min(ds.rows, 8 * config.batch_size), D);
    const init = initParams({
      D,
      F: config.dict_size,
      k: config.k,
      kMax: config.k_max,
      alpha: config.soft_topk_alpha,
      seed: config.seed,
    });
    const history: StepMetrics[] = [];
    const progress = progressReporter();
    const shift = new Float32Array(D);
    const trainer = await GpuTrainer.create(
      ctx,
      config,
      D,
      init.tensors,
      { normFactor, shift },
      (m) => {
        history.push(m);
        progress({
          step: m.step + 1,
          steps: config.steps,
          batch: config.batch_size,
          loss: m.loss,
          mean_k_hat: m.kMean,
        });
      },
    );
    const sampler = new BatchSampler(x, ds.rows, D, config.batch_size, config.seed + 1);
    while (trainer.step < config.steps) {
      trainer.trainStep(sampler.next());
      if (trainer.step % 2 === 0) await ctx.device.queue.onSubmittedWorkDone();
    }
    await trainer.flush();
    const model: SaeModel = {
      arch: config.arch,
      D,
      F: config.dict_size,
      tensors: await trainer.readParams(),
      k: config.k,
      kMax: config.k_max,
      alpha: config.soft_topk_alpha,
      normFactor,
      shift,
      threshold: config.arch === 'batchtopk' ? await trainer.readThreshold() : undefined,
    };
    const last = history[history.length - 1];
    trainer.destroy();
    await output('model.safetensors', writeModel(model));
    const evalReport = await evaluateModel(
      ctx,
      model,
      { rows: ds.rows, width: D, readRows: async (s, n) => x.subarray(s * D, (s + n) * D) },
      config.batch_size,
    );
    const metrics = {
      fvu: evalReport.fvu,
      mean_l0: evalReport.mean_l0,
      dead_fraction: last ? last.deadCount / config.dict_size : 0,
      skipped_steps: last?.skipped ?? 0,
      config,
      loss_history: history.map((m) => ({
        step: m.step,
        loss: m.loss,
        l2: m.l2,
        k_loss: m.kLoss,
        aux: m.aux,
        mean_k_hat: m.kMean,
      })),
    };
    await output('metrics.json', JSON.stringify(metrics, null, 2));
    return { fvu: metrics.fvu, mean_l0: metrics.mean_l0, steps: config.steps };
  },
};
document.getElementById('status')!.textContent = 'ready';
