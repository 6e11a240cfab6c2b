// Named selectors over the store: what views and clients read of the run, derived in one place
// from the typed run config (`TrainConfig`, as the engine resolved it) rather than inline.
import type { AppState } from './index';

/** Rows per training step of the current run (0 before a run starts). */
export const selectBatchSize = (s: AppState): number => s.training.config?.batch_size ?? 0;

/** Dictionary size F of the current run (0 before a run starts). */
export const selectDictSize = (s: AppState): number => s.training.config?.dict_size ?? 0;

/** Whether the current run predicts k̂ per row (SoftSAE). */
export const selectPredictsK = (s: AppState): boolean => s.training.config?.arch === 'softsae';

/** The current run's dead fraction at its latest step (dead features / F), if known. */
export const selectDeadFraction = (s: AppState): number | undefined => {
  const F = selectDictSize(s);
  return s.training.latest && F > 0 ? s.training.latest.deadCount / F : undefined;
};
