// Elementwise maps over a row-major matrix of n = rows·D elements, with a 2-D dispatch grid so
// that n may exceed 65535·WG:
//   subRow:    out[i] = (x[i] − v[i mod D]) · scale     (input normalisation, x − b_dec)
//   subScaled: out[i] = (x[i] − y[i]) · scale           (residuals, ∂ℒ/∂x̂ = 2(x̂ − x)/B)
//   maskNonzero: out[i] = y[i] ≠ 0 ? x[i] : 0           (straight-through gradient of a top-k:
//                                                       ∂pre = ∂f on the kept, positive codes)
//   maskNonzeroAdd: out[i] += y[i] ≠ 0 ? x[i] : 0       (the aux-k gradient added to ∂pre)

struct Params {
  n: u32,
  D: u32,
  scale: f32,
  // Threads per row of the dispatch grid (workgroups in x · WG).
  rowStride: u32,
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
// subRow: v [D]; subScaled, maskNonzero(Add): y [n]
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn subRow(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.rowStride + gid.x;
  if (i >= params.n) { return; }
  out[i] = (x[i] - y[i % params.D]) * params.scale;
}

@compute @workgroup_size(WG)
fn subScaled(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.rowStride + gid.x;
  if (i >= params.n) { return; }
  out[i] = (x[i] - y[i]) * params.scale;
}

@compute @workgroup_size(WG)
fn maskNonzero(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.rowStride + gid.x;
  if (i >= params.n) { return; }
  out[i] = select(0.0, x[i], y[i] != 0.0);
}

@compute @workgroup_size(WG)
fn maskNonzeroAdd(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.rowStride + gid.x;
  if (i >= params.n) { return; }
  out[i] += select(0.0, x[i], y[i] != 0.0);
}
