/** Types of scripts/bench-files.mjs. */
export function writeBenchNpy(
  path: string,
  dtype: 'f32' | 'f16',
  mb: number,
  width: number,
): { path: string; rows: number; width: number; dtype: string };
