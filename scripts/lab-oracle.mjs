// Oracle reconstructions of a lab dataset (docs/synthetic-lab.md, "The equal-L0 claim"): x̂ from
// the true atoms and true coefficients of a chosen subset of each row's support, FVU in the
// residual form Σ_d Var(x − x̂)/Σ_d Var(x), so a trained SAE's FVU has a floor to be read against.
//   node scripts/lab-oracle.mjs [--data demo|lab] [--seed S]
// Subsets, all by coefficient size within the row: `cap m` keeps the min(count, m) largest (what a
// per-row top-m can do with a perfect dictionary; its mean L0 is below m); `cap τ` with a
// fractional τ alternates ⌊τ⌋ and ⌈τ⌉ over rows; `global b` keeps every coefficient above one
// threshold chosen for mean L0 b (the best any per-row budget of mean b can do).
import { join, resolve } from 'node:path';
import { runnerImport } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const { module: data } = await runnerImport(join(ROOT, 'src/data/index.ts'), {
  configFile: false,
  logLevel: 'silent',
});
const seed = Number(arg('--seed', '1'));
const lab =
  arg('--data', 'lab') === 'demo'
    ? data.demoDataset()
    : data.generateLab({
        seed,
        D: 64,
        G: 128,
        rows: 16384,
        count: { kind: 'uniform', min: 1, max: 12 },
        noiseStd: 0.02,
      });
const { D, rows, x, dictionary } = lab;
const { offsets, indices, coeffs } = lab.support;

/** Σ_d Var(v) over the rows of v [rows, D]. */
function totalVariance(v) {
  const mean = new Float64Array(D);
  for (let i = 0; i < v.length; i++) mean[i % D] += v[i] / rows;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - mean[i % D]) ** 2;
  return s;
}
const total = totalVariance(x);

/** Mean L0 and FVU when row r keeps `keep(r, entries by decreasing coefficient)`. */
function oracle(keep) {
  const residual = Float64Array.from(x);
  let l0 = 0;
  for (let r = 0; r < rows; r++) {
    const entries = [];
    for (let e = offsets[r]; e < offsets[r + 1]; e++) entries.push(e);
    entries.sort((a, b) => coeffs[b] - coeffs[a]);
    const kept = keep(r, entries);
    l0 += kept.length;
    for (const e of kept)
      for (let d = 0; d < D; d++) residual[r * D + d] -= coeffs[e] * dictionary[indices[e] * D + d];
  }
  return { meanL0: l0 / rows, fvu: totalVariance(residual) / total };
}

const sorted = Float64Array.from(coeffs).sort();
const lines = [`| subset | mean L0 | FVU |`, `|---|---|---|`];
const add = (name, { meanL0, fvu }) =>
  lines.push(`| ${name} | ${meanL0.toFixed(3)} | ${fvu.toFixed(4)} |`);
for (const m of [4, 5, 6, 7])
  add(
    `cap ${m}`,
    oracle((r, e) => e.slice(0, m)),
  );
for (const tau of [5.5, 6.5])
  add(
    `cap ${tau}`,
    oracle((r, e) => e.slice(0, Math.floor(tau) + (r % 2))),
  );
for (const b of [4, 5, 6].filter((b) => b * rows < sorted.length)) {
  const threshold = sorted[sorted.length - Math.round(b * rows)];
  add(
    `global ${b}`,
    oracle((r, e) => e.filter((i) => coeffs[i] >= threshold)),
  );
}
add(
  'all',
  oracle((r, e) => e),
);
console.log(`mean true count ${(offsets[rows] / rows).toFixed(3)}\n${lines.join('\n')}`);
