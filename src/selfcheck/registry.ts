/**
 * Every kernel family in one table: its WGSL file, its host class, its float64 reference and the
 * tests that hold one against the other. Start here to find any part of a kernel;
 * `shaders/README.md` opens with this table (rendered by `kernelIndex`, and checked against it by
 * `test/selfcheck/registry.test.ts`, which also checks that every path and symbol named here
 * exists and that every shader is listed).
 */

export interface KernelEntry {
  /** The WGSL file under `shaders/`. */
  shader: string;
  /** Host class(es): where pipelines are built and dispatched. */
  host: string[];
  /** Float64 reference: `file#symbol` (exported function), or a file. */
  reference: string[];
  /** Specs that compare the GPU with the reference (one test per case where they can). */
  tests: string[];
}

const K = 'src/gpu/kernels/';
const R = 'src/reference/';

export const KERNELS: KernelEntry[] = [
  {
    shader: 'gemm.wgsl',
    host: [`${K}gemm.ts`],
    reference: [`${R}gemm.ts#gemmRef`],
    tests: ['e2e/kernels.spec.ts'],
  },
  {
    shader: 'reduce.wgsl',
    host: [`${K}reduce.ts`],
    reference: [`${R}reduce.ts#reduceRef`],
    tests: ['e2e/kernels.spec.ts'],
  },
  {
    shader: 'axpy.wgsl',
    host: [`${K}axpy.ts`],
    reference: [`${R}reduce.ts#axpyRef`],
    tests: ['e2e/kernels.spec.ts'],
  },
  {
    // The default forward (softTopKSearchForward): a radix-select bracket, then Newton on the
    // candidates near it; the whole-row Newton forward stays selectable.
    shader: 'softtopk.wgsl',
    host: [`${K}softtopk.ts`],
    reference: [
      `${R}sae/softtopk.ts#solveThreshold`,
      `${R}sae/softtopk.ts#softTopK`,
      `${R}sae/softtopk.ts#softTopKBackward`,
      `${R}sae/softtopkSearch.ts#thresholdBracket`,
      `${R}sae/softtopkSearch.ts#thresholdCandidates`,
    ],
    tests: [
      'e2e/sae-kernels.spec.ts',
      'e2e/sae-fixture.spec.ts',
      'test/reference/softtopkSearch.test.ts',
    ],
  },
  {
    shader: 'topk.wgsl',
    host: [`${K}topk.ts`],
    reference: [`${R}sae/select.ts#rowTopKMask`, `${R}sae/select.ts#deadTopKMask`],
    tests: ['e2e/sae-kernels.spec.ts', 'e2e/train-step.spec.ts'],
  },
  {
    shader: 'kestimate.wgsl',
    host: [`${K}kestimate.ts`],
    reference: ['src/model/kEstimator.ts#estimateK'],
    tests: ['e2e/sae-kernels.spec.ts', 'e2e/sae-fixture.spec.ts'],
  },
  {
    shader: 'batchtopk.wgsl',
    host: [`${K}batchtopk.ts`],
    reference: [`${R}sae/select.ts#batchTopKMask`, `${R}sae/train.ts#updateThreshold`],
    tests: ['e2e/batchtopk.spec.ts'],
  },
  {
    shader: 'batchtopk-apply.wgsl',
    host: [`${K}batchtopk.ts`],
    reference: [`${R}sae/select.ts#batchTopKMask`, `${R}sae/select.ts#thresholdMask`],
    tests: ['e2e/batchtopk.spec.ts'],
  },
  {
    shader: 'jumprelu.wgsl',
    host: [`${K}jumprelu.ts`],
    reference: [`${R}sae/jumprelu.ts#jumpRelu`],
    tests: ['e2e/jumprelu.spec.ts'],
  },
  {
    shader: 'auxk.wgsl',
    host: [`${K}auxk.ts`],
    reference: [`${R}sae/loss.ts#auxLoss`],
    tests: ['e2e/train-step.spec.ts'],
  },
  {
    shader: 'elementwise.wgsl',
    host: [`${K}elementwise.ts`],
    reference: [`${R}elementwise.ts#elementwiseRef`],
    tests: ['e2e/small-kernels.spec.ts'],
  },
  {
    shader: 'loss.wgsl',
    host: [`${K}loss.ts`],
    reference: [`${R}elementwise.ts#batchLossRef`, `${R}sae/loss.ts#kLoss`],
    tests: ['e2e/small-kernels.spec.ts', 'e2e/train-step.spec.ts'],
  },
  {
    shader: 'dead.wgsl',
    host: [`${K}dead.ts`],
    reference: [`${R}elementwise.ts#deadRef`],
    tests: ['e2e/small-kernels.spec.ts'],
  },
  {
    shader: 'atoms.wgsl',
    host: [`${K}atoms.ts`],
    reference: [`${R}sae/optim.ts#projectDecoderGrad`],
    tests: ['e2e/optim.spec.ts'],
  },
  {
    shader: 'gradnorm.wgsl',
    host: [`${K}gradnorm.ts`],
    reference: [`${R}sae/optim.ts#clipGradNorm`],
    tests: ['e2e/optim.spec.ts'],
  },
  {
    shader: 'adam.wgsl',
    host: [`${K}adam.ts`],
    reference: [`${R}sae/optim.ts#adamStep`],
    tests: ['e2e/optim.spec.ts', 'e2e/train-step.spec.ts'],
  },
  {
    shader: 'evalfeature.wgsl',
    host: [`${K}evalFeature.ts`, 'src/sae/eval.ts'],
    reference: [`${R}eval.ts#histogramBin`, `${R}sae/metrics.ts#computeMetrics`],
    tests: ['e2e/eval.spec.ts'],
  },
  {
    shader: 'evaltopn.wgsl',
    host: [`${K}evalTopN.ts`, 'src/sae/eval.ts'],
    reference: [`${R}eval.ts#compareTop`],
    tests: ['e2e/eval.spec.ts'],
  },
  {
    shader: 'evaldims.wgsl',
    host: [`${K}evalDims.ts`, 'src/sae/eval.ts'],
    reference: [`${R}sae/metrics.ts#computeMetrics`],
    tests: ['e2e/eval.spec.ts'],
  },
  {
    shader: 'evalrows.wgsl',
    host: [`${K}evalRows.ts`, 'src/sae/eval.ts'],
    reference: [`${R}sae/metrics.ts#computeMetrics`],
    tests: ['e2e/eval.spec.ts'],
  },
  {
    shader: 'scan.wgsl',
    host: [`${K}scan.ts`],
    reference: [`${R}sparse.ts#csrFromDense`],
    tests: ['e2e/sparse.spec.ts'],
  },
  {
    shader: 'sparse-compact.wgsl',
    host: [`${K}sparseLists.ts`],
    reference: [`${R}sparse.ts#csrFromDense`],
    tests: ['e2e/sparse.spec.ts'],
  },
  {
    shader: 'sparse-transpose.wgsl',
    host: [`${K}sparseLists.ts`],
    reference: [`${R}sparse.ts#cscFromCsr`],
    tests: ['e2e/sparse.spec.ts'],
  },
  {
    shader: 'sparse-gather.wgsl',
    host: [`${K}sparseGather.ts`],
    reference: [`${R}sparse.ts#segmentGatherRef`],
    tests: ['e2e/sparse.spec.ts'],
  },
  {
    shader: 'sparse-dot.wgsl',
    host: [`${K}sparseDot.ts`],
    reference: [`${R}sparse.ts#csrDotRef`],
    tests: ['e2e/sparse.spec.ts'],
  },
  {
    // Co-occurrence of one feature with every other over the kept codes (feature pages).
    shader: 'cooccur.wgsl',
    host: [`${K}cooccur.ts`, 'src/sae/cooccurrence.ts'],
    reference: [`${R}cooccur.ts#cooccurRef`],
    tests: ['e2e/cooccur.spec.ts', 'test/sae/cooccur.test.ts'],
  },
  {
    // A dispatch gate (indirect arguments from a GPU flag): the sparse/dense choice of a step,
    // checked by training steps on both routes against the same reference trainer.
    shader: 'gate.wgsl',
    host: [`${K}gate.ts`],
    reference: [`${R}sparse.ts#csrDotRef`, `${R}gemm.ts#gemmRef`],
    tests: ['e2e/train-step.spec.ts'],
  },
  {
    // Cross-SAE feature matching: each atom's best partner in another decoder, both ways.
    shader: 'bestmatch.wgsl',
    host: [`${K}bestMatch.ts`, 'src/sae/decoderMatch.ts'],
    reference: [`${R}match.ts#bestMatchReference`],
    tests: ['e2e/match.spec.ts'],
  },
];

/** The Markdown index at the top of `shaders/README.md`. */
export function kernelIndex(kernels: readonly KernelEntry[] = KERNELS): string {
  const code = (s: string) => `\`${s}\``;
  const rows = kernels.map((k) =>
    [
      code(k.shader),
      k.host.map(code).join(', '),
      k.reference.map(code).join(', '),
      k.tests.map(code).join(', '),
    ].join(' | '),
  );
  return [
    '| WGSL (shaders/) | host | float64 reference | tests |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}
