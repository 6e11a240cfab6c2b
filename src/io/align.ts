import { fail } from './errors.ts';
import type { TokenTable } from './tokens.ts';

/** Tokens matched one to one with activation rows. */
export interface AlignedTokens {
  tokens: string[];
  /** Sequence and position of each row. */
  sequence: Int32Array;
  position: Int32Array;
}

/** The shape facts of the activations that alignment needs. */
export interface RowsShape {
  rows: number;
  sequences?: number;
  positions?: number;
  describe(): string;
}

/**
 * Pairs token `i` with activation row `i`. Counts must match exactly — a difference of one is
 * refused (an off-by-one alignment would silently label every row with its neighbour's token).
 * For 3-D activations and tokens that carry sequences, every sequence must also match.
 */
export function alignTokens(t: TokenTable, acts: RowsShape): AlignedTokens {
  if (t.tokens.length !== acts.rows) {
    fail(
      t.file,
      'tokens/count-mismatch',
      `${t.tokens.length} tokens but ${acts.rows} activation rows in ${acts.describe()}; the counts must match exactly`,
    );
  }
  const n = acts.rows;
  if (acts.sequences !== undefined && acts.positions !== undefined) {
    const P = acts.positions;
    if (t.sequence && t.position) {
      for (let i = 0; i < n; i++) {
        const s = Math.floor(i / P);
        if (t.sequence[i] !== s || t.position[i] !== i % P) {
          fail(
            t.file,
            'tokens/sequence-mismatch',
            `token ${i} is at sequence ${t.sequence[i]} position ${t.position[i]} but activation row ${i} is sequence ${s} position ${i % P} (activations have ${acts.sequences} sequences of ${P})`,
          );
        }
      }
      return { tokens: t.tokens, sequence: t.sequence, position: t.position };
    }
    const sequence = new Int32Array(n);
    const position = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      sequence[i] = Math.floor(i / P);
      position[i] = i % P;
    }
    return { tokens: t.tokens, sequence, position };
  }
  if (t.sequence && t.position)
    return { tokens: t.tokens, sequence: t.sequence, position: t.position };
  // Flat tokens on 2-D rows: one sequence, positions in order.
  return {
    tokens: t.tokens,
    sequence: new Int32Array(n),
    position: Int32Array.from({ length: n }, (_, i) => i),
  };
}
