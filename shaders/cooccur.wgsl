// Feature co-occurrence over sparse codes kept as CSR rows (the evaluation pass's codes, one chunk
// of rows at a time). A stored entry (r, c) means f[r, c] ≠ 0 (sparse-compact.wgsl stores only
// the nonzero codes, at most one entry per (r, c)), so with A_c = {rows where feature c fires}:
//
//   fireCount:    counts[c] += 1 for every stored entry (r, c)           → |A_c| over the chunk
//   cooccurCount: for every row r whose entries include `feature` (= j):
//                   counts[c] += 1 for every stored entry (r, c)         → |A_j ∩ A_c|
//                 (counts[j] itself becomes |A_j|)
//
// Jaccard |A_j ∩ A_c| / (|A_j| + |A_c| − |A_j ∩ A_c|) and lift are computed on the host from
// these two vectors. Counts are u32 atomics accumulated across chunks (zeroed by the host before
// the first); they are exact. Memory is O(F) whatever the number of rows: one query feature at a
// time instead of an F × F table (F = 16384 would need 1 GiB of counters).
//
// fireCount runs one thread per entry; cooccurCount one thread per row, scanning the row's
// entries for j (rows hold at most a few hundred entries) and then adding its columns.

struct Params {
  rows: u32,      // rows of this chunk
  nnz: u32,       // stored entries of this chunk (= rowPtr[rows])
  feature: u32,   // j (cooccurCount)
  gridX: u32,     // workgroups along x (the grid is 2-D beyond 65535 workgroups)
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> rowPtr: array<u32>;              // [rows + 1], from 0
@group(0) @binding(2) var<storage, read> col: array<u32>;                 // [nnz]
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>; // [F]

fn flatIndex(wg: vec3<u32>, lid: vec3<u32>) -> u32 {
  return (wg.y * params.gridX + wg.x) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn fireCount(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let e = flatIndex(wg, lid);
  if (e >= params.nnz) { return; }
  atomicAdd(&counts[col[e]], 1u);
}

@compute @workgroup_size(WG)
fn cooccurCount(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let r = flatIndex(wg, lid);
  if (r >= params.rows) { return; }
  let start = rowPtr[r];
  let end = rowPtr[r + 1u];
  var has = false;
  for (var e = start; e < end; e++) {
    if (col[e] == params.feature) { has = true; break; }
  }
  if (!has) { return; }
  for (var e = start; e < end; e++) {
    atomicAdd(&counts[col[e]], 1u);
  }
}
