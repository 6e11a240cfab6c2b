// Dispatch gate: turns a flag computed on the GPU into indirect dispatch arguments, so a step can
// choose between two ways of computing the same product (sparse lists vs dense GEMM) without a
// readback. One thread per gated dispatch:
//   args[i] = grid[i]  if (status[FLAG] != 0) == runWhenSet[i],  else (0, 0, 0)
// A dispatch of (0, 0, 0) workgroups is a no-op, so exactly one of each pair runs.

struct Params {
  count: u32,
  flagIndex: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> status: array<u32>;
// [count, 4]: gx, gy, gz, runWhenSet (0: run while the flag is clear, 1: while it is set)
@group(0) @binding(2) var<storage, read> grids: array<u32>;
@group(0) @binding(3) var<storage, read_write> args: array<u32>; // [count, 3] indirect args

@compute @workgroup_size(64)
fn gate(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.count) { return; }
  let flagged = status[params.flagIndex] != 0u;
  let run = flagged == (grids[4u * i + 3u] != 0u);
  for (var c = 0u; c < 3u; c++) {
    args[3u * i + c] = select(0u, grids[4u * i + c], run);
  }
}
