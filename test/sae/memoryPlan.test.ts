// The up-front memory plan of a training run (reliability case 28): sizes worked out by hand from
// the buffer list in src/sae/memoryPlan.ts's comment, and the refusals a small GPU gets.
import { describe, expect, it } from 'vitest';
import {
  largestBatch,
  limitProblem,
  planRows,
  sparseCapacity,
  trainingMemory,
} from '../../src/sae/memoryPlan';

const MiB = 2 ** 20;
/** WebGPU's default limits. */
const DEFAULTS = { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };
/** A software adapter's (Chromium's SwiftShader reports 1 GiB for both). */
const SOFTWARE = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 };
const KINDS = ['params', 'grads', 'adamM', 'adamV'];

describe('trainingMemory', () => {
  it('sizes every tensor of (D, F, B) = (2304, 16384, 1024) as computed by hand', () => {
    const plan = trainingMemory({ D: 2304, F: 16384, B: 1024, kMax: 64 });
    const byLabel = new Map(plan.buffers.map((b) => [b.label, b.bytes]));
    // float32: 4 bytes per entry. Matrices [F, D] (the decoder stored transposed).
    const want = {
      'encoder.weight': 150994944, // 16384 · 2304 · 4
      'encoder.bias': 65536, // 16384 · 4
      'decoder.weight': 150994944, // 2304 · 16384 · 4
      b_dec: 9216, // 2304 · 4
      'k_estimator.0.weight': 150994944, // 16384 · 2304 · 4
      'k_estimator.0.bias': 65536, // 16384 · 4
      'k_estimator.2.weight': 65536, // 16384 · 4
      'k_estimator.2.bias': 4, // 1 · 4
    };
    for (const kind of KINDS)
      for (const [name, bytes] of Object.entries(want))
        expect(byLabel.get(`Sae.${kind}.${name}`), `${kind} ${name}`).toBe(bytes);
    expect(byLabel.get('Sae.h')).toBe(67108864); // 1024 · 16384 · 4 = 64 MiB
    // Lists: a quarter of F per row (4096 > 4·k_max = 256): 1024 · 4096 · 4.
    expect(byLabel.get('Sae.sparse.fLists.col')).toBe(16777216);
    expect(byLabel.get('Sae.x')).toBe(9437184); // 1024 · 2304 · 4
    // 4 kinds × 453,190,660 + 7 × 67,108,864 + 8 × 16,777,216 + 7 × 9,437,184
    expect(plan.total).toBe(2482802704);
    expect(plan.largest.label).toBe('Sae.params.encoder.weight');
    expect(plan.largest.bytes).toBe(150994944);
  });

  it('sizes the [B, F] workspace and the sparse lists', () => {
    // D = 64, F = 65536, B = 512, k_max = 32.
    const plan = trainingMemory({ D: 64, F: 65536, B: 512, kMax: 32 });
    const byLabel = new Map(plan.buffers.map((b) => [b.label, b.bytes]));
    expect(byLabel.get('Sae.h')).toBe(512 * 65536 * 4); // exactly 128 MiB
    // Lists: a quarter of F per row (16384 > 4·k_max = 128).
    expect(byLabel.get('Sae.sparse.fLists.col')).toBe(512 * 16384 * 4);
    expect(plan.largest.bytes).toBe(128 * MiB);
    // Per kind: W_enc, W_dec, W₁ (F·D each), b_enc, b₁, w₂ (F each), b_dec (64), b₂ (1).
    const tensors = (3 * 65536 * 64 + 3 * 65536 + 64 + 1) * 4;
    expect(plan.total).toBe(
      4 * tensors + 7 * 512 * 65536 * 4 + 8 * 512 * 16384 * 4 + 7 * 512 * 64 * 4,
    );
  });

  it('tabulates one row per tensor (4 buffers each) and per kind of workspace', () => {
    const rows = planRows(trainingMemory({ D: 2304, F: 16384, B: 1024, kMax: 64 }));
    const byRow = new Map(rows.map((r) => [r.row, [r.shape, r.each, r.count, r.bytes]]));
    expect(rows).toHaveLength(8 + 3);
    expect(byRow.get('encoder.weight')).toEqual(['[16384, 2304]', 150994944, 4, 603979776]);
    expect(byRow.get('decoder.weight')).toEqual(['[16384, 2304]', 150994944, 4, 603979776]);
    expect(byRow.get('k_estimator.2.bias')).toEqual(['[1]', 4, 4, 16]);
    expect(byRow.get('[B, F] workspace')).toEqual(['[1024, 16384]', 67108864, 7, 469762048]);
    expect(byRow.get('sparse code lists')).toEqual(['[4194304]', 16777216, 8, 134217728]);
    expect(byRow.get('[B, D] workspace')).toEqual(['[1024, 2304]', 9437184, 7, 66060288]);
  });

  it('keeps at least 4·k_max list entries per row, and never more than F', () => {
    expect(sparseCapacity(10, 100, 8)).toBe(10 * 32);
    expect(sparseCapacity(10, 1000, 8)).toBe(10 * 250);
    expect(sparseCapacity(10, 16, 8)).toBe(10 * 16);
  });
});

describe('limitProblem', () => {
  it('names the tensor and the limit that stop (2304, 16384, 1024) under the default limits', () => {
    const shape = { D: 2304, F: 16384, B: 1024, kMax: 64 };
    const p = limitProblem(shape, DEFAULTS);
    // 144 MiB of W_enc > 128 MiB per binding; W_dec and W₁ too, in all 4 kinds: 12 buffers.
    // Largest F: 134,217,728 / (2304 · 4) = 14563.5 atoms.
    expect(p).toEqual({
      key: 'dict_size',
      message:
        'Sae.params.encoder.weight needs 144 MiB (the encoder weight, [16384, 2304] float32: ' +
        '150,994,944 bytes) but this GPU allows 128 MiB per buffer (maxStorageBufferBindingSize ' +
        "= 134,217,728 bytes), and so do 11 more of the model's buffers; a tensor is never " +
        'split across buffers: use a dictionary of at most 14563 atoms.',
    });
    expect(largestBatch(shape, DEFAULTS)).toBe(0);
  });

  it('fits (2304, 16384, 1024) with 1 GiB bindings, up to a batch of 16384', () => {
    const shape = { D: 2304, F: 16384, B: 1024, kMax: 64 };
    expect(limitProblem(shape, SOFTWARE)).toBeNull();
    // [B, F] rows are the widest: 2^30 / (16384 · 4) = 16384 rows.
    expect(largestBatch(shape, SOFTWARE)).toBe(16384);
  });

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

  it('fits a model whose tensors each fit though all of them together would not', () => {
    // D = 64, F = 200000: W_enc is 51,200,000 bytes (48.8 MiB); the three matrices together
    // (146.5 MiB) were over 128 MiB as one buffer, but each has its own.
    expect(limitProblem({ D: 64, F: 200000, B: 1, kMax: 8 }, DEFAULTS)).toBeNull();
  });

  it('asks for a smaller dictionary when a tensor alone is over the limit', () => {
    // Gemma-2-2B width 2304 with F = 16·2304: W_enc alone is 36864 · 2304 · 4 = 339,738,624
    // bytes = 324 MiB, also over maxBufferSize (256 MiB), so the binding limit is the smaller.
    const p = limitProblem({ D: 2304, F: 36864, B: 1, kMax: 64 }, DEFAULTS);
    expect(p?.key).toBe('dict_size');
    expect(p?.message).toMatch(
      /^Sae\.params\.encoder\.weight needs 324 MiB \(the encoder weight, \[36864, 2304\] float32: 339,738,624 bytes\) .*use a dictionary of at most 14563 atoms\.$/,
    );
  });

  it('uses the smaller of the two limits', () => {
    const limits = { maxBufferSize: 64 * MiB, maxStorageBufferBindingSize: 128 * MiB };
    const p = limitProblem({ D: 64, F: 65536, B: 512, kMax: 32 }, limits);
    expect(p?.message).toContain('64 MiB per buffer (maxBufferSize): use a batch of at most 256.');
    // 64 MiB / (2304 · 4 B) = 7281.8 atoms.
    const q = limitProblem({ D: 2304, F: 16384, B: 8, kMax: 32 }, limits);
    expect(q?.message).toContain('(maxBufferSize = 67,108,864 bytes)');
    expect(q?.message).toMatch(/at most 7281 atoms\.$/);
  });
});
