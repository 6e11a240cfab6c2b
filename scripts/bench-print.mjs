// The tables of the GPU benches (GEMMs, training steps, per-kernel profile), printed the same way
// whether the numbers came from Chromium (scripts/bench.mjs) or Dawn in Node (scripts/bench-node.mjs).

/** Training rows per second of a step over `rows` rows taking `ms`, to 3 significant digits. */
function rowsPerSecond(rows, ms) {
  return String(Number(((1000 * rows) / ms).toPrecision(3)));
}

/** A Markdown table, columns right-aligned. */
export function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

export function printGemm(report, { reps, warmup }) {
  console.log(`\nGEMM: ours vs TensorFlow.js WebGPU tf.matMul — ${report.adapter}`);
  console.log(
    `median of ${reps} timed reps after ${warmup} warm-up, wall time submit→done, same device\n`,
  );
  const head = [
    '(rows, D, F)',
    'layout',
    'M×K×N',
    'ours ms',
    'TF.js ms',
    'ours GFLOP/s',
    'TF.js GFLOP/s',
    'ratio',
    'max|Δ|',
  ];
  const rows = report.gemm.map((r) => [
    `(${r.rows}, ${r.D}, ${r.F})`,
    r.layout.toUpperCase(),
    `${r.M}×${r.K}×${r.N}`,
    r.oursMs.toFixed(2),
    r.tfjsMs.toFixed(2),
    r.oursGflops.toFixed(2),
    r.tfjsGflops.toFixed(2),
    r.ratio.toFixed(2),
    r.maxAbsDiff.toExponential(1),
  ]);
  table(head, rows);
  console.log('\nratio = TF.js ms / ours ms (≥ 1 means ours is at least as fast)');
}

export function printSteps(report, seconds, { recipeSteps, stepReps, trainSteps }) {
  const c = report.rows[0]?.config;
  console.log(
    `\nTraining steps in two phases of a run, vs the same SoftSAE step in TensorFlow.js — ${report.adapter}`,
  );
  console.log(
    `Each architecture trains with the reference recipe (presets.ts: ${recipeSteps}-step run, k annealed from D to\n` +
      `k = ${c?.k} over ${c?.kAnnealSteps} steps, k_max = ${c?.kMax}, α = ${c?.alpha}, warm-up 5 %) on lab data (4·D true atoms, 1…12\n` +
      `active per row; src/data/synthetic.ts), batch = rows. first: steps 1…${stepReps} from initialisation (k ≈ D);\n` +
      `steady: ${stepReps} steps after ${trainSteps} more of training. ms = median wall time submit→done of the phase's\n` +
      `steps; rows/s = rows / step time; GEMM-eq = step ms / ms of one dense rows×D×F GEMM (ours, x·W_encᵀ),\n` +
      'measured before and after; ' +
      'route = steps whose decoder products and ∂W_enc ran over the sparse lists (s) or dense GEMMs\n(d); ' +
      'active/row = nonzero codes per row (median over the steps); k̂ = mean k̂ (SoftSAE).\n',
  );
  const head = [
    '(D, F, rows)',
    'GEMM ms',
    'arch',
    'phase',
    'steps',
    'k',
    'ms',
    'rows/s',
    'GEMM-eq',
    'route',
    'active/row',
    'k̂',
    'TF.js / ours',
  ];
  const rows = [];
  for (const r of report.rows) {
    rows.push([
      `(${r.D}, ${r.F}, ${r.rows})`,
      r.gemmMs.toFixed(2),
      'TF.js softsae',
      'any',
      '',
      String(r.config.k),
      r.tfjsMs.toFixed(0),
      rowsPerSecond(r.rows, r.tfjsMs),
      (r.tfjsMs / r.gemmMs).toFixed(1),
      'd',
      String(r.F),
      '',
      '1.00',
    ]);
    for (const a of r.archs)
      for (const [name, p] of [
        ['first', a.first],
        ['steady', a.steady],
      ]) {
        const route =
          p.sparseSteps === p.steps.length
            ? 's'
            : p.sparseSteps === 0
              ? 'd'
              : `${p.sparseSteps}s/${p.steps.length - p.sparseSteps}d`;
        const ks = [...new Set(p.k)];
        rows.push([
          '',
          '',
          a.arch,
          name,
          `${p.steps[0]}…${p.steps[p.steps.length - 1]}`,
          ks.length > 1 ? `${ks[0]}…${ks[ks.length - 1]}` : String(ks[0]),
          p.ms.toFixed(0),
          rowsPerSecond(r.rows, p.ms),
          (p.ms / r.gemmMs).toFixed(1),
          route,
          p.activePerRow.toFixed(1),
          a.arch.startsWith('softsae') ? p.kHat.toFixed(2) : '',
          (r.tfjsMs / p.ms).toFixed(2),
        ]);
      }
  }
  table(head, rows);
  const train = report.rows.flatMap((r) =>
    r.archs.map((a) => `${a.arch} (${r.D}, ${r.F}, ${r.rows}) ${a.trainSeconds.toFixed(0)} s`),
  );
  const ab = report.rows.flatMap((r) =>
    r.archs
      .filter((a) => a.first.search)
      .map((a) => [
        `(${r.D}, ${r.F}, ${r.rows})`,
        a.arch,
        ...[a.first, a.steady].flatMap((p) => [
          p.search.newton.toFixed(0),
          p.search.select.toFixed(0),
          (p.search.newton / p.search.select).toFixed(2),
          (p.search.select / r.gemmMs).toFixed(2),
        ]),
      ]),
  );
  if (ab.length) {
    console.log(
      "\nSoft top-k forward alone on each phase's h and k̂ (the buffers of that SoftSAE run), the two threshold\n" +
        `searches interleaved, median of ${stepReps} after 1 warm-up, ms; × = newton / select; GEMM-eq of select\n`,
    );
    table(
      [
        '(D, F, rows)',
        'buffers of',
        'first newton',
        'first select',
        '×',
        'GEMM-eq',
        'steady newton',
        'steady select',
        '×',
        'GEMM-eq',
      ],
      ab,
    );
  }
  console.log(
    `\nuntimed training between the phases: ${train.join(', ')}; section wall time ${seconds.toFixed(0)} s`,
  );
}

export function printProfile(report) {
  console.log(`\nWhere a training step's time goes, per phase — ${report.adapter}`);
  console.log(
    'one more step of each phase recorded, each dispatch replayed alone (median of reps, timestamp\n' +
      'queries when available), summed per label; GEMM-eq = ms / ms of the encoder GEMM dispatch (rows×D×F;\n' +
      "SoftSAE's computes the k-estimator hidden layer too: half of it).\n" +
      'Replays run on the buffers the step left behind (so Adam updates again: the run goes on slightly perturbed)\n',
  );
  for (const r of report.rows)
    for (const a of r.archs) {
      const phases = [
        ['first', a.first.profile],
        ['steady', a.steady.profile],
      ];
      // The unit: one rows×D×F GEMM. SoftSAE's encoder dispatch is a pair (the encoder and the
      // k-estimator hidden layer, `Sae.encoder+kHidden`): two of them.
      const unitOf = (p) => {
        const e = p.find((x) => x.label.startsWith('Sae.encoder'));
        return e ? e.ms / (e.label.includes('+kHidden') ? 2 : 1) : NaN;
      };
      const unit = Object.fromEntries(phases.map(([n, p]) => [n, unitOf(p)]));
      const total = Object.fromEntries(
        phases.map(([n, p]) => [n, p.reduce((s, x) => s + x.ms, 0)]),
      );
      console.log(
        `${a.arch} (D, F, rows) = (${r.D}, ${r.F}, ${r.rows}): first ${total.first.toFixed(0)} ms = ${(total.first / unit.first).toFixed(2)} GEMM-eq, ` +
          `steady ${total.steady.toFixed(0)} ms = ${(total.steady / unit.steady).toFixed(2)} GEMM-eq`,
      );
      const labels = [...new Set(phases.flatMap(([, p]) => p.map((x) => x.label)))];
      const at = (n, label) => phases.find(([m]) => m === n)[1].find((x) => x.label === label);
      // Labels under 1 % of the step in both phases are summed into one row.
      const big = (label) =>
        ['first', 'steady'].some((n) => (at(n, label)?.ms ?? 0) >= 0.01 * total[n]);
      const cellsOf = (label, xs) => {
        const cells = [label];
        for (const n of ['first', 'steady']) {
          const got = xs(n);
          const ms = got.reduce((s, x) => s + x.ms, 0);
          const count = got.reduce((s, x) => s + x.dispatches, 0);
          cells.push(
            got.length ? String(count) : '',
            got.length ? (ms / unit[n]).toFixed(2) : '',
            got.length ? `${((100 * ms) / total[n]).toFixed(1)}%` : '',
          );
        }
        return cells;
      };
      const rows = labels
        .filter(big)
        .map((label) =>
          cellsOf(label.replace(/\.bindGroup\d*$/, ''), (n) => [at(n, label)].filter(Boolean)),
        );
      rows.sort((p, q) => parseFloat(q[6] || '0') - parseFloat(p[6] || '0'));
      const small = labels.filter((l) => !big(l));
      if (small.length)
        rows.push(
          cellsOf(`(${small.length} others, each < 1 %)`, (n) =>
            small.map((l) => at(n, l)).filter(Boolean),
          ),
        );
      table(['label', 'first n', 'GEMM-eq', 'share', 'steady n', 'GEMM-eq', 'share'], rows);
      console.log('');
    }
}

export function printSparse(report, { sparseReps, warmup }) {
  const { emptyMs, rows: data } = report.sparse;
  console.log(`\nSparse vs dense decoder (k active codes per row) — ${report.adapter}`);
  console.log(
    `median of ${sparseReps} timed reps after ${warmup} warm-up, wall time submit→done per ` +
      `kernel, same device; an empty submit takes ${emptyMs.toFixed(2)} ms (included in each)\n`,
  );
  const head = [
    '(D, F, rows)',
    'k',
    'dense fwd',
    'sparse fwd',
    'CSR',
    'fwd ×',
    'fwd × w/ CSR',
    'dense ∂W',
    'sparse ∂W',
    'CSC',
    '∂W ×',
    '∂W × w/ CSC',
    'max|Δ|',
  ];
  const x = (a, b) => (a / b).toFixed(1);
  const rows = data.map((r) => [
    `(${r.D}, ${r.F}, ${r.rows})`,
    String(r.k),
    r.denseFwdMs.toFixed(2),
    r.sparseFwdMs.toFixed(2),
    r.csrMs.toFixed(2),
    x(r.denseFwdMs, r.sparseFwdMs),
    x(r.denseFwdMs, r.sparseFwdMs + r.csrMs),
    r.denseDWMs.toFixed(2),
    r.sparseDWMs.toFixed(2),
    r.cscMs.toFixed(2),
    x(r.denseDWMs, r.sparseDWMs),
    x(r.denseDWMs, r.sparseDWMs + r.cscMs),
    r.maxAbsDiff.toExponential(1),
  ]);
  table(head, rows);
  console.log(
    '\ntimes in ms; × = dense ms / sparse ms. fwd: x̂ = f·W_decᵀ + b_dec (dense: GEMM nn); ' +
      '∂W: ∂W_decᵀ = fᵀ·g (dense: GEMM tn).\nCSR = dense codes → row lists (built once per ' +
      'step, shared by x̂, ∂f and the CSC); CSC = row lists → feature lists (for ∂W).',
  );
  // Growth: pairs of rows that differ in one of F, k, rows only.
  const cols = [
    ['sparse fwd', 'sparseFwdMs'],
    ['CSR', 'csrMs'],
    ['sparse ∂W', 'sparseDWMs'],
    ['CSC', 'cscMs'],
    ['dense fwd', 'denseFwdMs'],
    ['dense ∂W', 'denseDWMs'],
  ];
  const lines = [];
  for (const attr of ['F', 'k', 'rows']) {
    const others = ['D', 'F', 'k', 'rows'].filter((a) => a !== attr);
    const groups = new Map();
    for (const r of data) {
      const key = others.map((a) => `${a}=${r[a]}`).join(', ');
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, g] of groups) {
      if (g.length < 2) continue;
      g.sort((a, b) => a[attr] - b[attr]);
      const [lo, hi] = [g[0], g[g.length - 1]];
      const growth = cols.map(([n, c]) => `${n} ×${(hi[c] / lo[c]).toFixed(2)}`).join(', ');
      lines.push(
        `  ${attr} ${lo[attr]}→${hi[attr]} (×${hi[attr] / lo[attr]}) at ${key}: ${growth}`,
      );
    }
  }
  if (lines.length) console.log(`\nhow the cost grows:\n${lines.join('\n')}`);
}
