// Evaluation pass, per-feature statistics of the codes f [B, F] (one batch of B rows), added into
// accumulators that live on the GPU across all batches of the pass (zeroed by the host on reset):
//
//   featureStats:     count[j]  += #{b : f[b,j] ≠ 0}                                    u32 [F]
//                     mom[0F+j] += Σ_b f[b,j]     (mom[1F+j]: Neumaier compensation)     f32 [4F]
//                     mom[2F+j] += Σ_b f[b,j]²    (mom[3F+j]: Neumaier compensation)
//                     fmax[j]    = max(fmax[j], max_b f[b,j])  (starts at 0: codes are ≥ 0)
//   featureHistogram: for every fired entry (v = f[b,j] ≠ 0) of column j, with the range
//                     hi = range[j] and scale = range[F + j] (= BINS / hi, as float32):
//                       v ≤ hi → hist[j·BINS + min(⌊v·scale⌋, BINS − 1)] += 1   (so v = hi lands
//                                in the last bin; an edge v = i·hi/BINS opens bin i)
//                       else   → outside[j] += 1      (v > hi, v < 0, NaN; every v when hi = 0)
//   histRange:        range[j] = fmax[j], range[F + j] = BINS / fmax[j] (0 when fmax[j] = 0):
//                     the histogram range of a second pass taken from the max of the first.
//
// The bin is ⌊fl32(v·scale)⌋ with scale read from the buffer: one correctly rounded float32
// multiply, so a float64 reference given the same scale reproduces every bin exactly.
// The per-batch sums are column reductions (strided lanes, then a tree over the lanes); the
// cross-batch running sums, whose error would otherwise grow with the number of batches, carry a
// Neumaier compensation term (the reported sum is mom[0] + mom[1]).

struct Params {
  B: u32,
  F: u32,
}

override COLS: u32 = 64;        // columns per workgroup
override LANES: u32 = 4;        // threads per column (a power of two)
override BINS: u32 = 32;        // histogram bins per feature

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> f: array<f32>;                     // [B, F]
@group(0) @binding(2) var<storage, read_write> count: array<u32>;           // [F]
@group(0) @binding(3) var<storage, read_write> mom: array<f32>;             // [4, F]
@group(0) @binding(4) var<storage, read_write> fmax: array<f32>;            // [F]
@group(0) @binding(5) var<storage, read_write> range: array<f32>;           // [2, F]: hi, scale
@group(0) @binding(6) var<storage, read_write> hist: array<atomic<u32>>;    // [F, BINS]
@group(0) @binding(7) var<storage, read_write> outside: array<atomic<u32>>; // [F]

var<workgroup> wCount: array<u32, COLS * LANES>;
var<workgroup> wSum: array<f32, COLS * LANES>;
var<workgroup> wSq: array<f32, COLS * LANES>;
var<workgroup> wMax: array<f32, COLS * LANES>;

// s + x with the rounding error of the addition collected in c (Neumaier's variant of Kahan).
fn compensatedAdd(i: u32, ci: u32, x: f32) {
  let s = mom[i];
  let t = s + x;
  var lost: f32;
  if (abs(s) >= abs(x)) { lost = (s - t) + x; } else { lost = (x - t) + s; }
  mom[i] = t;
  mom[ci] += lost;
}

@compute @workgroup_size(COLS, LANES)
fn featureStats(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let F = params.F;
  let j = wg.x * COLS + lid.x;
  let valid = j < F;
  var c = 0u;
  var s = 0.0;
  var q = 0.0;
  var m = 0.0;
  if (valid) {
    // Neighbouring threads read neighbouring columns of the same row (coalesced).
    for (var b = lid.y; b < params.B; b += LANES) {
      let v = f[b * F + j];
      c += select(0u, 1u, v != 0.0);
      s += v;
      q += v * v;
      m = max(m, v);
    }
  }
  let slot = lid.y * COLS + lid.x;
  wCount[slot] = c;
  wSum[slot] = s;
  wSq[slot] = q;
  wMax[slot] = m;
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride /= 2u) {
    if (lid.y < stride) {
      let o = slot + stride * COLS;
      wCount[slot] += wCount[o];
      wSum[slot] += wSum[o];
      wSq[slot] += wSq[o];
      wMax[slot] = max(wMax[slot], wMax[o]);
    }
    workgroupBarrier();
  }
  if (valid && lid.y == 0u) {
    count[j] += wCount[lid.x];
    compensatedAdd(j, F + j, wSum[lid.x]);
    compensatedAdd(2u * F + j, 3u * F + j, wSq[lid.x]);
    fmax[j] = max(fmax[j], wMax[lid.x]);
  }
}

@compute @workgroup_size(COLS, LANES)
fn featureHistogram(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let F = params.F;
  let j = wg.x * COLS + lid.x;
  if (j >= F) { return; }
  let hi = range[j];
  let scale = range[F + j];
  for (var b = lid.y; b < params.B; b += LANES) {
    let v = f[b * F + j];
    if (v == 0.0) { continue; }
    if (v > 0.0 && v <= hi) {
      let bin = min(u32(floor(v * scale)), BINS - 1u);
      atomicAdd(&hist[j * BINS + bin], 1u);
    } else {
      atomicAdd(&outside[j], 1u);
    }
  }
}

@compute @workgroup_size(COLS)
fn histRange(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= params.F) { return; }
  let hi = fmax[j];
  range[j] = hi;
  range[params.F + j] = select(0.0, f32(BINS) / hi, hi > 0.0);
}
