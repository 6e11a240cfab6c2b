/**
 * The import sanity check: an SAE loaded from files and evaluated on the active dataset should
 * reconstruct it at least as well as a constant, and at about the inputs' scale. When it does
 * not, the SAE and the data almost certainly do not belong together, and the numbers in Inspect
 * describe that mismatch rather than the SAE. Rule (both on the evaluation's quality metrics):
 *
 * - FVU > 1, with FVU = Σ‖x − x̂‖² / Σ‖x − x̄‖² (1 − the R² explained variance): the SAE does
 *   worse than predicting the dataset's mean row for every row. Any useful SAE is far below 1
 *   (published SAEs: 0.05–0.4); above 1 its reconstruction adds error instead of removing it.
 * - L2 ratio = mean ‖x̂‖/‖x‖ outside [0.5, 2]: the reconstructions are a different scale from the
 *   inputs. Trained SAEs shrink slightly (L1 penalties: ~0.8–0.95; TopK ~0.9–1); a factor of 2
 *   either way is beyond any architecture's shrinkage and is what a missing or extra
 *   normalisation produces (residual-stream norms grow several-fold across layers, and SAELens's
 *   `normalize_activations` rescales rows to a mean norm of √d_in), while a merely weak SAE stays
 *   inside it.
 */
import type { QualityMetrics } from './quality';

/** The L2-ratio band of a plausible SAE (see above). */
export const L2_RATIO_BAND: readonly [number, number] = [0.5, 2];

export interface SanityContext {
  /** The SAE's norm factor and whether it shifts the inputs (what the app applied). */
  normFactor: number;
  shifted: boolean;
  /** How the SAE was read (e.g. `SAELens topk k=32, cfg v6`). */
  source: string;
}

const g = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));

/** The warning for an imported SAE's evaluation, or null when it looks plausible. */
export function importWarning(q: QualityMetrics, c: SanityContext): string | null {
  const fvu = 1 - q.explainedVariance;
  const problems: string[] = [];
  if (!(fvu <= 1))
    problems.push(
      `FVU ${g(fvu)} > 1 (Σ‖x − x̂‖² / Σ‖x − x̄‖²): its reconstructions are worse than predicting the mean input for every row`,
    );
  const [lo, hi] = L2_RATIO_BAND;
  if (!(q.l2Ratio >= lo && q.l2Ratio <= hi))
    problems.push(
      `L2 ratio ‖x̂‖/‖x‖ = ${g(q.l2Ratio)}, outside ${lo}–${hi}: its reconstructions are a different scale from the inputs`,
    );
  if (problems.length === 0) return null;
  const tried =
    `The app read it as ${c.source} and ran it on the rows as given` +
    (c.normFactor === 1 && !c.shifted
      ? ' (no normalisation: norm factor 1, as SAELens-style SAEs read raw activations)'
      : ` divided by the SAE's norm factor ${g(c.normFactor)}${c.shifted ? ' after its input shift' : ''}`) +
    `; the inputs' mean norm is then ${g(q.meanNormX)}, the reconstructions' ${g(q.meanNormXHat)}.`;
  return (
    `This SAE does not fit the active dataset: ${problems.join('; ')}. ` +
    'Likely causes: the activations come from another hook point or layer than the SAE was trained on; ' +
    'a different normalisation (the SAE may expect activations scaled by a norm factor or to a fixed mean norm); ' +
    'or the wrong architecture (e.g. a TopK SAE loaded as ReLU, a JumpReLU SAE without its thresholds). ' +
    tried
  );
}
