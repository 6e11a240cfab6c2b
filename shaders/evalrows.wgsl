// Evaluation pass, per-row L0 of dense codes (the soft path, or any path that did not produce
// kept counts), one workgroup per row of f [B, F]:
//   rowL0: l0[b] = #{j : f[b,j] ≠ 0}                                   u32 [B], per batch
//          l0Range[0] = min(l0Range[0], l0[b]), l0Range[1] = max(…)    u32 [2], across batches
// (the host resets l0Range to (0xffffffff, 0); the mean L0 is Σ_j count[j] / rows and needs no
// kernel of its own).

struct Params {
  B: u32,
  F: u32,
  gridX: u32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> f: array<f32>;                  // [B, F]
@group(0) @binding(2) var<storage, read_write> l0: array<u32>;           // [B]
@group(0) @binding(3) var<storage, read_write> l0Range: array<atomic<u32>>; // [2]: min, max

var<workgroup> counts: array<u32, WG>;

@compute @workgroup_size(WG)
fn rowL0(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  var c = 0u;
  for (var j = lid; j < F; j += WG) { c += select(0u, 1u, f[row * F + j] != 0.0); }
  counts[lid] = c;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { counts[lid] += counts[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let total = counts[0];
    l0[row] = total;
    atomicMin(&l0Range[0], total);
    atomicMax(&l0Range[1], total);
  }
}
