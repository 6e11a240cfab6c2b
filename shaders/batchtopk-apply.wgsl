// BatchTopK selection, part 2, after batchtopk.wgsl has left τ (sel.prefix) and the number of
// entries equal to τ to keep (sel.remaining):
//   tieCount:   per block of BLOCK = WG·ITEMS consecutive flat indices, how many keys equal τ
//   tieOffsets: (one workgroup) exclusive prefix sum of those counts over the blocks; and the
//               inference threshold θ (spec §6): θ ← m the first time (θ < 0), else
//               β·θ + (1 − β)·m, with m the smallest kept value = the value of τ (0 if K = 0)
//   apply:      f = h where key > τ, or key = τ and its rank among the ties (flat-index order:
//               block offset + rank in the block) < sel.remaining; else 0
// and BatchTopK inference:
//   thresholdRows: (one workgroup per row) f = h·1[h > θ], l0[b] = nonzero count of row b
// Each thread owns ITEMS consecutive entries of its block, so ranks follow the flat index.

struct Params {
  n: u32,
  k: u32,
  nBlocks: u32,
  gridX: u32,
  B: u32,
  F: u32,
  rowGridX: u32,
  updateTheta: u32,
}

struct Select {
  digit: u32,
  prefix: u32,
  remaining: u32,
  total: u32,
}

override WG: u32 = 256;
override ITEMS: u32 = 16;
override BETA: f32 = 0.999;
override ONE_MINUS_BETA: f32 = 0.001; // 1 − β computed in float64 by the host

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> h: array<f32>;                  // [B, F]
@group(0) @binding(2) var<storage, read> sel: Select;
@group(0) @binding(3) var<storage, read_write> ties: array<u32>;         // [nBlocks]: counts → offsets
@group(0) @binding(4) var<storage, read_write> theta: array<f32>;        // [1]
@group(0) @binding(5) var<storage, read_write> f: array<f32>;            // [B, F]
@group(0) @binding(6) var<storage, read_write> l0: array<u32>;           // [B] (thresholdRows)

var<workgroup> scan: array<u32, WG>;

fn key(v: f32) -> u32 {
  return select(0u, bitcast<u32>(v), v > 0.0);
}

// Exclusive prefix sum of `v` over the workgroup's lanes (Hillis–Steele); the total in scan[WG−1]
// afterwards is v's inclusive sum.
fn exclusiveScan(lid: u32, v: u32) -> u32 {
  scan[lid] = v;
  workgroupBarrier();
  for (var off = 1u; off < WG; off *= 2u) {
    var a = 0u;
    if (lid >= off) { a = scan[lid - off]; }
    workgroupBarrier();
    scan[lid] += a;
    workgroupBarrier();
  }
  return scan[lid] - v;
}

@compute @workgroup_size(WG)
fn tieCount(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let block = wg.y * params.gridX + wg.x;
  if (block >= params.nBlocks) { return; }
  let tau = sel.prefix;
  let i0 = block * WG * ITEMS + lid * ITEMS;
  var eq = 0u;
  for (var i = i0; i < min(i0 + ITEMS, params.n); i++) { eq += select(0u, 1u, key(h[i]) == tau); }
  exclusiveScan(lid, eq);
  if (lid == WG - 1u) { ties[block] = scan[WG - 1u]; }
}

@compute @workgroup_size(WG)
fn tieOffsets(@builtin(local_invocation_index) lid: u32) {
  let chunk = (params.nBlocks + WG - 1u) / WG;
  let b0 = min(lid * chunk, params.nBlocks);
  let b1 = min(b0 + chunk, params.nBlocks);
  var s = 0u;
  for (var b = b0; b < b1; b++) { s += ties[b]; }
  var run = exclusiveScan(lid, s);
  for (var b = b0; b < b1; b++) {
    let c = ties[b];
    ties[b] = run;
    run += c;
  }
  if (lid == 0u && params.updateTheta != 0u) {
    let m = select(0.0, bitcast<f32>(sel.prefix), sel.total > 0u);
    let t = theta[0];
    theta[0] = select(fma(BETA, t, ONE_MINUS_BETA * m), m, t < 0.0);
  }
}

@compute @workgroup_size(WG)
fn apply(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let block = wg.y * params.gridX + wg.x;
  if (block >= params.nBlocks) { return; }
  let tau = sel.prefix;
  let need = sel.remaining;
  let i0 = block * WG * ITEMS + lid * ITEMS;
  let i1 = min(i0 + ITEMS, params.n);
  var eq = 0u;
  for (var i = i0; i < i1; i++) { eq += select(0u, 1u, key(h[i]) == tau); }
  var rank = ties[block] + exclusiveScan(lid, eq);
  for (var i = i0; i < i1; i++) {
    let v = h[i];
    let kv = key(v);
    var keep = kv > tau;
    if (kv == tau) {
      keep = rank < need;
      rank += 1u;
    }
    f[i] = select(0.0, v, keep);
  }
}

@compute @workgroup_size(WG)
fn thresholdRows(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.rowGridX + wg.x;
  if (row >= params.B) { return; }
  let th = theta[0];
  let base = row * params.F;
  var c = 0u;
  for (var j = lid; j < params.F; j += WG) {
    let v = h[base + j];
    let keep = v > th;
    f[base + j] = select(0.0, v, keep);
    c += select(0u, 1u, keep && v != 0.0);
  }
  exclusiveScan(lid, c);
  if (lid == WG - 1u) { l0[row] = scan[WG - 1u]; }
}
