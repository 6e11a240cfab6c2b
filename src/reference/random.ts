/** Seeded kernel inputs, from the same generator as the reference model's initialisation. */
import { createRng } from '../model/rng';

/** n uniform floats in [lo, hi), rounded to float32. */
export function randomFloat32(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng.uniform();
  return out;
}
