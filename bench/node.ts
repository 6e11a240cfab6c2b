/**
 * Entry of the browserless bench (scripts/bench-node.mjs bundles it for Node with Vite). The
 * caller installs a WebGPU implementation as `navigator.gpu` (Dawn's Node bindings) before
 * calling these: the kernels, trainer and TF.js baseline are the page's own code
 * (bench/runners.ts).
 */
export { runGemmBench, runStepBench } from './runners';
