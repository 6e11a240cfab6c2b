// A synthetic token stream of any length for the token view, registered on the app page through
// the dev-only test hook (`window.__softsae`) the way the engine client registers a dataset and an
// evaluation — no GPU needed. Used by e2e/inspect-tokens-million.spec.ts and by
// `npm run bench -- --tokens`. Row r: token `t<r>`, sequence ⌊r / seqLen⌋, k̂ = 1 + (r mod 7)/2,
// L0 = r mod 5, squared error = (r mod 11)/10 (values a test can recompute by hand).

/**
 * Runs inside the page (pass it to `page.evaluate`): self-contained. Registers dataset `id` and a
 * final evaluation `run-<id>` of `rows` rows; Inspect then shows it.
 */
export function registerTokenRows({ id, rows, seqLen }) {
  const F = 4;
  const h = window.__softsae;
  const tokens = Array.from({ length: rows }, (_, r) => `t${r}`);
  const seq = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / seqLen));
  const pos = Int32Array.from({ length: rows }, (_, r) => r % seqLen);
  h.putDataset({ id, name: id, rows, D: 2, tokens, seq, pos });
  const topN = 4;
  h.ingestEvalResult({
    runId: `run-${id}`,
    datasetId: id,
    arch: 'softsae',
    step: 1,
    final: true,
    config: { arch: 'softsae', F, k: 2 },
    rows,
    D: 2,
    F,
    kHat: Float32Array.from({ length: rows }, (_, r) => 1 + (r % 7) / 2),
    l0: Uint32Array.from({ length: rows }, (_, r) => r % 5),
    sqErr: Float32Array.from({ length: rows }, (_, r) => (r % 11) / 10),
    fireCount: Uint32Array.of(100, 50, 0, 7),
    actSum: Float64Array.of(120, 30, 0, 7),
    actMax: Float32Array.of(4, 1, 0, 1),
    bins: 2,
    hist: new Uint32Array(F * 2).fill(1),
    histHi: Float32Array.of(4, 1, 0, 1),
    topN,
    topRows: Int32Array.from({ length: F * topN }, (_, i) => i),
    topValues: new Float32Array(F * topN).fill(1),
    fvu: 0.5,
    meanL0: 2,
    deadFraction: 0.25,
    kHatMean: 2.5,
  });
}

/** What row r carries, computed here in Node (the expected values of the tests). */
export function tokenRow(r) {
  return { token: `t${r}`, kHat: 1 + (r % 7) / 2, l0: r % 5, sqErr: (r % 11) / 10 };
}
