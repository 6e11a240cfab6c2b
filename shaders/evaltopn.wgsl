// Evaluation pass, the N most activating rows of every feature, merged batch by batch:
//   topN: for feature j, (topVal[j, :], topRow[j, :]) ← the N best of
//         {the stored list} ∪ {(f[b,j], rowOffset + b) : f[b,j] > 0, b < B}
// in the order "larger value first, then smaller global row index first" (so of tied values the
// earlier row wins, in whatever batch it came). The list is sorted best first; a slot with value
// 0 is empty (its row is meaningless). Zeroed buffers are an empty list.
//
// One workgroup per feature. Each thread keeps, in private memory, the best ≤ N candidates of the
// rows it scans (b = lid, lid + WG, …) plus its share of the stored list; entries that cannot beat
// the stored N-th are skipped without a look. Then N rounds of a workgroup argmax over the heads of
// the private lists produce the merged list in order. Cost per batch: B·F reads, N·log₂WG barrier
// steps per feature.

struct Params {
  B: u32,
  F: u32,
  N: u32,          // list length, ≤ MAX_N
  rowOffset: u32,  // global index of row 0 of this batch
  gridX: u32,      // workgroups along x (features beyond 65535 use y)
}

override WG: u32 = 64;
const MAX_N: u32 = 32u;
const NO_ROW: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> f: array<f32>;                 // [B, F]
@group(0) @binding(2) var<storage, read_write> topVal: array<f32>;      // [F, N]
@group(0) @binding(3) var<storage, read_write> topRow: array<u32>;      // [F, N]

var<workgroup> bestV: array<f32, WG>;
var<workgroup> bestR: array<u32, WG>;
var<workgroup> bestT: array<u32, WG>;

fn better(v0: f32, r0: u32, v1: f32, r1: u32) -> bool {
  return v0 > v1 || (v0 == v1 && r0 < r1);
}

// Inserts (v, r) into the sorted private list (vals, rows) of length *len (capacity n).
fn insert(vals: ptr<function, array<f32, MAX_N>>, rows: ptr<function, array<u32, MAX_N>>,
          len: ptr<function, u32>, n: u32, v: f32, r: u32) {
  if (*len == n && !better(v, r, (*vals)[n - 1u], (*rows)[n - 1u])) { return; }
  var p = min(*len, n - 1u);
  while (p > 0u && better(v, r, (*vals)[p - 1u], (*rows)[p - 1u])) {
    (*vals)[p] = (*vals)[p - 1u];
    (*rows)[p] = (*rows)[p - 1u];
    p -= 1u;
  }
  (*vals)[p] = v;
  (*rows)[p] = r;
  *len = min(*len + 1u, n);
}

@compute @workgroup_size(WG)
fn topN(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = wg.y * params.gridX + wg.x;
  if (j >= params.F) { return; }
  let F = params.F;
  let n = params.N;
  let base = j * n;

  var vals: array<f32, MAX_N>;
  var rows: array<u32, MAX_N>;
  var len = 0u;
  for (var i = lid; i < n; i += WG) {
    let v = topVal[base + i];
    if (v > 0.0) { insert(&vals, &rows, &len, n, v, topRow[base + i]); }
  }
  // The stored N-th entry (when the list is full): nothing that fails to beat it can enter.
  let floorV = topVal[base + n - 1u];
  let floorR = select(NO_ROW, topRow[base + n - 1u], floorV > 0.0);
  for (var b = lid; b < params.B; b += WG) {
    let v = f[b * F + j];
    let r = params.rowOffset + b;
    if (v > 0.0 && better(v, r, floorV, floorR)) { insert(&vals, &rows, &len, n, v, r); }
  }

  // Every read of the stored list happened above; the barrier in round 0 orders the writes.
  var head = 0u;
  for (var k = 0u; k < n; k++) {
    bestV[lid] = select(0.0, vals[min(head, MAX_N - 1u)], head < len);
    bestR[lid] = select(NO_ROW, rows[min(head, MAX_N - 1u)], head < len);
    bestT[lid] = lid;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
      if (lid < stride && better(bestV[lid + stride], bestR[lid + stride], bestV[lid], bestR[lid])) {
        bestV[lid] = bestV[lid + stride];
        bestR[lid] = bestR[lid + stride];
        bestT[lid] = bestT[lid + stride];
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      topVal[base + k] = bestV[0];
      topRow[base + k] = bestR[0];
    }
    if (lid == bestT[0] && head < len) { head += 1u; }
    workgroupBarrier();
  }
}
