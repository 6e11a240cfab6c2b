/**
 * Float64 reference for shaders/cooccur.wgsl: firing and co-firing counts of features over
 * sparse codes given as CSR (row r's active features are col[rowPtr[r] … rowPtr[r + 1])).
 * Written from the definition, row by row with a set per row: exact, for any shape.
 */

type Numbers = ArrayLike<number>;

/**
 * fire[c] = #{r : c ∈ row r};  co[c] = #{r : feature ∈ row r and c ∈ row r} (co[feature] is
 * the number of rows where `feature` fires).
 */
export function cooccurRef(
  rows: number,
  F: number,
  rowPtr: Numbers,
  col: Numbers,
  feature: number,
): { co: number[]; fire: number[] } {
  const co = new Array<number>(F).fill(0);
  const fire = new Array<number>(F).fill(0);
  for (let r = 0; r < rows; r++) {
    const active = new Set<number>();
    for (let e = rowPtr[r]; e < rowPtr[r + 1]; e++) active.add(col[e]);
    for (const c of active) {
      fire[c] += 1;
      if (active.has(feature)) co[c] += 1;
    }
  }
  return { co, fire };
}
