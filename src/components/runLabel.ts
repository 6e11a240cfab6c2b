import type { RunSummary } from '../store/runsSlice';

/** A short human name for a run: its number, architecture and the settings that tell runs apart. */
export function runLabel(run: RunSummary, index: number): string {
  // Imported SAEs carry their origin (e.g. "SAELens topk k=5, cfg v6") in the config summary.
  const arch =
    typeof run.config.source === 'string'
      ? `imported ${run.config.source}`
      : run.arch === 'softsae'
        ? 'SoftSAE'
        : 'TopK';
  const c = run.config;
  const paused = run.final ? '' : ` (paused at step ${run.step})`;
  return `#${index + 1} ${arch} F=${c.F ?? '?'} k=${c.k ?? '?'}${paused}`;
}
