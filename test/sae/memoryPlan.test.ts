// The up-front memory plan of a training run (reliability case 28): sizes worked out by hand from
// the buffer list in src/sae/memoryPlan.ts's comment, and the refusals a small GPU gets.
import { describe, expect, it } from 'vitest';
import { limitProblem, sparseCapacity, trainingMemory } from '../../src/sae/memoryPlan';

const MiB = 2 ** 20;
/** WebGPU's default limits. */
const DEFAULTS = { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };

describe('trainingMemory', () => {
  it('sizes the arenas, the [B, F] workspace and the sparse lists', () => {
    // D = 64, F = 65536, B = 512, k_max = 32. Arena: W_enc, W_dec, W₁ (F·D each), b_enc, b₁, w₂
    // (F each), b_dec (64) and b₂ (1 → 64 floats, every tensor 256-byte aligned).
    const plan = trainingMemory({ D: 64, F: 65536, B: 512, kMax: 32 });
    const arena = (3 * 65536 * 64 + 3 * 65536 + 64 + 64) * 4;
    const byLabel = new Map(plan.buffers.map((b) => [b.label, b.bytes]));
    for (const k of ['params', 'grads', 'adamM', 'adamV'])
      expect(byLabel.get(`Sae.${k}`)).toBe(arena);
    expect(byLabel.get('Sae.h')).toBe(512 * 65536 * 4); // exactly 128 MiB
    // Lists: a quarter of F per row (16384 > 4·k_max = 128).
    expect(byLabel.get('Sae.sparse.fLists.col')).toBe(512 * 16384 * 4);
    expect(plan.largest.bytes).toBe(128 * MiB);
    expect(plan.total).toBe(
      4 * arena + 7 * 512 * 65536 * 4 + 8 * 512 * 16384 * 4 + 7 * 512 * 64 * 4,
    );
  });

  it('keeps at least 4·k_max list entries per row, and never more than F', () => {
    expect(sparseCapacity(10, 100, 8)).toBe(10 * 32);
    expect(sparseCapacity(10, 1000, 8)).toBe(10 * 250);
    expect(sparseCapacity(10, 16, 8)).toBe(10 * 16);
  });
});

describe('limitProblem', () => {
  it('accepts a shape whose largest buffer equals the limit', () => {
    expect(limitProblem({ D: 64, F: 65536, B: 512, kMax: 32 }, DEFAULTS)).toBeNull();
  });

  it('refuses a batch over the limit and names the largest batch that fits', () => {
    expect(limitProblem({ D: 64, F: 65536, B: 1024, kMax: 32 }, DEFAULTS)).toEqual({
      key: 'batch_size',
      message:
        'Sae.h needs 256 MiB (batch 1024 × dictionary 65536) but this GPU allows 128 MiB per ' +
        'buffer (maxStorageBufferBindingSize): use a batch of at most 512.',
    });
    // F = 100000: 128 MiB / (100000 · 4 B) = 335.5 rows.
    expect(limitProblem({ D: 16, F: 100000, B: 4096, kMax: 8 }, DEFAULTS)?.message).toMatch(
      /use a batch of at most 335\.$/,
    );
  });

  it('asks for a smaller dictionary when the parameters alone are over the limit', () => {
    // Gemma-2-2B width 2304 with F = 16·2304: W_enc alone is 324 MiB; the arena
    // (3·F·D + 3·F + 2304 + 64 floats) is 1,019,667,712 bytes = 972.4 MiB.
    const p = limitProblem({ D: 2304, F: 36864, B: 1, kMax: 64 }, DEFAULTS);
    expect(p?.key).toBe('dict_size');
    expect(p?.message).toMatch(/^Sae\.params needs 972 MiB .* use a smaller dictionary size\.$/);
  });

  it('uses the smaller of the two limits', () => {
    const p = limitProblem(
      { D: 64, F: 65536, B: 512, kMax: 32 },
      { maxBufferSize: 64 * MiB, maxStorageBufferBindingSize: 128 * MiB },
    );
    expect(p?.message).toContain('64 MiB per buffer (maxBufferSize): use a batch of at most 256.');
  });
});
