// BatchTopK selection, part 1 (spec §6): the key τ of the K-th largest entry of the whole batch
// h [B, F] (n = B·F values, h ≥ 0 post-ReLU), K = min(k, #positive), k = k_target·B.
// batchtopk-apply.wgsl then keeps every entry above τ and, of those equal to τ, the first ones by
// flat index b·F + j — the tie rule of src/reference/sae/select.ts (batchTopKMask). Entries that
// are not positive are never kept: the reference may keep zeros when k > #positive, but a kept
// zero contributes nothing to f or to any gradient.
//
// Method: for non-negative floats the IEEE bit patterns order like the values, so τ is found
// exactly by an MSB-first radix select over the keys, 8 bits per pass, 4 passes. Everything the
// passes hand on lives in the `Select` storage struct, so one submit runs them all with no
// readback and no per-pass uniform:
//   begin:     zero the histogram; state (digit 0, prefix 0, remaining k)
//   histogram: (many workgroups) per 8-bit digit at bits [24 − 8p, 32 − 8p), count the positive
//              keys whose higher digits equal the prefix resolved so far (all of them at p = 0)
//   pick:      (one workgroup, a lane per digit) the digit d that holds the `remaining`-th largest
//              key is the one with  above(d) < remaining ≤ above(d) + hist[d],  above(d) = Σ_{d'>d};
//              prefix |= d << shift, remaining −= above(d); the histogram is cleared for the next
//              pass. At p = 0 it first caps remaining at #positive and records total = K.
// After pass 3, prefix = τ and remaining = how many entries equal to τ are kept (≥ 1 when K > 0).
// K = 0 leaves τ = 0xffffffff, above every key: nothing is kept.

struct Params {
  n: u32,           // B·F
  k: u32,           // entries to keep (k_target·B)
  nBlocks: u32,     // apply blocks of BLOCK = 256·ITEMS entries (batchtopk-apply.wgsl)
  gridX: u32,       // x count of the 2-D block grid
  B: u32,
  F: u32,
  rowGridX: u32,    // x count of the row grid (thresholdRows)
  updateTheta: u32, // 1: blend this batch's smallest kept value into θ (step > 1000)
}

// Same layout in batchtopk-apply.wgsl (a unit test checks it).
struct Select {
  digit: u32,       // radix pass p: the next digit to resolve (4 = done)
  prefix: u32,
  remaining: u32,
  total: u32,       // K
}

const BINS = 256u;
const NONE = 0xffffffffu;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> h: array<f32>;                      // [B, F]
@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>, BINS>;
@group(0) @binding(3) var<storage, read_write> sel: Select;

var<workgroup> local: array<atomic<u32>, BINS>;
var<workgroup> suffix: array<u32, BINS>;
var<workgroup> found: u32;
var<workgroup> foundAbove: u32;

// Sort key: the bit pattern of a positive value; 0 (never selected) for everything else.
fn key(v: f32) -> u32 {
  return select(0u, bitcast<u32>(v), v > 0.0);
}

@compute @workgroup_size(BINS)
fn begin(@builtin(local_invocation_index) lid: u32) {
  atomicStore(&hist[lid], 0u);
  // remaining starts at k (pass 0 caps it at #positive); this also keeps the uniform bound here.
  if (lid == 0u) { sel = Select(0u, 0u, params.k, 0u); }
}

@compute @workgroup_size(BINS)
fn histogram(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  atomicStore(&local[lid], 0u);
  workgroupBarrier();
  let p = sel.digit;
  let shift = 24u - 8u * min(p, 3u);
  let hiShift = min(shift + 8u, 31u); // only used when p > 0 (shift ≤ 16)
  // Pass 0 counts every positive key; later passes stop once nothing is left to keep (K = 0).
  if (p < 4u && (p == 0u || sel.remaining > 0u)) {
    let prefixHi = sel.prefix >> hiShift;
    for (var i = wg.x * BINS + lid; i < params.n; i += nwg.x * BINS) {
      let kv = key(h[i]);
      if (kv == 0u) { continue; }
      if (p > 0u && (kv >> hiShift) != prefixHi) { continue; }
      atomicAdd(&local[(kv >> shift) & 0xffu], 1u);
    }
  }
  workgroupBarrier();
  let c = atomicLoad(&local[lid]);
  if (c > 0u) { atomicAdd(&hist[lid], c); }
}

@compute @workgroup_size(BINS)
fn pick(@builtin(local_invocation_index) lid: u32) {
  let p = sel.digit;
  var remaining = sel.remaining;
  let c = atomicLoad(&hist[lid]);
  atomicStore(&hist[lid], 0u);
  if (lid == 0u) { found = NONE; }
  // Inclusive suffix sums: suffix[d] = Σ_{d' ≥ d} hist[d'] (Hillis–Steele).
  suffix[lid] = c;
  workgroupBarrier();
  for (var off = 1u; off < BINS; off *= 2u) {
    var v = 0u;
    if (lid + off < BINS) { v = suffix[lid + off]; }
    workgroupBarrier();
    suffix[lid] += v;
    workgroupBarrier();
  }
  if (p == 0u) { remaining = min(params.k, suffix[0]); }
  let above = suffix[lid] - c;
  if (p < 4u && remaining > 0u && above < remaining && remaining <= suffix[lid]) {
    found = lid;
    foundAbove = above;
  }
  workgroupBarrier();
  storageBarrier();
  if (lid != 0u || p >= 4u) { return; }
  if (p == 0u) {
    sel.total = remaining;
    sel.remaining = remaining;
    if (remaining == 0u) { sel.prefix = NONE; }
  }
  if (found != NONE) {
    sel.prefix |= found << (24u - 8u * p);
    sel.remaining = remaining - foundAbove;
  }
  sel.digit = p + 1u;
}
