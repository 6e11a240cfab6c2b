import { describe, expect, it } from 'vitest';
import { ARENA_ALIGN, arenaLayout, packArena, unpackArena } from '../../src/sae/arena';
import { PARAM_NAMES } from '../../src/model/params';

describe('parameter arena', () => {
  it('places every tensor on a 256-byte boundary without overlap', () => {
    const layout = arenaLayout(5, 7);
    let end = 0;
    for (const name of PARAM_NAMES) {
      const e = layout.entries[name];
      expect(e.offset % ARENA_ALIGN, name).toBe(0);
      expect(e.offset, name).toBeGreaterThanOrEqual(end);
      end = e.offset + e.size;
    }
    expect(layout.size).toBeGreaterThanOrEqual(end);
    expect(layout.entries['decoder.weight'].deviceShape).toEqual([7, 5]);
  });

  it('stores the decoder transposed and round-trips every tensor', () => {
    const D = 2;
    const F = 3;
    const layout = arenaLayout(D, F);
    // decoder.weight [D=2, F=3] = [[1, 2, 3], [4, 5, 6]]; stored [F, D] = [[1,4],[2,5],[3,6]]
    const tensors = Object.fromEntries(
      PARAM_NAMES.map((n) => [n, new Float32Array(layout.entries[n].size).map((_, i) => i + 1)]),
    );
    const arena = packArena(layout, tensors);
    const dec = layout.entries['decoder.weight'];
    expect([...arena.subarray(dec.offset, dec.offset + 6)]).toEqual([1, 4, 2, 5, 3, 6]);
    const back = unpackArena(layout, arena);
    for (const n of PARAM_NAMES) expect([...back[n]], n).toEqual([...tensors[n]]);
  });
});
