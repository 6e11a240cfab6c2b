/** Sizes of an evaluation pass, shared by the GPU evaluation (src/sae/eval.ts) and its reference. */
export interface EvalShape {
  /** Features (columns of f). */
  F: number;
  /** Input dimensions (columns of xn and x̂). */
  D: number;
  /** Histogram bins per feature. */
  bins: number;
  /** Length of each feature's list of top activating rows. */
  topN: number;
}
