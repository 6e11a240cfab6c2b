// Command-line options of the GPU benches, shared by scripts/bench.mjs (in Chromium) and
// scripts/bench-node.mjs (no browser): the same flags mean the same shapes and repetitions on both.

/**
 * Parses the bench's options (see scripts/bench.mjs for the list).
 * @param {string[]} argv the arguments after the script name
 */
export function benchArgs(argv) {
  const flag = (name) => argv.includes(name);
  const value = (name, dflt) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : dflt;
  };

  // 'a,b,c;d,e,f' → [[a, b, c], [d, e, f]]; the default list when the flag is absent.
  const shapeList = (name, dflt) =>
    value(name, undefined)
      ?.split(';')
      .map((t) => t.split(',').map(Number)) ?? dflt;

  const quick = flag('--quick');
  // e.g. "256,64,512;1024,256,2048": (rows, D, F) of the GEMMs and of the training steps.
  const shapesArg = value('--shapes', undefined);
  const shapes = shapeList(
    '--shapes',
    quick
      ? [[64, 32, 128]]
      : [
          [256, 64, 512],
          [256, 128, 1024],
          [1024, 256, 2048],
        ],
  );
  const reps = Number(value('--reps', quick ? 3 : 7));
  const warmup = Number(value('--warmup', 2));
  const tilesArg = value('--tiles', undefined);
  const tiles = tilesArg
    ? Object.fromEntries(tilesArg.split(',').map((v, i) => [['wgX', 'wgY', 'tk'][i], Number(v)]))
    : undefined;

  // Sections: --gemm, --steps, --sparse, --ingest, --tokens, --profile select some; none selected runs all
  // but --profile and --ingest-big (which writes gigabytes): those run only when named.
  const chosen = [
    '--gemm',
    '--ingest',
    '--steps',
    '--sparse',
    '--profile',
    '--ingest-big',
    '--tokens',
    '--scale',
    '--big',
    '--largest',
    '--match',
    '--responsiveness',
    '--explorer',
  ].filter(flag);
  const onlyWhenNamed = [
    '--ingest-big',
    '--profile',
    '--scale',
    '--big',
    '--largest',
    '--match',
    '--responsiveness',
    '--explorer',
  ];
  const runs = (section) =>
    chosen.includes(section) || (chosen.length === 0 && !onlyWhenNamed.includes(section));
  const sparseShapes = shapeList(
    '--sparse-shapes',
    quick
      ? [[32, 128, 64]]
      : [
          [64, 512, 256],
          [128, 1024, 256],
          [128, 2048, 256],
          [128, 1024, 1024],
        ],
  );
  const ks = value('--ks', quick ? '4,16' : '8,32,128')
    .split(',')
    .map(Number);
  const sparseReps = Math.max(reps, quick ? 3 : 5);
  const stepReps = Number(value('--step-reps', 3));
  // The same --shapes, as (D, F, rows).
  const stepShapes = shapesArg
    ? shapes.map(([rows, D, F]) => [D, F, rows])
    : quick
      ? [[16, 64, 64]]
      : [
          [128, 2048, 256],
          [256, 4096, 512],
        ];
  // The step bench trains with the reference recipe on lab data: k (k_max = 2k), the recipe's run
  // length (its k annealing takes 2 % of it) and the untimed steps between the two timed phases.
  const stepK = Number(value('--step-k', quick ? 4 : 8));
  const recipeSteps = Number(value('--recipe-steps', quick ? 200 : 1000));
  const trainSteps = Number(value('--train-steps', quick ? 8 : 30));
  // softsae:newton = SoftSAE with the previous threshold search (Newton over the whole row).
  const stepArchs = value('--archs', 'softsae,softsae:newton,topk,batchtopk').split(',');
  const [f32MB, f16MB] = value('--ingest-mb', quick ? '16,8' : '512,256')
    .split(',')
    .map(Number);
  const ingestReps = Number(value('--ingest-reps', quick ? 1 : 2));
  const ingestWidth = Number(value('--ingest-width', 2304));
  const ingestChunkMiB = value('--ingest-chunk-mib', '8').split(',').map(Number);
  return {
    flag,
    value,
    quick,
    shapes,
    reps,
    warmup,
    tiles,
    runs,
    sparseShapes,
    ks,
    sparseReps,
    stepReps,
    stepShapes,
    stepK,
    recipeSteps,
    trainSteps,
    stepArchs,
    f32MB,
    f16MB,
    ingestReps,
    ingestWidth,
    ingestChunkMiB,
  };
}

/** The request of the GEMM (and sparse) section: shapes, repetitions, tiles. */
export function gemmRequest(a) {
  return {
    shapes: a.shapes,
    reps: a.reps,
    warmup: a.warmup,
    tiles: a.tiles,
    skipGemm: !a.runs('--gemm'),
    sparse: a.runs('--sparse')
      ? { shapes: a.sparseShapes, ks: a.ks, reps: a.sparseReps, warmup: a.warmup }
      : undefined,
  };
}

/** The request of the training-step section (with the profile when --profile is named). */
export function stepRequest(a) {
  return {
    shapes: a.stepShapes,
    archs: a.stepArchs,
    k: a.stepK,
    recipeSteps: a.recipeSteps,
    trainSteps: a.trainSteps,
    reps: a.stepReps,
    profileReps: a.runs('--profile') ? (a.quick ? 2 : 3) : 0,
  };
}
