// Per-atom operations on the decoder, stored transposed on the device: W [F, D] in its own buffer,
// so dictionary atom j (decoder column j) is the contiguous row w_j = W[j, :]. Its gradient G
// [F, D] is another buffer of the same shape.
//
//   projectGrad:  g_j ← g_j − (g_j·ŵ_j) ŵ_j,  ŵ_j = w_j / (‖w_j‖ + PROJ_EPS)
//                 (spec §5.4: the step cannot change an atom's norm to first order)
//   renormalize:  w_j ← w_j / (‖w_j‖ + RENORM_EPS)   (spec §5.8), skipped when the optimizer
//                 flagged this step's gradients as non-finite, so a skipped step leaves every bit
//                 of the parameters unchanged.
// The epsilons are the reference's (src/reference/sae/optim.ts, src/model/schedules.ts), set by the host.
//
// One thread per atom, WG atoms per workgroup, no workgroup memory and no barrier: a thread walks
// its atom's D entries alone. A dot product over D entries is summed in blocks of BLOCK (an
// inner f32 sum per block, then the block sums), so its rounding depth is BLOCK + ⌈D/BLOCK⌉
// rather than D. Threads of a workgroup read atoms D floats apart; each cache line they touch
// serves the next entries of the same thread, so a GPU's caches absorb the stride. (One workgroup
// per atom with a tree reduction paid log₂ WG + 1 barriers per atom: on CPU adapters such as
// SwiftShader each of those switches between all of the workgroup's fibres.)

struct Params {
  D: u32,
  F: u32,
  // Workgroups per row of the 2-D dispatch grid (more than 65535 workgroups).
  groupsPerGridRow: u32,
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
const BLOCK: u32 = 32u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;  // W [F, D]
@group(0) @binding(2) var<storage, read_write> g: array<f32>;  // G [F, D] (projectGrad)
@group(0) @binding(3) var<storage, read> status: OptimStatus;  // (renormalize)

// This thread's atom, or F when it has none.
fn atomIndex(wg: vec3<u32>, lid: u32) -> u32 {
  let j = (wg.y * params.groupsPerGridRow + wg.x) * WG + lid;
  return min(j, params.F);
}

// (‖w_j‖², g_j·w_j) of the atom at `base`, blockwise.
fn projectSums(base: u32) -> vec2<f32> {
  let D = params.D;
  var total = vec2<f32>(0.0);
  for (var d0 = 0u; d0 < D; d0 += BLOCK) {
    var acc = vec2<f32>(0.0);
    for (var d = d0; d < min(d0 + BLOCK, D); d++) {
      let wv = w[base + d];
      acc = fma(vec2<f32>(wv, g[base + d]), vec2<f32>(wv), acc);
    }
    total += acc;
  }
  return total;
}

// ‖w_j‖² of the atom at `base`, blockwise (renormalize binds no G: it must not name g).
fn normSq(base: u32) -> f32 {
  let D = params.D;
  var total = 0.0;
  for (var d0 = 0u; d0 < D; d0 += BLOCK) {
    var acc = 0.0;
    for (var d = d0; d < min(d0 + BLOCK, D); d++) { acc = fma(w[base + d], w[base + d], acc); }
    total += acc;
  }
  return total;
}

@compute @workgroup_size(WG)
fn projectGrad(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = atomIndex(wg, lid);
  if (j >= params.F) { return; }
  let base = j * params.D;
  let sums = projectSums(base);
  // (g·ŵ) ŵ = (g·w) w / (‖w‖ + ε)²: one coefficient per atom.
  let inv = 1.0 / (sqrt(sums.x) + PROJ_EPS);
  let c = sums.y * inv * inv;
  for (var d = 0u; d < params.D; d++) {
    g[base + d] = fma(-c, w[base + d], g[base + d]);
  }
}

@compute @workgroup_size(WG)
fn renormalize(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // A step flagged non-finite writes nothing.
  if (status.nonFinite != 0u) { return; }
  let j = atomIndex(wg, lid);
  if (j >= params.F) { return; }
  let base = j * params.D;
  let scale = 1.0 / (sqrt(normSq(base)) + RENORM_EPS);
  for (var d = 0u; d < params.D; d++) { w[base + d] *= scale; }
}
