// Evaluation pass, per-row metrics of spec §7 that the forward pass does not leave behind, and
// their dataset-level totals. For one batch of B rows (f [B, F], xn and x̂ [B, D], k̂ [B]):
//   rowStats  (one workgroup per row):
//     l0[b]     = #{j : f[b,j] ≠ 0}                 (dense codes: the soft path has no kept count)
//     cosine[b] = ⟨xn_b, x̂_b⟩ / (‖xn_b‖·‖x̂_b‖), 0 when either norm is 0
//     norms[b] = ‖xn_b‖, norms[B + b] = ‖x̂_b‖, norms[2B + b] = ⟨xn_b, x̂_b⟩, norms[3B + b] = ‖x̂_b‖²
//                 (scratch for rowTotals)
//     rowCounts = (min l0, max l0, rows, rows with k̂, rows with ‖xn‖ > 0) over the pass (u32
//                 atomics, reset to (~0, 0, 0, 0, 0)): the row counts live with the sums they
//                 divide, so a read taken while batches are in flight is still a consistent snapshot
//   rowTotals (one workgroup for the batch), added into rowAcc:
//     [0] += Σ_b ‖xn_b‖, [2] += Σ_b ‖x̂_b‖  (spec §7's l2_ratio = E‖x̂‖ / E‖x‖)
//     [4] += Σ_b k̂[b], [6] = min(…, min_b k̂), [7] = max(…, max_b k̂)   (when hasKHat ≠ 0)
//     [8] += Σ_b cosine[b]                          (mean cosine similarity)
//     [10] += Σ_{b: ‖xn_b‖ > 0} ‖x̂_b‖ / ‖xn_b‖      (SAEBench's l2_ratio, a mean of row ratios)
//     [12] += Σ_b ⟨xn_b, x̂_b⟩, [14] += Σ_b ‖x̂_b‖²  (relative reconstruction bias = [14] / [12])
//   with [1], [3], [5], [9], [11], [13], [15] the Neumaier compensations of the sum before each.

struct Params {
  B: u32,
  F: u32,
  D: u32,
  gridX: u32,
  hasKHat: u32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> f: array<f32>;                      // [B, F]
@group(0) @binding(2) var<storage, read> xn: array<f32>;                     // [B, D]
@group(0) @binding(3) var<storage, read> xHat: array<f32>;                   // [B, D]
@group(0) @binding(4) var<storage, read> kHat: array<f32>;                   // [B]
@group(0) @binding(5) var<storage, read_write> l0: array<u32>;               // [B]
@group(0) @binding(6) var<storage, read_write> cosine: array<f32>;           // [B]
@group(0) @binding(7) var<storage, read_write> norms: array<f32>;            // [4, B]
@group(0) @binding(8) var<storage, read_write> rowCounts: array<atomic<u32>>; // [5]
@group(0) @binding(9) var<storage, read_write> rowAcc: array<f32>;           // [16]

var<workgroup> w0: array<f32, WG>;
var<workgroup> w1: array<f32, WG>;
var<workgroup> w2: array<f32, WG>;
var<workgroup> w3: array<f32, WG>;

// Tree sums of w0…w2 (w3: count as f32, exact below 2^24) over the workgroup; totals in slot 0.
fn reduce4(lid: u32, minMax: bool) {
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      w0[lid] += w0[lid + stride];
      w1[lid] += w1[lid + stride];
      if (minMax) {
        w2[lid] = min(w2[lid], w2[lid + stride]);
        w3[lid] = max(w3[lid], w3[lid + stride]);
      } else {
        w2[lid] += w2[lid + stride];
        w3[lid] += w3[lid + stride];
      }
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(WG)
fn rowStats(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  let D = params.D;
  var c = 0u;
  for (var j = lid; j < F; j += WG) { c += select(0u, 1u, f[row * F + j] != 0.0); }
  var dot = 0.0;
  var xx = 0.0;
  var yy = 0.0;
  for (var d = lid; d < D; d += WG) {
    let x = xn[row * D + d];
    let y = xHat[row * D + d];
    dot += x * y;
    xx += x * x;
    yy += y * y;
  }
  w0[lid] = dot;
  w1[lid] = xx;
  w2[lid] = yy;
  w3[lid] = f32(c);
  reduce4(lid, false);
  if (lid == 0u) {
    let total = u32(w3[0]);
    l0[row] = total;
    atomicMin(&rowCounts[0], total);
    atomicMax(&rowCounts[1], total);
    atomicAdd(&rowCounts[2], 1u);
    if (params.hasKHat != 0u) { atomicAdd(&rowCounts[3], 1u); }
    let nx = sqrt(w1[0]);
    let ny = sqrt(w2[0]);
    if (nx > 0.0) { atomicAdd(&rowCounts[4], 1u); }
    cosine[row] = select(0.0, w0[0] / (nx * ny), nx > 0.0 && ny > 0.0);
    norms[row] = nx;
    norms[params.B + row] = ny;
    norms[2u * params.B + row] = w0[0];
    norms[3u * params.B + row] = w2[0];
  }
}

fn compensatedAdd(i: u32, x: f32) {
  let s = rowAcc[i];
  let t = s + x;
  var lost: f32;
  if (abs(s) >= abs(x)) { lost = (s - t) + x; } else { lost = (x - t) + s; }
  rowAcc[i] = t;
  rowAcc[i + 1u] += lost;
}

@compute @workgroup_size(WG)
fn rowTotals(@builtin(local_invocation_index) lid: u32) {
  let B = params.B;
  let hasK = params.hasKHat != 0u;
  var sx = 0.0;
  var sy = 0.0;
  var ks = 0.0;
  var kmin = 3.4e38;
  var kmax = -3.4e38;
  for (var b = lid; b < B; b += WG) {
    sx += norms[b];
    sy += norms[B + b];
    if (hasK) {
      let k = kHat[b];
      ks += k;
      kmin = min(kmin, k);
      kmax = max(kmax, k);
    }
  }
  w0[lid] = sx;
  w1[lid] = sy;
  w2[lid] = 0.0;
  w3[lid] = ks;
  reduce4(lid, false);
  if (lid == 0u) {
    compensatedAdd(0u, w0[0]);
    compensatedAdd(2u, w1[0]);
    if (hasK) { compensatedAdd(4u, w3[0]); }
  }
  workgroupBarrier();
  w0[lid] = 0.0;
  w1[lid] = 0.0;
  w2[lid] = kmin;
  w3[lid] = kmax;
  reduce4(lid, true);
  if (lid == 0u && hasK) {
    rowAcc[6] = min(rowAcc[6], w2[0]);
    rowAcc[7] = max(rowAcc[7], w3[0]);
  }
  workgroupBarrier();
  var sc = 0.0;
  var sr = 0.0;
  var sd = 0.0;
  var syy = 0.0;
  for (var b = lid; b < B; b += WG) {
    let nx = norms[b];
    sc += cosine[b];
    if (nx > 0.0) { sr += norms[B + b] / nx; }
    sd += norms[2u * B + b];
    syy += norms[3u * B + b];
  }
  w0[lid] = sc;
  w1[lid] = sr;
  w2[lid] = sd;
  w3[lid] = syy;
  reduce4(lid, false);
  if (lid == 0u) {
    compensatedAdd(8u, w0[0]);
    compensatedAdd(10u, w1[0]);
    compensatedAdd(12u, w2[0]);
    compensatedAdd(14u, w3[0]);
  }
}
