// Exclusive prefix sum of n u32 counts in one workgroup of WG threads, for the sparse lists
// (rows of a CSR, features of a CSC). Each thread owns a contiguous chunk of ⌈n / WG⌉ counts:
// it sums its chunk, a workgroup scan gives the chunk's start, and a second sweep writes
//   offsets[i] = min(Σ_{i' < i} counts[i'], capacity)                   (WRITE_OFFSETS)
//   ptr[i / stride] = min(Σ_{i' < i} counts[i'], capacity)   for i % stride == 0
//   ptr[n / stride] = min(total, capacity)                      (n must be a multiple of stride)
//   status = [total, min(total, capacity), total > capacity, max_i counts[i]]
// Clamping to the capacity truncates the lists consistently when they overflow: the scatter
// kernels never write past `capacity`, and the host reads status[2] to fall back to dense.
// CLEAR zeroes the counts after reading them, so atomic counters start from 0 next time.

struct Params {
  n: u32,
  stride: u32,
  capacity: u32,
}

override WG: u32 = 256;
override WRITE_OFFSETS: bool = false;
override CLEAR: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> counts: array<u32>;   // [n] in (zeroed if CLEAR)
@group(0) @binding(2) var<storage, read_write> offsets: array<u32>;  // [n] out (WRITE_OFFSETS)
@group(0) @binding(3) var<storage, read_write> ptr: array<u32>;      // [n / stride + 1] out
@group(0) @binding(4) var<storage, read_write> status: array<u32>;   // [4] out

var<workgroup> sums: array<u32, WG>;
var<workgroup> maxes: array<u32, WG>;

@compute @workgroup_size(WG)
fn exclusiveScan(@builtin(local_invocation_index) lid: u32) {
  let n = params.n;
  let cap = params.capacity;
  let chunk = (n + WG - 1u) / WG;
  let i0 = min(lid * chunk, n);
  let i1 = min(i0 + chunk, n);
  var s = 0u;
  var m = 0u;
  for (var i = i0; i < i1; i++) {
    let c = counts[i];
    s += c;
    m = max(m, c);
  }
  // Inclusive Hillis–Steele scan of the chunk sums; max-reduction alongside.
  sums[lid] = s;
  maxes[lid] = m;
  workgroupBarrier();
  for (var off = 1u; off < WG; off *= 2u) {
    var v = 0u;
    var w = 0u;
    if (lid >= off) {
      v = sums[lid - off];
      w = maxes[lid - off];
    }
    workgroupBarrier();
    sums[lid] += v;
    maxes[lid] = max(maxes[lid], w);
    workgroupBarrier();
  }
  var run = sums[lid] - s;
  for (var i = i0; i < i1; i++) {
    let c = counts[i];
    if (WRITE_OFFSETS) { offsets[i] = min(run, cap); }
    if (i % params.stride == 0u) { ptr[i / params.stride] = min(run, cap); }
    if (CLEAR) { counts[i] = 0u; }
    run += c;
  }
  if (lid == WG - 1u) {
    let total = sums[lid];
    ptr[n / params.stride] = min(total, cap);
    status[0] = total;
    status[1] = min(total, cap);
    status[2] = select(0u, 1u, total > cap);
    status[3] = maxes[lid];
  }
}
