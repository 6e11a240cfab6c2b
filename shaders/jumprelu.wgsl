// JumpReLU activation for inference of imported SAEs (SAELens / Gemma Scope), one workgroup per
// row of h [B, F] = ReLU(pre):
//   f[b, j] = h[b, j]·1[h[b, j] > θ_j],   l0[b] = nonzero count of row b of f
// With h = ReLU(pre) this equals the published ReLU(pre)·1[pre > θ_j] for every θ_j: where
// pre ≤ 0 both are 0, and where pre > 0, h = pre. A plain ReLU SAE runs it with θ ≡ 0
// (h > 0 ⇔ h ≠ 0, so f = h).

struct Params {
  B: u32,
  F: u32,
  rowGridX: u32,
  _pad: u32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> h: array<f32>;            // [B, F] post-ReLU
@group(0) @binding(2) var<storage, read> theta: array<f32>;        // [F] per-feature thresholds
@group(0) @binding(3) var<storage, read_write> f: array<f32>;      // [B, F] codes
@group(0) @binding(4) var<storage, read_write> l0: array<u32>;     // [B] nonzeros per row

var<workgroup> partial: array<u32, WG>;

@compute @workgroup_size(WG)
fn jumpRelu(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.rowGridX + wg.x;
  if (row >= params.B) { return; }
  let base = row * params.F;
  var c = 0u;
  for (var j = lid; j < params.F; j += WG) {
    let v = h[base + j];
    let keep = v > theta[j];
    f[base + j] = select(0.0, v, keep);
    c += select(0u, 1u, keep && v != 0.0);
  }
  // Tree sum of the per-thread counts (WG is a power of two).
  partial[lid] = c;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { l0[row] = partial[0]; }
}
