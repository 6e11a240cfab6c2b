// The float64 reference trainer (src/reference/sae/train.ts) run in Node on a lab dataset, for
// `scripts/lab.mjs --trainer reference`: the same preset, data and metrics as the GPU route, but
// through an implementation that shares no kernel with the engine. It checks that a lab shows the
// effect it tests before an hour of software-adapter time is spent on it, and it is how the
// default preset was chosen (docs/synthetic-lab.md, "Choosing the default").
//
// Normalisation as the app does it: shift 0, norm_factor = sqrt(mean ‖x‖²) over all rows.
// Batches: a seeded shuffle per epoch (an LCG, independent of the engine's sampler).
// Evaluation: the hard forward (SoftSAE: top-⌊k̂⌋; TopK: top-k; BatchTopK: threshold) over
// every row, FVU = Σ_d Var(x − x̂)/Σ_d Var(x) in the normalised space, L0, k̂.

/** Trains `config` on `lab` and evaluates every row; `log(step, metrics)` every `every` steps. */
export async function referenceRun(load, lab, config, { every = 0, log = () => {} } = {}) {
  const tr = await load('src/reference/sae/train.ts');
  const fw = await load('src/reference/sae/forward.ts');
  const pr = await load('src/model/params.ts');
  const { qualityReference } = await load('src/reference/quality.ts');
  const data = await load('src/data/index.ts');
  const { D } = lab;
  const N = lab.x.length / D;
  const X = Float64Array.from(lab.x);
  let sq = 0;
  for (const v of X) sq += v * v;
  const normalization = { normFactor: Math.sqrt(sq / N), shiftFactor: new Float64Array(D) };
  const state = tr.createTrainer(config, D, { normalization });
  const B = state.config.batch_size;

  // Epochs of a seeded shuffle (Fisher–Yates over a 32-bit LCG).
  let lcg = (0x9e3779b9 ^ state.config.seed) >>> 0;
  const rand = () => (lcg = (Math.imul(lcg, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const order = Int32Array.from({ length: N }, (_, i) => i);
  let pos = N;
  const nextBatch = () => {
    const out = new Float64Array(B * D);
    for (let b = 0; b < B; b++, pos++) {
      if (pos >= N) {
        for (let i = N - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        pos = 0;
      }
      out.set(X.subarray(order[pos] * D, order[pos] * D + D), b * D);
    }
    return out;
  };

  const arch = state.config.arch;
  const mode = arch === 'softsae' ? 'hard' : arch === 'batchtopk' ? 'threshold' : 'topk';
  const evaluate = () => {
    const p = state.params;
    const xn = pr.normalizeRows(X, p);
    const xHat = new Float64Array(N * D);
    const kHat = new Float64Array(N);
    const l0 = new Float64Array(N);
    const active = [];
    for (let r0 = 0; r0 < N; r0 += 1024) {
      const rows = Math.min(1024, N - r0);
      const f = fw.forward(p, xn.subarray(r0 * D, (r0 + rows) * D), mode);
      xHat.set(f.xHat, r0 * D);
      for (let r = 0; r < rows; r++) {
        if (f.kHat) kHat[r0 + r] = f.kHat[r];
        const on = [];
        for (let j = 0; j < p.F; j++) if (f.f[r * p.F + j] !== 0) on.push(j);
        active.push(on);
        l0[r0 + r] = on.length;
      }
    }
    const q = qualityReference({ rows: N, D, F: p.F, xn, xHat, active });
    // Per true active count: rows, mean k̂, mean L0 and mean squared error ‖x_n − x̂‖².
    const byCount = {};
    for (let r = 0; r < N; r++) {
      const c = (byCount[lab.activeCount[r]] ??= { rows: 0, kHat: 0, l0: 0, sqErr: 0 });
      let e = 0;
      for (let d = 0; d < D; d++) e += (xn[r * D + d] - xHat[r * D + d]) ** 2;
      c.rows++;
      c.kHat += kHat[r];
      c.l0 += l0[r];
      c.sqErr += e;
    }
    for (const c of Object.values(byCount))
      for (const key of ['kHat', 'l0', 'sqErr']) c[key] = Number((c[key] / c.rows).toFixed(4));
    const decoder = Float64Array.from(p.tensors['decoder.weight']);
    const rec = data.featureRecovery(lab.dictionary, decoder, D, p.F);
    return {
      fvu: 1 - q.explainedVarianceResidual,
      meanL0: q.l0Mean,
      recovery: rec.meanBestCosine,
      spearmanKHat: arch === 'softsae' ? data.spearman(kHat, lab.activeCount) : null,
      spearmanL0: data.spearman(l0, lab.activeCount),
      byCount,
    };
  };

  const t0 = performance.now();
  for (let s = 0; s < state.config.steps; s++) {
    tr.trainStep(state, nextBatch());
    if (every && (s + 1) % every === 0 && s + 1 < state.config.steps) log(s + 1, evaluate());
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  return { ...evaluate(), trainSeconds };
}
