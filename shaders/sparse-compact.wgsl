// Dense → CSR: per-row lists of the active entries of a [B, F] (and, with HAS_B, of the union of
// the supports of a and b, gathering both values), one workgroup per row.
//   entry (b, j) is active  ⇔  a[b, j] ≠ 0  (or b[b, j] ≠ 0 with HAS_B)
//   rowCount:   count[b] = #active entries of row b, chunkOffset[b, t] = #active entries of
//               row b before thread t's chunk
//   (scan.wgsl: rowPtr = exclusive prefix of count, clamped to the capacity; status)
//   rowScatter: for the active entries of row b in increasing j, at e = rowPtr[b] + rank:
//               col[e] = j,  valA[e] = a[b, j],  valB[e] = b[b, j] (HAS_B)
// Entries whose rank would reach rowPtr[b + 1] are dropped: after an overflow the scan clamped
// rowPtr at the capacity, so the lists stop at `capacity` entries and never write past it.
// Each thread owns a contiguous chunk of ⌈F / WG⌉ columns; an exclusive scan of the per-chunk
// counts gives each entry its rank, so lists come out sorted by column (deterministic). The
// WG chunk counts are scanned serially by thread 0 after one barrier (WG additions cost less
// than the 2·log₂(WG) barrier rounds of a parallel scan at these sizes) and kept in chunkOffset,
// so rowScatter reads each row once and needs no barrier.

struct Params {
  B: u32,
  F: u32,
  gridX: u32,
}

override WG: u32 = 256;
override HAS_B: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;              // [B, F]
@group(0) @binding(2) var<storage, read> b: array<f32>;              // [B, F] (HAS_B)
@group(0) @binding(3) var<storage, read_write> count: array<u32>;    // [B] out
@group(0) @binding(4) var<storage, read> rowPtr: array<u32>;         // [B + 1]
@group(0) @binding(5) var<storage, read_write> col: array<u32>;      // [capacity] out
@group(0) @binding(6) var<storage, read_write> valA: array<f32>;     // [capacity] out
@group(0) @binding(7) var<storage, read_write> valB: array<f32>;     // [capacity] out (HAS_B)
@group(0) @binding(8) var<storage, read_write> chunkOffset: array<u32>;  // [B, WG]

var<workgroup> scratch: array<u32, WG>;

fn isActive(o: u32) -> bool {
  if (HAS_B) { return a[o] != 0.0 || b[o] != 0.0; }
  return a[o] != 0.0;
}

// Active entries in this thread's chunk [j0, j1) of row `row`.
fn chunkCount(base: u32, j0: u32, j1: u32) -> u32 {
  var c = 0u;
  for (var j = j0; j < j1; j++) { c += select(0u, 1u, isActive(base + j)); }
  return c;
}

@compute @workgroup_size(WG)
fn rowCount(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  let chunk = (F + WG - 1u) / WG;
  let j0 = min(lid * chunk, F);
  scratch[lid] = chunkCount(row * F, j0, min(j0 + chunk, F));
  workgroupBarrier();
  if (lid == 0u) {
    var run = 0u;
    for (var t = 0u; t < WG; t++) {
      chunkOffset[row * WG + t] = run;
      run += scratch[t];
    }
    count[row] = run;
  }
}

@compute @workgroup_size(WG)
fn rowScatter(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  let base = row * F;
  let chunk = (F + WG - 1u) / WG;
  let j0 = min(lid * chunk, F);
  let j1 = min(j0 + chunk, F);
  let end = rowPtr[row + 1u];
  var e = rowPtr[row] + chunkOffset[row * WG + lid];
  for (var j = j0; j < j1 && e < end; j++) {
    let o = base + j;
    if (isActive(o)) {
      col[e] = j;
      valA[e] = a[o];
      if (HAS_B) { valB[e] = b[o]; }
      e += 1u;
    }
  }
}
