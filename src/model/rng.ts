/**
 * Small seeded pseudo-random generator for reproducible initialisation in the reference model.
 *
 * mulberry32 (32-bit state, period 2^32) is plenty for initialising a few million weights and is
 * trivially portable to WGSL or any other language, so a GPU engine can reproduce an init exactly.
 */

/** A source of uniform and normal random numbers in float64. */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller, one value per call; the pair's second value is cached). */
  normal(): number;
  /** The generator's whole state, to continue the same stream later (checkpoints). */
  snapshot(): RngState;
}

/** mulberry32's 32-bit state plus Box–Muller's cached second value. */
export interface RngState {
  state: number;
  spare: number | null;
}

/**
 * Creates a mulberry32 generator; the same `seed` (any integer, taken modulo 2^32) gives the same
 * stream. With `from` (a {@link Rng.snapshot}) it continues that stream instead; `seed` is ignored.
 */
export function createRng(seed: number, from?: RngState): Rng {
  let state = (from ? from.state : seed) >>> 0;
  let spare: number | null = from ? from.spare : null;

  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };

  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // Box–Muller: u1 in (0, 1] so that log(u1) is finite.
    const u1 = 1 - uniform();
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };

  return { uniform, normal, snapshot: () => ({ state, spare }) };
}
