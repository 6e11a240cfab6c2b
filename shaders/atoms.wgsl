// Per-atom operations on the decoder, stored transposed on the device: W [F, D] in its own buffer,
// so dictionary atom j (decoder column j) is the contiguous row w_j = W[j, :]. Its gradient G
// [F, D] is another buffer of the same shape. One workgroup per atom.
//
//   projectGrad:  g_j ← g_j − (g_j·ŵ_j) ŵ_j,  ŵ_j = w_j / (‖w_j‖ + PROJ_EPS)
//                 (spec §5.4: the step cannot change an atom's norm to first order)
//   renormalize:  w_j ← w_j / (‖w_j‖ + RENORM_EPS)   (spec §5.8), skipped when the optimizer
//                 flagged this step's gradients as non-finite, so a skipped step leaves every bit
//                 of the parameters unchanged.
// The epsilons are the reference's (src/reference/sae/optim.ts, src/model/schedules.ts), set by the host.
// Reductions are a balanced tree over WG lanes in f32.

struct Params {
  D: u32,
  F: u32,
  // Atoms handled per row of the 2-D dispatch grid (F > 65535).
  rowsPerGridRow: u32,
}

// Same layout as OptimStatus in gradnorm.wgsl (a unit test checks it); only nonFinite is read.
struct OptimStatus {
  scale: f32,
  norm: f32,
  nonFinite: u32,
  skipped: u32,
}

override WG: u32 = 64;
override PROJ_EPS: f32 = 1e-6;
override RENORM_EPS: f32 = 1.1920929e-7;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;  // W [F, D]
@group(0) @binding(2) var<storage, read_write> g: array<f32>;  // G [F, D] (projectGrad)
@group(0) @binding(3) var<storage, read> status: OptimStatus;  // (renormalize)

var<workgroup> sumA: array<f32, WG>;
var<workgroup> sumB: array<f32, WG>;

fn treeSum(lid: u32) {
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      sumA[lid] += sumA[lid + stride];
      sumB[lid] += sumB[lid + stride];
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(WG)
fn projectGrad(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = wg.y * params.rowsPerGridRow + wg.x;
  let valid = j < params.F;  // no early return before the barriers
  let base = j * params.D;
  var ww = 0.0;
  var gw = 0.0;
  if (valid) {
    for (var d = lid; d < params.D; d += WG) {
      ww = fma(w[base + d], w[base + d], ww);
      gw = fma(g[base + d], w[base + d], gw);
    }
  }
  sumA[lid] = ww;
  sumB[lid] = gw;
  treeSum(lid);
  if (!valid) { return; }
  // (g·ŵ) ŵ = (g·w) w / (‖w‖ + ε)²: one coefficient per atom.
  let inv = 1.0 / (sqrt(sumA[0]) + PROJ_EPS);
  let c = sumB[0] * inv * inv;
  for (var d = lid; d < params.D; d += WG) {
    g[base + d] = fma(-c, w[base + d], g[base + d]);
  }
}

@compute @workgroup_size(WG)
fn renormalize(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // Uniform across the dispatch: every invocation skips together, before any barrier.
  if (status.nonFinite != 0u) { return; }
  let j = wg.y * params.rowsPerGridRow + wg.x;
  let valid = j < params.F;
  let base = j * params.D;
  var ww = 0.0;
  if (valid) {
    for (var d = lid; d < params.D; d += WG) { ww = fma(w[base + d], w[base + d], ww); }
  }
  sumA[lid] = ww;
  sumB[lid] = 0.0;
  treeSum(lid);
  if (!valid) { return; }
  let scale = 1.0 / (sqrt(sumA[0]) + RENORM_EPS);
  for (var d = lid; d < params.D; d += WG) { w[base + d] *= scale; }
}
