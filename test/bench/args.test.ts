// The bench's options, shared by the Chromium route (scripts/bench.mjs) and the browserless one
// (scripts/bench-node.mjs): the same flags must ask both for the same work.
import { describe, expect, it } from 'vitest';
import { benchArgs, gemmRequest, stepRequest } from '../../scripts/bench-args.mjs';

describe('bench options', () => {
  it('with no section named, runs GEMM, sparse and steps, and the profile only when named', () => {
    const a = benchArgs([]);
    expect(['--gemm', '--sparse', '--steps'].map(a.runs)).toEqual([true, true, true]);
    expect(a.runs('--profile')).toBe(false);
    expect(stepRequest(a).profileReps).toBe(0);
    expect(stepRequest(benchArgs(['--steps', '--profile'])).profileReps).toBe(3);
    expect(benchArgs(['--steps']).runs('--gemm')).toBe(false);
  });

  it('--shapes gives (rows, D, F) to the GEMMs and (D, F, rows) to the steps', () => {
    const a = benchArgs(['--shapes', '4096,768,16384;256,128,2048']);
    expect(a.shapes).toEqual([
      [4096, 768, 16384],
      [256, 128, 2048],
    ]);
    expect(stepRequest(a).shapes).toEqual([
      [768, 16384, 4096],
      [128, 2048, 256],
    ]);
    expect(gemmRequest(a).shapes).toBe(a.shapes);
  });

  it('--quick shrinks every default, and named values win over it', () => {
    const q = benchArgs(['--quick']);
    expect([q.shapes, q.stepShapes, q.reps, q.recipeSteps]).toEqual([
      [[64, 32, 128]],
      [[16, 64, 64]],
      3,
      200,
    ]);
    const r = benchArgs(['--quick', '--reps', '11', '--archs', 'topk', '--tiles', '16,4,32']);
    expect([r.reps, r.stepArchs, r.tiles]).toEqual([11, ['topk'], { wgX: 16, wgY: 4, tk: 32 }]);
  });

  it('asks for the sparse table only when it runs', () => {
    expect(gemmRequest(benchArgs(['--gemm'])).sparse).toBeUndefined();
    const s = gemmRequest(benchArgs(['--sparse', '--sparse-shapes', '8,64,32', '--ks', '2,4']));
    expect(s.skipGemm).toBe(true);
    expect(s.sparse).toMatchObject({ shapes: [[8, 64, 32]], ks: [2, 4] });
  });
});
