// Elementwise axpy: y[i] = alpha · x[i] + y[i] for i < n (y updated in place).
// Used for gradient accumulation and parameter updates that need no optimizer state.

struct Params {
  n: u32,
  alpha: f32,
  // Threads per row of the 2-D dispatch grid (workgroups in x · WG), for n > 65535·WG.
  rowStride: u32,
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn axpy(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.rowStride + gid.x;
  if (i >= params.n) { return; }
  y[i] = fma(params.alpha, x[i], y[i]);
}
