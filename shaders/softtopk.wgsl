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
// softTopKSearchForward (the default forward; softTopKForward above is kept for comparison in
// the benchmarks): the same outputs, with the threshold found in a few passes over the row
// instead of a pass per Newton iteration.
//
// 1. Bracket. With m₁ = ⌊k̂⌋ and m₂ = m₁ + 1 (≤ F), let U ≥ the m₁-th largest value and L ≤ the
//    m₂-th largest. At t = U + c·a every entry but the (at most m₁ − 1) above U sits ≥ c·a below
//    t, so S(t) ≤ m₁ − 1 + (F − m₁ + 1)·½e^{−c} ≤ k̂ once c ≥ ln((F − m₁ + 1)/2). At t = L − c·a
//    the (at least m₂) entries ≥ L each give ≥ 1 − ½e^{−c}, so S(t) ≥ k̂ once
//    c ≥ ln(m₂ / (2(m₂ − k̂))). S is decreasing, so t ∈ [L − c_lo·a, U + c_hi·a] (intersected with
//    the bracket above from the row's min and max).
//    U and L come from a radix select on order-preserving u32 keys of the values, 8 bits per
//    pass, both ranks in the same passes (two 256-bin histograms): after each pass the ranks'
//    buckets bound U and L, and the select stops as soon as U − L ≤ NARROW·a (at most 4 passes,
//    then U and L are the order statistics themselves). Ties and equal rows need no care: a
//    bucket is a key range, and equal values share one key.
// 2. Candidates. Entries more than BAND·a above the bracket contribute exactly 1 to S up to
//    ½e^{−BAND} (counted once); entries more than BAND·a below contribute ≤ ½e^{−BAND}
//    (dropped): F·e^{−40} is far below float32 resolution of k̂. The rest are copied to
//    workgroup memory (at most CAP).
// 3. Refine: the safeguarded Newton above, started inside the tight bracket, on the
//    candidates only (S = n_above + n₊ − E₊ + E₋ over them); when more than CAP entries are
//    candidates (large α, dense rows), on the whole row as before, still from the tight bracket.
//    With at most SERIAL_MAX candidates one thread refines alone: no barrier per iteration.
// 4. Polish: the closed form of src/reference/sae/softtopk.ts in the segment Newton ended in.
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
// softTopKSearchForward: candidates held in workgroup memory, and at most this many refined by
// one thread alone.
override CAP: u32 = 1024u;
override SERIAL_MAX: u32 = 64u;
const T_FULL: f32 = -3.0e38;
const BAND: f32 = 40.0;
const NARROW: f32 = 16.0;

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
// softTopKSearchForward only.
var<workgroup> hist: array<atomic<u32>, 512>;   // [2, 256]: digits of ranks m₁, m₂
var<workgroup> cand: array<f32, CAP>;
var<workgroup> nCand: atomic<u32>;
var<workgroup> nAbove: atomic<u32>;
// Select state: prefix and remaining rank of m₁ and m₂, bits decided, stop flag.
var<workgroup> sel: array<u32, 6>;
var<workgroup> bounds: vec2<f32>;                // (L, U) of the current buckets

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

// Order-preserving key: v < w ⇔ key(v) < key(w) (−0 sorts just below +0; no NaNs expected).
fn key(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  return select(b ^ 0x80000000u, ~b, (b >> 31u) == 1u);
}

fn unkey(k: u32) -> f32 {
  return bitcast<f32>(select(~k, k ^ 0x80000000u, (k >> 31u) == 1u));
}


// Walks histogram `which` from the top digit down to the bucket holding rank `need` (1-based,
// counted from the largest); returns (digit, rank within that bucket).
fn pickDigit(which: u32, need: u32) -> vec2<u32> {
  var above = 0u;
  for (var d = 255i; d >= 0i; d--) {
    let c = atomicLoad(&hist[which * 256u + u32(d)]);
    if (above + c >= need) { return vec2<u32>(u32(d), need - above); }
    above += c;
  }
  return vec2<u32>(0u, 1u); // unreachable: need ≤ row length
}

// Candidates or the whole row: entry j of what the refinement works on.
fn entry(j: u32, onList: bool, base: u32) -> f32 {
  if (onList) { return cand[j]; }
  return h[base + j];
}

// Over entries j = first, first + step, … < n at threshold tc: (count above tc, ½Σ_{above}
// e^{−(v−tc)/a}, ½Σ_{below} e^{(v−tc)/a}); S(tc) = above + x − y + z, S′(tc) = −(y + z)/a.
fn rowSums(tc: f32, first: u32, step: u32, n: u32, onList: bool, base: u32, a: f32) -> vec3<f32> {
  var acc = vec3<f32>(0.0);
  for (var j = first; j < n; j += step) {
    let d = entry(j, onList, base) - tc;
    if (d > 0.0) { acc += vec3<f32>(1.0, 0.5 * exp(-d / a), 0.0); } else { acc.z += 0.5 * exp(d / a); }
  }
  return acc;
}

// Safeguarded Newton on S(t) = k̂ inside [lo, hi] (softtopk.wgsl), keeping the best t seen.
struct Newton {
  lo: f32,
  hi: f32,
  bestT: f32,
  bestR: f32,
  done: bool,
}

fn newtonStep(st: ptr<function, Newton>, tc: f32, sums: vec3<f32>, above: f32, k: f32, a: f32) -> f32 {
  let s = above + sums.x - sums.y + sums.z;
  if (abs(s - k) < (*st).bestR) { (*st).bestR = abs(s - k); (*st).bestT = tc; }
  if (s > k) { (*st).lo = tc; } else { (*st).hi = tc; }
  let slope = (sums.y + sums.z) / a;
  var next = tc + (s - k) / slope;
  if (!(next > (*st).lo && next < (*st).hi)) { next = 0.5 * ((*st).lo + (*st).hi); }
  // Stop when S hits k̂ exactly, when the next step is within an ulp of t (2⁻²³·|t|), or when
  // the bracket has collapsed to adjacent floats.
  let ulp = 1.2e-7 * max(abs(tc), a);
  (*st).done = s == k || abs(next - tc) <= ulp || next == (*st).lo || next == (*st).hi;
  return next;
}

// The entries nearest t_n on either side: (largest ≤ t_n, smallest > t_n).
fn segment(tn: f32, first: u32, step: u32, n: u32, onList: bool, base: u32) -> vec2<f32> {
  var seg = vec2<f32>(-3.4e38, 3.4e38);
  for (var j = first; j < n; j += step) {
    let v = entry(j, onList, base);
    if (v > tn) { seg.y = min(seg.y, v); } else { seg.x = max(seg.x, v); }
  }
  return seg;
}

// 4. Polish in closed form (the float64 reference's method): inside the segment between the
//    nearest entries around t_n, with w = e^{(t − t_n)/a}, S = n₊ − A·w + B/w where
//    A = ½Σ_{h>t_n} e^{−(h−t_n)/a}, B = ½Σ_{h≤t_n} e^{(h−t_n)/a}, kept as logarithms. Where every
//    entry is ≫ 87a from t (k̂ an integer, a wide gap) S is flat in float32 and Newton stops
//    anywhere in the gap, yet the backward's softmax depends on t.
//    polishSums: (n₊, Σ_{above} e^{(t_n−h)/a − xA}, Σ_{below} e^{(h−t_n)/a − xB}), with xA, xB the
//    largest exponents on each side.
fn polishSums(tn: f32, seg: vec2<f32>, first: u32, step: u32, n: u32, onList: bool, base: u32, a: f32) -> vec3<f32> {
  let xA = (tn - seg.y) / a;
  let xB = (seg.x - tn) / a;
  var acc = vec3<f32>(0.0);
  for (var j = first; j < n; j += step) {
    let v = entry(j, onList, base);
    if (v > tn) { acc += vec3<f32>(1.0, exp((tn - v) / a - xA), 0.0); } else { acc.z += exp((v - tn) / a - xB); }
  }
  return acc;
}

fn polish(tn: f32, seg: vec2<f32>, sums: vec3<f32>, above: f32, k: f32, a: f32) -> f32 {
  if (!(sums.y > 0.0 && sums.z > 0.0)) { return tn; }
  let logA = (tn - seg.y) / a + log(0.5 * sums.y);
  let logB = (seg.x - tn) / a + log(0.5 * sums.z);
  // Positive root of A·w² − b·w − B = 0, b = n₊ − k̂, without cancellation.
  let b = above + sums.x - k;
  let q = log(4.0) + logA + logB;
  var root = 0.5 * q;
  if (b != 0.0) {
    let lb = log(abs(b));
    let r = q - 2.0 * lb;
    root = select(lb + log(1.0 + sqrt(1.0 + exp(r))), lb + 0.5 * r + log(1.0 + exp(-0.5 * r)), r > 80.0);
  }
  let logW = select(log(2.0) + logB - root, root - log(2.0) - logA, b >= 0.0);
  let tp = clamp(tn + a * logW, seg.x, seg.y);
  if (tp == tp && abs(tp) < 3.0e38) { return tp; }
  return tn;
}

// (max, min) of row entries base … base + F − 1, to every thread.
fn rowMaxMin(lid: u32, base: u32, F: u32) -> vec2<f32> {
  var hi = -3.4e38;
  var lo = 3.4e38;
  for (var j = lid; j < F; j += WG) { hi = max(hi, h[base + j]); lo = min(lo, h[base + j]); }
  r0[lid] = hi;
  r1[lid] = lo;
  reduceMaxMin(lid);
  let mm = vec2<f32>(r0[0], r1[0]);
  workgroupBarrier();
  return mm;
}

// Newton on S(t) = k̂ with every thread taking a share of the n entries, from tShared; thread 0
// keeps the state and leaves the best t seen in tShared. All threads must call it.
fn sharedNewton(lid: u32, st: ptr<function, Newton>, n: u32, onList: bool, base: u32, above: f32, k: f32, a: f32) {
  if (lid == 0u) { done = 0u; }
  workgroupBarrier();
  for (var it = 0u; it < MAX_ITERS; it++) {
    let sums = rowSums(tShared, lid, WG, n, onList, base, a);
    r0[lid] = sums.x;
    r1[lid] = sums.y;
    r2[lid] = sums.z;
    reduce3(lid);
    if (lid == 0u) {
      tShared = newtonStep(st, tShared, vec3<f32>(r0[0], r1[0], r2[0]), above, k, a);
      done = select(0u, 1u, (*st).done);
    }
    if (workgroupUniformLoad(&done) != 0u) { break; }
  }
  if (lid == 0u) { tShared = (*st).bestT; }
}

// The closed-form polish of t_n = tShared with every thread taking a share of the n entries;
// thread 0 leaves the result in tShared. All threads must call it.
fn sharedPolish(lid: u32, n: u32, onList: bool, base: u32, above: f32, k: f32, a: f32) {
  let tn = workgroupUniformLoad(&tShared);
  let seg0 = segment(tn, lid, WG, n, onList, base);
  r0[lid] = seg0.x;
  r1[lid] = seg0.y;
  reduceMaxMin(lid);
  let seg = vec2<f32>(r0[0], r1[0]);
  workgroupBarrier();
  let ps = polishSums(tn, seg, lid, WG, n, onList, base, a);
  r0[lid] = ps.x;
  r1[lid] = ps.y;
  r2[lid] = ps.z;
  reduce3(lid);
  if (lid == 0u) { tShared = polish(tn, seg, vec3<f32>(r0[0], r1[0], r2[0]), above, k, a); }
}

// t[row] = tf and f = h·L((h − tf)/a) (f = h for tf = T_FULL: k̂ ≥ F).
fn writeSoft(lid: u32, row: u32, base: u32, F: u32, tf: f32, a: f32) {
  let full = tf <= T_FULL;
  if (lid == 0u) { t[row] = tf; }
  for (var j = lid; j < F; j += WG) {
    let hv = h[base + j];
    f[base + j] = select(hv * laplaceCdf((hv - tf) / a), hv, full);
  }
}

// Steps 3–4 by one thread over the candidates in workgroup memory.
fn solveAlone(n: u32, above: f32, k: f32, a: f32, lo: f32, hi: f32) -> f32 {
  var st = Newton(lo, hi, 0.5 * (lo + hi), 3.4e38, false);
  var tc = st.bestT;
  for (var it = 0u; it < MAX_ITERS; it++) {
    tc = newtonStep(&st, tc, rowSums(tc, 0u, 1u, n, true, 0u, a), above, k, a);
    if (st.done) { break; }
  }
  let tn = st.bestT;
  let seg = segment(tn, 0u, 1u, n, true, 0u);
  return polish(tn, seg, polishSums(tn, seg, 0u, 1u, n, true, 0u, a), above, k, a);
}

@compute @workgroup_size(WG)
fn softTopKSearchForward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  let base = row * F;
  let a = abs(params.alpha);
  let k = kHat[row];
  let Ff = f32(F);

  let mm = rowMaxMin(lid, base, F);
  let hMax = mm.x;
  let hMin = mm.y;
  // 0: solve (1 ≤ k̂ < F), 1: k̂ ≥ F (t = −∞), 2: solve without the select (k̂ < 1).
  if (lid == 0u) {
    done = select(select(2u, 0u, k >= 1.0), 1u, k >= Ff);
    let m1 = u32(floor(k));
    sel = array<u32, 6>(0u, m1, 0u, min(m1 + 1u, F), 0u, 0u);
    bounds = vec2<f32>(hMin, hMax);
  }
  let mode = workgroupUniformLoad(&done);
  var lo = hMin + a * min(0.0, log(2.0 * (Ff - k) / Ff));
  var hi = hMax + a * max(0.0, log(Ff / (2.0 * k)));

  // 1. Radix select of the m₁-th and m₂-th largest keys, MSB first, until the buckets are narrow.
  if (mode == 0u) {
    for (var level = 0u; level < 4u; level++) {
      for (var i = lid; i < 512u; i += WG) { atomicStore(&hist[i], 0u); }
      workgroupBarrier();
      let bits = sel[4];
      let p1 = sel[0];
      let p2 = sel[2];
      let same = p1 == p2;
      let shift = 24u - bits;
      for (var j = lid; j < F; j += WG) {
        let kk = key(h[base + j]);
        let d = (kk >> shift) & 255u;
        // bits = 0: every key matches the empty prefix (a shift by 32 would be invalid).
        let top = select(kk >> (32u - max(bits, 1u)), 0u, bits == 0u);
        if (top == p1) { atomicAdd(&hist[d], 1u); }
        if (!same && top == p2) { atomicAdd(&hist[256u + d], 1u); }
      }
      workgroupBarrier();
      if (lid == 0u) {
        let d1 = pickDigit(0u, sel[1]);
        let d2 = pickDigit(select(1u, 0u, same), sel[3]);
        let q1 = (p1 << 8u) | d1.x;
        let q2 = (p2 << 8u) | d2.x;
        let sh = shift;   // bits left undecided after this pass
        let hiKey = (q1 << sh) | ((1u << sh) - 1u);
        let loKey = q2 << sh;
        let U = unkey(min(hiKey, key(hMax)));
        let L = unkey(max(loKey, key(hMin)));
        sel = array<u32, 6>(q1, d1.y, q2, d2.y, bits + 8u, select(0u, 1u, sh == 0u || U - L <= NARROW * a));
        bounds = vec2<f32>(L, U);
      }
      if (workgroupUniformLoad(&sel[5]) != 0u) { break; }
    }
    let L = bounds.x;
    let U = bounds.y;
    let m1 = floor(k);
    let m2 = min(m1 + 1.0, Ff);
    let cHi = max(0.0, log(0.5 * (Ff - m1 + 1.0))) + 1.0;
    let cLo = max(0.0, log(m2 / (2.0 * max(m2 - k, 1e-30)))) + 1.0;
    // A rounding margin of two ulps where c·a is below the values' resolution.
    hi = min(hi, U + max(a * cHi, 2.4e-7 * abs(U)));
    lo = max(lo, L - max(a * cLo, 2.4e-7 * abs(L)));
  }

  // 2. Candidates: the entries within BAND·a of the bracket; those above it count once each.
  if (lid == 0u) {
    atomicStore(&nCand, 0u);
    atomicStore(&nAbove, 0u);
  }
  workgroupBarrier();
  let bandLo = lo - BAND * a;
  let bandHi = hi + BAND * a;
  if (mode != 1u) {
    for (var j = lid; j < F; j += WG) {
      let v = h[base + j];
      if (v >= bandHi) {
        atomicAdd(&nAbove, 1u);
      } else if (v > bandLo) {
        let i = atomicAdd(&nCand, 1u);
        if (i < CAP) { cand[i] = v; }
      }
    }
  }
  workgroupBarrier();
  if (lid == 0u) { sel[0] = atomicLoad(&nCand); sel[1] = atomicLoad(&nAbove); }
  let nc = workgroupUniformLoad(&sel[0]);
  let onList = nc <= CAP;
  let above = select(0.0, f32(sel[1]), onList);
  let n = select(F, nc, onList);

  // 3–4. Few candidates (the usual case once codes are sparse): thread 0 solves alone, with no
  // barrier per Newton iteration. Otherwise every thread takes a share and the sums are reduced.
  if (lid == 0u) { tShared = 0.5 * (lo + hi); }
  if (mode != 1u && onList && nc <= SERIAL_MAX) {
    if (lid == 0u) { tShared = solveAlone(nc, above, k, a, lo, hi); }
  } else if (mode != 1u) {
    var st = Newton(lo, hi, 0.5 * (lo + hi), 3.4e38, false);
    sharedNewton(lid, &st, n, onList, base, above, k, a);
    sharedPolish(lid, n, onList, base, above, k, a);
  }
  workgroupBarrier();
  writeSoft(lid, row, base, F, select(tShared, T_FULL, mode == 1u), a);
}

@compute @workgroup_size(WG)
fn softTopKForward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; }
  let F = params.F;
  let base = row * F;
  let a = abs(params.alpha);
  let k = kHat[row];
  let mm = rowMaxMin(lid, base, F);
  let Ff = f32(F);
  let lo = mm.y + a * min(0.0, log(2.0 * (Ff - k) / Ff));
  let hi = mm.x + a * max(0.0, log(Ff / (2.0 * k)));
  if (lid == 0u) { tShared = 0.5 * (lo + hi); done = select(0u, 1u, k >= Ff); }
  if (workgroupUniformLoad(&done) == 0u) {
    var st = Newton(lo, hi, 0.5 * (lo + hi), 3.4e38, false);
    sharedNewton(lid, &st, F, false, base, 0.0, k, a);
  }
  workgroupBarrier();
  writeSoft(lid, row, base, F, select(tShared, T_FULL, k >= Ff), a);
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
