// Global gradient norm over the gradient tensors and the clip coefficient (spec §5.5,
// torch.nn.utils.clip_grad_norm_): norm = ‖(g_s)_s‖₂ over every tensor s that has a gradient this
// step (bit s of stepMask()); scale = min(1, maxNorm / (norm + 1e-6)). Tensors without a gradient
// never count. Which tensors have a gradient may depend on the GPU's
// own state: the tensors of condMask have one only when cond[condIndex] ≠ 0 (the hard phase's
// encoder, which learns only while the aux-k term is active, i.e. some feature is dead — decided
// without a readback; adam.wgsl applies the same rule). Two stages, no CPU readback:
//   partialSums: one dispatch per tensor (each tensor is its own buffer, so that no binding has to
//             hold them all: maxStorageBufferBindingSize). NP·WG threads; thread k takes elements
//             k, k + NP·WG, … of the enabled tensors laid end to end, carrying its running sum
//             from one tensor's dispatch to the next in lanes[k] — the same sequence of operations
//             per thread as one walk over all tensors.
//   finalize: one workgroup folds the NP·WG lanes (thread j: lanes j, j + WG, …, NP of them),
//             resets them to empty for the next step, then folds its WG threads' sums in a tree
//             and writes OptimStatus, which Adam and the renormalisation read; it also advances
//             the per-tensor Adam step counts. (A separate pass of NP workgroups used to fold the
//             lanes: on a software adapter its barriers cost as much as the sums themselves.)
//
// Overflow-safe accumulation: a sum of squares is kept as (e, s) meaning 2^(2e)·s, with every
// value scaled by the exact power of two 2^(−e) of the largest exponent seen, so |g| up to
// FLT_MAX neither overflows g² nor loses small terms (LAPACK's nrm2 idea, with exact scaling).
// Subnormal values (|g| < 2^−126) are dropped: their squares are below f32 range anyway.
//
// Non-finite detection reads the exponent bits (WGSL compilers may assume NaN never occurs, so
// isNan-style tests can be optimised away). Any NaN/±Inf in an enabled tensor, or a non-finite
// loss (hasLoss), sets nonFinite: Adam and the renormalisation then write nothing and the step
// counts stay, so the step is skipped bit for bit; `skipped` counts such steps (sticky).

struct Params {
  gradMask: u32,    // bit s: tensor s has a gradient this step
  numTensors: u32,
  numPartials: u32, // NP: partialSums runs NP·WG threads, one lane each
  maxNorm: f32,
  hasLoss: u32,
  lossIndex: u32,   // float index of the loss scalar in `loss`
  condMask: u32,    // tensors with a gradient only when cond[condIndex] ≠ 0
  condIndex: u32,
}

struct OptimStatus {
  scale: f32,       // clip coefficient applied to every gradient by Adam
  norm: f32,        // global norm before clipping (+Inf if it exceeds the f32 range)
  nonFinite: u32,   // 1: this step is skipped
  skipped: u32,     // steps skipped so far
}

// One tensor (floats in its buffer); `step` is its Adam step count t (updates it has received).
struct Segment { size: u32, step: u32, pad0: u32, pad1: u32 }

// Which tensor a partialSums dispatch reads (one small uniform per tensor, written once).
struct Pick { tensor: u32 }

// A partial sum of squares 2^(2e)·s (e = −127 with s = 0 for "empty") and a non-finite flag.
struct Partial { e: i32, s: f32, bad: u32, pad: u32 }

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> segments: array<Segment>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;  // the gradient of tensor pick.tensor
@group(0) @binding(4) var<storage, read_write> status: OptimStatus;
@group(0) @binding(5) var<storage, read> loss: array<f32>;
@group(0) @binding(6) var<storage, read> cond: array<u32>;
// Running sum of each partialSums thread across the tensors' dispatches [NP·WG]; empty between steps.
@group(0) @binding(7) var<storage, read_write> lanes: array<Partial>;
@group(0) @binding(8) var<uniform> pick: Pick;

// The tensors with a gradient this step.
fn stepMask() -> u32 {
  var mask = params.gradMask;
  if (params.condMask != 0u && cond[params.condIndex] != 0u) { mask |= params.condMask; }
  return mask;
}

var<workgroup> tree: array<Partial, WG>;

// x·2ⁿ for n ≤ 0 by exact power-of-two multiplications (ldexp is slow on some back ends);
// two factors keep each power in the normal range down to n = −252, below which x·2ⁿ is 0 in f32.
fn scalePow2(x: f32, n: i32) -> f32 {
  if (n < -252) { return 0.0; }
  let h = n / 2;
  return x * bitcast<f32>(u32(h + 127) << 23u) * bitcast<f32>(u32(n - h + 127) << 23u);
}

fn combine(a: Partial, b: Partial) -> Partial {
  let e = max(a.e, b.e);
  let s = scalePow2(a.s, 2 * (a.e - e)) + scalePow2(b.s, 2 * (b.e - e));
  return Partial(e, s, a.bad | b.bad, 0u);
}

fn isNonFinite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u;
}

// Folds tree[0 … WG) into tree[0] in two fan-in-16 levels: thread i < WG/16 combines
// tree[16i … 16i + 15] into tree[16i], then thread 0 combines those. Three barriers instead of
// log₂ WG + 1; the combine count is the same.
fn reduceTree(lid: u32) {
  workgroupBarrier();
  if (lid < WG / 16u) {
    var p = tree[lid * 16u];
    for (var i = 1u; i < 16u; i++) { p = combine(p, tree[lid * 16u + i]); }
    tree[lid * 16u] = p;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var p = tree[0];
    for (var b = 16u; b < WG; b += 16u) { p = combine(p, tree[b]); }
    tree[0] = p;
  }
  workgroupBarrier();
}

@compute @workgroup_size(WG)
fn partialSums(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let mask = stepMask();
  let t = pick.tensor;
  if ((mask & (1u << t)) == 0u) { return; }
  // Thread `k` takes elements k, k + stride, … of the enabled tensors laid end to end, so every
  // thread gets a fair share however the sizes are spread over the tensors.
  let stride = params.numPartials * WG;
  let k = wg.x * WG + lid;
  var base = 0u;  // start of tensor t in that concatenation
  for (var s = 0u; s < t; s++) {
    if ((mask & (1u << s)) != 0u) { base += segments[s].size; }
  }
  let size = segments[t].size;
  // First index i ≥ 0 of this tensor with base + i ≡ k (mod stride).
  var i = (k + stride - base % stride) % stride;
  if (i >= size) { return; }
  var p = lanes[k];
  // 2^(−p.e), kept beside p so that the hot loop scales by one exact multiplication; ldexp
  // (slow on some back ends, e.g. SwiftShader) runs only when the largest exponent grows.
  var inv = ldexp(1.0, -p.e);
  for (; i < size; i += stride) {
    let v = grads[i];
    let biased = i32((bitcast<u32>(v) >> 23u) & 0xffu);
    if (biased == 255) { p.bad = 1u; continue; }
    if (biased == 0) { continue; }  // zero or subnormal
    let ev = biased - 127;
    if (ev > p.e) {
      p.s = ldexp(p.s, 2 * (p.e - ev));
      p.e = ev;
      inv = ldexp(1.0, -ev);
    }
    let r = abs(v) * inv;           // exact (a power-of-two scaling); in (0, 2)
    p.s = fma(r, r, p.s);
  }
  lanes[k] = p;
}

@compute @workgroup_size(WG)
fn finalize(@builtin(local_invocation_index) lid: u32) {
  var p = Partial(-127, 0.0, 0u, 0u);
  for (var k = lid; k < params.numPartials * WG; k += WG) {
    p = combine(p, lanes[k]);
    lanes[k] = Partial(-127, 0.0, 0u, 0u);  // empty again for the next step
  }
  tree[lid] = p;
  reduceTree(lid);
  if (lid != 0u) { return; }
  let total = tree[0];
  var bad = total.bad != 0u;
  if (params.hasLoss != 0u && isNonFinite(loss[params.lossIndex])) { bad = true; }
  // norm = 2^e·r; scale = min(1, maxNorm/(2^e·r + 1e-6)) computed as 2^−e·maxNorm/(r + 2^−e·1e-6)
  // so that neither the norm nor the scale overflows on the way.
  let r = sqrt(total.s);
  status.norm = ldexp(r, total.e);
  status.scale = min(1.0, ldexp(params.maxNorm / (r + ldexp(1e-6, -total.e)), -total.e));
  status.nonFinite = select(0u, 1u, bad);
  if (bad) {
    status.skipped += 1u;
    return;
  }
  let mask = stepMask();
  for (var t = 0u; t < params.numTensors; t++) {
    if ((mask & (1u << t)) != 0u) { segments[t].step += 1u; }
  }
}
