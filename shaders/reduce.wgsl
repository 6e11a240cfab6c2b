// Row and column reductions of a dense row-major matrix X[M, N]:
//   reduceRows: out[m] = Σ_n φ(X[m, n])   — one workgroup per row
//   reduceCols: out[n] = Σ_m φ(X[m, n])   — one workgroup per WG column block
// with φ(v) = v (sum) or v² (SQUARE: sum of squares). Accumulation is in f32; each thread sums a
// strided subset, then the workgroup combines partial sums as a balanced tree, which keeps the
// rounding error near O(log n)·ε instead of the O(n)·ε of one running sum.

struct Params {
  M: u32,
  N: u32,
  // Rows handled per workgroup in y for reduceRows dispatches wider than 65535 (2-D grid).
  rowsPerGridRow: u32,
}

override SQUARE: bool = false;
override WG: u32 = 256;        // threads per workgroup for reduceRows
override COLS: u32 = 64;       // columns per workgroup for reduceCols
override ROW_LANES: u32 = 4;   // threads per column for reduceCols

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, WG>;
var<workgroup> colPartial: array<f32, COLS * ROW_LANES>;

fn phi(v: f32) -> f32 {
  if (SQUARE) { return v * v; }
  return v;
}

@compute @workgroup_size(WG)
fn reduceRows(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.rowsPerGridRow + wg.x;
  // No early return before the barriers: every invocation must reach them.
  let valid = row < params.M;
  var s = 0.0;
  if (valid) {
    let base = row * params.N;
    for (var n = lid; n < params.N; n += WG) { s += phi(x[base + n]); }
  }
  partial[lid] = s;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  if (valid && lid == 0u) { out[row] = partial[0]; }
}

@compute @workgroup_size(COLS, ROW_LANES)
fn reduceCols(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col = wg.x * COLS + lid.x;
  let valid = col < params.N;
  var s = 0.0;
  if (valid) {
    // Neighbouring threads read neighbouring columns of the same row (coalesced).
    for (var m = lid.y; m < params.M; m += ROW_LANES) { s += phi(x[m * params.N + col]); }
  }
  colPartial[lid.y * COLS + lid.x] = s;
  workgroupBarrier();
  for (var stride = ROW_LANES / 2u; stride > 0u; stride /= 2u) {
    if (lid.y < stride) { colPartial[lid.y * COLS + lid.x] += colPartial[(lid.y + stride) * COLS + lid.x]; }
    workgroupBarrier();
  }
  if (valid && lid.y == 0u) { out[col] = colPartial[lid.x]; }
}
