/**
 * Float64 CPU reference of SoftSAE / TopK / BatchTopK (spec: shared/softsae-spec.md).
 * GPU kernels and the engine are tested against these functions.
 */
export * from './params.ts';
export * from './rng.ts';
export * from './softtopk.ts';
export * from './select.ts';
export * from './forward.ts';
export * from './loss.ts';
export * from './backward.ts';
export * from './metrics.ts';
export * from './optim.ts';
export * from './config.ts';
export * from './train.ts';
