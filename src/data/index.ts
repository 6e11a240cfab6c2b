/** Synthetic lab: generators with known ground truth, the built-in demo, and lab metrics. */
export * from './distributions.ts';
export * from './dictionary.ts';
export * from './synthetic.ts';
export * from './concepts.ts';
export * from './tokens.ts';
export * from './demo.ts';
export * from './metrics.ts';
export * from './groundTruth.ts';
