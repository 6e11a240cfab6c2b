// Laplace-CDF soft top-k (spec §3), one workgroup per row of h [B, F] (h ≥ 0, post-ReLU).
//
// softTopKForward: find t with S(t) = Σ_i L((h_i − t)/a) = k̂, then f_i = h_i·p_i,
//   p_i = L((h_i − t)/a),  L(u) = ½eᵘ (u ≤ 0), 1 − ½e⁻ᵘ (u > 0),  a = |α|.
//   Splitting the sum at t, S = n₊ − E₊ + E₋ with n₊ = #{h_i > t}, E₊ = Σ_{h>t} ½e^{−(h−t)/a},
//   E₋ = Σ_{h≤t} ½e^{(h−t)/a}; the count is exact and each E term lies in (0, ½], so S is
//   accurate to a few ulps per row. S is decreasing with S′(t) = −(E₊ + E₋)/a, and t lies in
//     [min h + a·min(0, ln(2(F − k̂)/F)),  max h + a·max(0, ln(F/(2k̂)))]
//   (the Laplace tails bound S at the ends). Newton steps safeguarded by bisection keep the
//   bracket and converge to float32 resolution in a handful of iterations; the evaluated t with
//   the smallest residual |S − k̂| is returned. The soft codes amplify an error in t by h/(2a),
//   so stopping one or two ulps early would be visible in f.
//   k̂ ≥ F has no finite solution: t = −∞ (stored as T_FULL) and every p_i = 1.
//
// softTopKBackward (stable form): with g_i = ½e^{−|h_i − t|/a}, w_i = g_i / Σ g = softmax of
//   −|h_i − t|/a, u_i = ∂ℒ/∂f_i·h_i and ū = Σ u_i w_i:
//     ∂ℒ/∂pre_i = (∂ℒ/∂f_i·p_i + (g_i/a)(u_i − ū))·1[h_i > 0],   ∂ℒ/∂k̂ = ū.
//   The softmax never underflows as a whole (its largest term is 1), unlike Σ g_i in float32.
//   For t = −∞, −|h_i − t|/a + const → −h_i/a, so w = softmax(−h/a) (the limit of ū).

struct Params {
  B: u32,
  F: u32,
  alpha: f32,
  gridX: u32,
}

override WG: u32 = 256;
override MAX_ITERS: u32 = 64u;
const T_FULL: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> h: array<f32>;            // [B, F]
@group(0) @binding(2) var<storage, read> kHat: array<f32>;         // [B]
@group(0) @binding(3) var<storage, read_write> t: array<f32>;      // [B] out / in
@group(0) @binding(4) var<storage, read_write> f: array<f32>;      // [B, F] out
@group(0) @binding(5) var<storage, read> df: array<f32>;           // [B, F]
@group(0) @binding(6) var<storage, read_write> dpre: array<f32>;   // [B, F] out
@group(0) @binding(7) var<storage, read_write> dkHat: array<f32>;  // [B] out

var<workgroup> r0: array<f32, WG>;
var<workgroup> r1: array<f32, WG>;
var<workgroup> r2: array<f32, WG>;
var<workgroup> tShared: f32;
var<workgroup> done: u32;

fn laplaceCdf(u: f32) -> f32 {
  if (u <= 0.0) { return 0.5 * exp(u); }
  return 1.0 - 0.5 * exp(-u);
}

// Sums r0, r1, r2 (reduce3), or the max of r0 and min of r1 (reduceMaxMin), over the
// workgroup into element 0, in two fan-in-FAN levels: thread i < WG/FAN folds
// r[i·FAN … i·FAN + FAN − 1] into r[i·FAN], then thread 0 folds those into r[0]. Three barriers
// against log₂ WG + 1 for a binary tree: a row kernel waits on barriers, not on the adds.
// All threads must call them.
const FAN: u32 = 16u;

fn reduce3(lid: u32) {
  workgroupBarrier();
  if (lid < WG / FAN) {
    let b = lid * FAN;
    var s = vec3<f32>(r0[b], r1[b], r2[b]);
    for (var i = 1u; i < FAN; i++) { s += vec3<f32>(r0[b + i], r1[b + i], r2[b + i]); }
    r0[b] = s.x;
    r1[b] = s.y;
    r2[b] = s.z;
  }
  workgroupBarrier();
  if (lid == 0u) {
    for (var b = FAN; b < WG; b += FAN) { r0[0] += r0[b]; r1[0] += r1[b]; r2[0] += r2[b]; }
  }
  workgroupBarrier();
}

fn reduceMaxMin(lid: u32) {
  workgroupBarrier();
  if (lid < WG / FAN) {
    let b = lid * FAN;
    var s = vec2<f32>(r0[b], r1[b]);
    for (var i = 1u; i < FAN; i++) { s = vec2<f32>(max(s.x, r0[b + i]), min(s.y, r1[b + i])); }
    r0[b] = s.x;
    r1[b] = s.y;
  }
  workgroupBarrier();
  if (lid == 0u) {
    for (var b = FAN; b < WG; b += FAN) { r0[0] = max(r0[0], r0[b]); r1[0] = min(r1[0], r1[b]); }
  }
  workgroupBarrier();
}

// Merges per-thread (max logit, Z, U) triples held in (r0, r1, r2) into element 0 in the same
// two fan-in-FAN levels: (m₁, Z₁, U₁) ⊕ (m₂, Z₂, U₂) = (m, Z₁e^{m₁−m} + Z₂e^{m₂−m}, …), m = max.
fn mergeSoftmax(x: vec3<f32>, y: vec3<f32>) -> vec3<f32> {
  let m = max(x.x, y.x);
  let sx = exp(x.x - m);
  let sy = exp(y.x - m);
  return vec3<f32>(m, x.y * sx + y.y * sy, x.z * sx + y.z * sy);
}

fn reduceSoftmax(lid: u32) {
  workgroupBarrier();
  if (lid < WG / FAN) {
    let b = lid * FAN;
    var acc = vec3<f32>(r0[b], r1[b], r2[b]);
    for (var i = 1u; i < FAN; i++) { acc = mergeSoftmax(acc, vec3<f32>(r0[b + i], r1[b + i], r2[b + i])); }
    r0[b] = acc.x;
    r1[b] = acc.y;
    r2[b] = acc.z;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var acc = vec3<f32>(r0[0], r1[0], r2[0]);
    for (var b = FAN; b < WG; b += FAN) { acc = mergeSoftmax(acc, vec3<f32>(r0[b], r1[b], r2[b])); }
    r0[0] = acc.x;
    r1[0] = acc.y;
    r2[0] = acc.z;
  }
  workgroupBarrier();
}

@compute @workgroup_size(WG)
fn softTopKForward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  let base = row * F;
  let a = abs(params.alpha);
  let k = kHat[row];

  var hi0 = -3.4e38;
  var lo0 = 3.4e38;
  for (var j = lid; j < F; j += WG) { hi0 = max(hi0, h[base + j]); lo0 = min(lo0, h[base + j]); }
  r0[lid] = hi0;
  r1[lid] = lo0;
  reduceMaxMin(lid);
  let hMax = r0[0];
  let hMin = r1[0];
  workgroupBarrier();

  let Ff = f32(F);
  var lo = hMin + a * min(0.0, log(2.0 * (Ff - k) / Ff));
  var hi = hMax + a * max(0.0, log(Ff / (2.0 * k)));
  // Thread 0 keeps the evaluated t with the smallest |S(t) − k̂|: the answer, whichever of the
  // stopping rules fires.
  var bestT = 0.5 * (lo + hi);
  var bestR = 3.4e38;
  if (lid == 0u) { tShared = bestT; done = select(0u, 1u, k >= Ff); }
  if (workgroupUniformLoad(&done) == 0u) {
    for (var it = 0u; it < MAX_ITERS; it++) {
      let tc = tShared;
      var n = 0.0;
      var ea = 0.0;
      var eb = 0.0;
      for (var j = lid; j < F; j += WG) {
        let d = h[base + j] - tc;
        if (d > 0.0) { n += 1.0; ea += 0.5 * exp(-d / a); } else { eb += 0.5 * exp(d / a); }
      }
      r0[lid] = n;
      r1[lid] = ea;
      r2[lid] = eb;
      reduce3(lid);
      if (lid == 0u) {
        let s = r0[0] - r1[0] + r2[0];
        if (abs(s - k) < bestR) { bestR = abs(s - k); bestT = tc; }
        if (s > k) { lo = tc; } else { hi = tc; }
        let slope = (r1[0] + r2[0]) / a;
        var next = tc + (s - k) / slope;
        if (!(next > lo && next < hi)) { next = 0.5 * (lo + hi); }
        // Stop when S hits k̂ exactly, when the next step is within an ulp of t (2⁻²³·|t|),
        // or when the bracket has collapsed to adjacent floats.
        let ulp = 1.2e-7 * max(abs(tc), a);
        if (s == k || abs(next - tc) <= ulp || next == lo || next == hi) { done = 1u; }
        tShared = next;
      }
      if (workgroupUniformLoad(&done) != 0u) { break; }
    }
    if (lid == 0u) { tShared = bestT; }
  }
  workgroupBarrier();
  let full = k >= Ff;
  let tf = select(tShared, T_FULL, full);
  if (lid == 0u) { t[row] = tf; }
  for (var j = lid; j < F; j += WG) {
    let hv = h[base + j];
    f[base + j] = select(hv * laplaceCdf((hv - tf) / a), hv, full);
  }
}

@compute @workgroup_size(WG)
fn softTopKBackward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  let base = row * F;
  let a = abs(params.alpha);
  let tr = t[row];
  let full = tr <= T_FULL;

  // Softmax logits: −|h − t|/a, or −h/a in the t = −∞ limit. One pass (online softmax): each
  // thread keeps its largest logit m and Z = Σ e^{logit − m}, U = Σ u·e^{logit − m}, rescaled
  // when m grows; reduceSoftmax merges the threads' triples. ū = U / Z.
  var m = -3.4e38;
  var z = 0.0;
  var uz = 0.0;
  for (var j = lid; j < F; j += WG) {
    let hv = h[base + j];
    let l = select(-abs(hv - tr) / a, -hv / a, full);
    if (l > m) {
      let s = exp(m - l);
      z *= s;
      uz *= s;
      m = l;
    }
    let w = exp(l - m);
    z += w;
    uz += df[base + j] * hv * w;
  }
  r0[lid] = m;
  r1[lid] = z;
  r2[lid] = uz;
  reduceSoftmax(lid);
  let ubar = r2[0] / r1[0];
  if (lid == 0u) { dkHat[row] = ubar; }

  // Pass 3: ∂pre = (∂f·p + (g/a)(u − ū))·1[h > 0]; for t = −∞, p = 1 and g = 0.
  for (var j = lid; j < F; j += WG) {
    let hv = h[base + j];
    let dfv = df[base + j];
    var d = dfv;
    if (!full) {
      let p = laplaceCdf((hv - tr) / a);
      let g = 0.5 * exp(-abs(hv - tr) / a);
      d = dfv * p + (g / a) * (dfv * hv - ubar);
    }
    dpre[base + j] = select(0.0, d, hv > 0.0);
  }
}
