// Row-space gradient at the active entries only: for each CSR entry e = (b, j),
//   outVal[e] = Σ_d g[b, d] · mat[j, d]
// e.g. ∂f[b, j] = ∂ℒ/∂x̂[b, :] · W_decᵀ[j, :] (W_dec stored transposed, [F, D]), replacing the
// dense GEMM nt ∂f = g · W_dec over all F features. With DENSE_OUT the result is also written
// into outDense [B, F], zeros everywhere else in the row (what the soft top-k backward reads).
// One workgroup per row; teams of TEAM threads (a power of two dividing WG) take one entry each,
// read g and the atom along D with a stride of TEAM (coalesced), and reduce in workgroup memory.
// TEAM = 1 (small D) is one thread per entry with no reduction and no barrier per entry.
// Work: nnz·D multiply-adds, plus B·F zero writes with DENSE_OUT.

struct Params {
  B: u32,
  F: u32,
  D: u32,
  gridX: u32,
}

override WG: u32 = 256;
override TEAM: u32 = 32;
override DENSE_OUT: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> rowPtr: array<u32>;          // [B + 1]
@group(0) @binding(2) var<storage, read> col: array<u32>;             // [nnz]
@group(0) @binding(3) var<storage, read> g: array<f32>;               // [B, D]
@group(0) @binding(4) var<storage, read> mat: array<f32>;             // [F, D]
@group(0) @binding(5) var<storage, read_write> outVal: array<f32>;    // [nnz] out
@group(0) @binding(6) var<storage, read_write> outDense: array<f32>;  // [B, F] out (DENSE_OUT)

var<workgroup> red: array<f32, WG>;
var<workgroup> bounds: vec2<u32>;

@compute @workgroup_size(WG)
fn csrDot(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let D = params.D;
  let F = params.F;
  if (lid == 0u) { bounds = vec2(rowPtr[row], rowPtr[row + 1u]); }
  let seg = workgroupUniformLoad(&bounds);
  if (DENSE_OUT) {
    for (var j = lid; j < F; j += WG) { outDense[row * F + j] = 0.0; }
    storageBarrier();
  }
  let teams = WG / TEAM;
  let team = lid / TEAM;
  let lane = lid % TEAM;
  for (var e0 = seg.x; e0 < seg.y; e0 += teams) {
    let e = e0 + team;
    var partial = 0.0;
    var j = 0u;
    if (e < seg.y) {
      j = col[e];
      for (var d = lane; d < D; d += TEAM) { partial = fma(g[row * D + d], mat[j * D + d], partial); }
    }
    var dot = partial;
    if (TEAM > 1u) {
      red[lid] = partial;
      workgroupBarrier();
      for (var stride = TEAM / 2u; stride > 0u; stride /= 2u) {
        if (lane < stride) { red[lid] += red[lid + stride]; }
        workgroupBarrier();
      }
      dot = red[lid];
    }
    if (lane == 0u && e < seg.y) {
      outVal[e] = dot;
      if (DENSE_OUT) { outDense[row * F + j] = dot; }
    }
  }
}
