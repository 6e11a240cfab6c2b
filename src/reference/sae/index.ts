/**
 * Float64 CPU reference of SoftSAE / TopK / BatchTopK (spec: shared/softsae-spec.md).
 * GPU kernels and the engine are tested against these functions. The definitions it shares with
 * the engine (config, parameters, RNG, schedules) live in src/model/ and are re-exported here.
 */
export * from '../../model/params.ts';
export * from '../../model/rng.ts';
export * from './softtopk.ts';
export * from './select.ts';
export * from './forward.ts';
export * from './loss.ts';
export * from './backward.ts';
export * from './metrics.ts';
export * from './optim.ts';
export * from '../../model/config.ts';
export * from '../../model/schedules.ts';
export * from '../../model/geometricMedian.ts';
export * from './train.ts';
