// Hard top-k per row of h [B, F] (h ≥ 0, post-ReLU), one workgroup per row:
//   f[b, j] = h[b, j] if j is among the kk largest positive entries of row b, else 0.
// K_SOURCE 0: kk = params.k (TopK); 1: kk = ⌊k̂[b]⌋ (SoftSAE inference and hard phase);
// 2: the aux-k selection (spec §4): only features flagged in `dead` compete, and
// kk = min(params.k, #dead) with params.k = ⌊D/2⌋ and #dead = deadCount[0] (both on the GPU).
// A row with fewer than kk positive candidates keeps all of them (a smaller L0).
// Ties at the threshold go to the lowest column index (as the float64 reference does).
//
// Method: for non-negative floats the IEEE bit patterns order like the values, so the kk-th
// largest positive value τ is found exactly by a radix select on its bits, 8 at a time, MSB
// first: each pass histograms the next digit of the keys that share the prefix decided so far
// (256 bins in workgroup memory) and walks the bins from the top to the one holding the rank
// still wanted. Four passes decide all 32 bits, and the rank left over, r, says that τ is the
// r-th of the entries equal to it (by column): kk − r entries are > τ. Then entries > τ are kept,
// and of those equal to τ the first r by index: each thread owns a contiguous chunk of columns,
// and an exclusive scan of per-chunk tie counts gives each tie its rank.

struct Params {
  B: u32,
  F: u32,
  k: u32,
  gridX: u32,
}

override WG: u32 = 256;
override K_SOURCE: u32 = 1u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> h: array<f32>;           // [B, F]
@group(0) @binding(2) var<storage, read> kHat: array<f32>;        // [B] (K_SOURCE 1)
@group(0) @binding(3) var<storage, read_write> f: array<f32>;     // [B, F] out
@group(0) @binding(4) var<storage, read_write> l0: array<u32>;    // [B] out: kept count
@group(0) @binding(5) var<storage, read> dead: array<u32>;        // [F] 0/1 (K_SOURCE 2)
@group(0) @binding(6) var<storage, read> deadCount: array<u32>;   // [1] (K_SOURCE 2)

var<workgroup> counts: array<u32, WG>;
var<workgroup> total: u32;
var<workgroup> blockTotal: array<u32, 16>;   // WG / FAN ≤ 16 block sums of scanCounts
var<workgroup> hist: array<atomic<u32>, 256>;
var<workgroup> sel: vec2<u32>;   // (prefix of τ's key decided so far, rank wanted within it)

// Σ counts over the workgroup, returned to every thread as a uniform value (so it may steer
// control flow that contains barriers). Two fan-in-FAN levels: thread i < WG/FAN adds
// counts[i·FAN …] into counts[i·FAN], thread 0 adds those: three barriers, not log₂ WG + 1.
const FAN: u32 = 16u;

fn sumCounts(lid: u32) -> u32 {
  workgroupBarrier();
  if (lid < WG / FAN) {
    var c = 0u;
    for (var i = 0u; i < FAN; i++) { c += counts[lid * FAN + i]; }
    counts[lid * FAN] = c;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var c = 0u;
    for (var b = 0u; b < WG; b += FAN) { c += counts[b]; }
    total = c;
  }
  return workgroupUniformLoad(&total);
}

// Exclusive prefix sum of counts over threads (thread order = column order), in place, in the
// same two levels: each block of FAN scanned by its own thread, then the block totals by thread 0.
fn scanCounts(lid: u32) {
  workgroupBarrier();
  if (lid < WG / FAN) {
    var run = 0u;
    for (var i = 0u; i < FAN; i++) {
      let c = counts[lid * FAN + i];
      counts[lid * FAN + i] = run;
      run += c;
    }
    blockTotal[lid] = run;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var run = 0u;
    for (var b = 0u; b < WG / FAN; b++) {
      let c = blockTotal[b];
      blockTotal[b] = run;
      run += c;
    }
  }
  workgroupBarrier();
  counts[lid] += blockTotal[lid / FAN];
}

// Sort key of column j: the bit pattern of a positive value; 0 (never selected) for everything
// else, and for live features in the aux-k selection.
fn key(v: f32, j: u32) -> u32 {
  if (K_SOURCE == 2u && dead[j] == 0u) { return 0u; }
  return select(0u, bitcast<u32>(v), v > 0.0);
}

@compute @workgroup_size(WG)
fn rowTopK(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  let base = row * F;
  var kk = params.k;
  if (K_SOURCE == 1u) { kk = u32(max(floor(kHat[row]), 0.0)); }
  if (K_SOURCE == 2u) { kk = min(params.k, deadCount[0]); }
  let chunk = (F + WG - 1u) / WG;
  let j0 = min(lid * chunk, F);
  let j1 = min(j0 + chunk, F);

  // Positive entries: all kept when there are at most kk of them.
  var c = 0u;
  for (var j = j0; j < j1; j++) { c += select(0u, 1u, key(h[base + j], j) > 0u); }
  counts[lid] = c;
  let positives = sumCounts(lid);

  // Radix select of τ, the kk-th largest positive key (only when some positive entry is dropped).
  // Otherwise τ = 1, the smallest positive bit pattern, keeps every positive entry, and kk = 0
  // (k̂ < 1) a key above every value keeps none.
  var tau = select(1u, 0xffffffffu, kk == 0u);
  var need = select(positives, 0u, kk == 0u); // entries equal to τ to keep, in column order
  if (positives > kk && kk > 0u) {
    if (lid == 0u) { sel = vec2<u32>(0u, kk); }
    for (var level = 0u; level < 4u; level++) {
      for (var i = lid; i < 256u; i += WG) { atomicStore(&hist[i], 0u); }
      workgroupBarrier();
      let prefix = sel.x;
      let shift = 24u - 8u * level;
      for (var j = j0; j < j1; j++) {
        let b = key(h[base + j], j);
        // Level 0: every positive key matches the empty prefix (a shift by 32 would be invalid).
        let top = select(b >> (shift + 8u), 0u, level == 0u);
        if (b > 0u && top == prefix) { atomicAdd(&hist[(b >> shift) & 255u], 1u); }
      }
      workgroupBarrier();
      if (lid == 0u) {
        var want = sel.y;
        var d = 255u;
        loop {
          let c = atomicLoad(&hist[d]);
          if (c >= want || d == 0u) { break; }
          want -= c;
          d -= 1u;
        }
        sel = vec2<u32>((prefix << 8u) | d, want);
      }
      workgroupBarrier(); // the walk reads hist before the next level clears it
    }
    let s = workgroupUniformLoad(&sel);
    tau = s.x;
    need = s.y;
  }

  // Ties: this thread's count of entries equal to τ, then its first rank among them.
  var eq = 0u;
  for (var j = j0; j < j1; j++) { eq += select(0u, 1u, key(h[base + j], j) == tau); }
  counts[lid] = eq;
  scanCounts(lid);
  var rank = counts[lid];
  var kept = 0u;
  for (var j = j0; j < j1; j++) {
    let hv = h[base + j];
    let b = key(hv, j);
    var keep = b > tau;
    if (b == tau) { keep = rank < need; rank += 1u; }
    f[base + j] = select(0.0, hv, keep);
    kept += select(0u, 1u, keep);
  }
  workgroupBarrier();
  counts[lid] = kept;
  let keptTotal = sumCounts(lid);
  if (lid == 0u) { l0[row] = keptTotal; }
}
