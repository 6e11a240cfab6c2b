// The aux-k loss (spec §4, OpenAI-style) and the gradient that leaves it, after the dead-feature
// update and the dead top-k selection zAux [B, F] (each row's top min(⌊D/2⌋, #dead) dead entries
// of h, topk.wgsl K_SOURCE 2) and rec = zAux·W_dec [B, D] (a GEMM). With the residual
// e = xn − x̂ treated as a constant:
//   auxColumns: per dimension d:  ē_d = mean_b e[b, d],  den_d = Σ_b (e[b, d] − ē_d)²,
//               num_d = Σ_b (e[b, d] − rec[b, d])²      (two passes over the rows: no cancellation)
//   auxFinish:  num = Σ_d num_d / B (the reference's preNorm), den = Σ_d den_d / B,
//               aux = num/den (0 when not finite, e.g. B = 1, or when inactive)
//               active = min(⌊D/2⌋, #dead) > 0
//               scalars[totalIndex] += λ·aux,  scalars[auxIndex] = aux
//               coef = −2λ/(B·den) when active, den > 0 and num finite; else 0
//   auxGrad:    rec ← coef·(e − rec) = ∂(λ·aux)/∂(W_dec z_aux), in place [B, D]
// The host then sends that gradient to the decoder (zAuxᵀ·g) and, through the selected entries of
// h, to the encoder. Non-finite tests read exponent bits (compilers may assume NaN never occurs).

struct Params {
  B: u32,
  D: u32,
  halfD: u32,      // ⌊D/2⌋
  lambda: f32,     // λ_aux
  totalIndex: u32, // float index of the total loss in `scalars`
  auxIndex: u32,   // float index where aux is reported
  rowStride: u32,  // threads per row of the auxGrad grid
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> e: array<f32>;               // [B, D] xn − x̂
@group(0) @binding(2) var<storage, read_write> rec: array<f32>;       // [B, D] zAux·W_dec → grad
@group(0) @binding(3) var<storage, read_write> cols: array<f32>;      // [2, D] num_d, den_d
@group(0) @binding(4) var<storage, read> deadCount: array<u32>;       // [1]
@group(0) @binding(5) var<storage, read_write> scalars: array<f32>;
@group(0) @binding(6) var<storage, read_write> coef: array<f32>;      // [1]

var<workgroup> sumNum: array<f32, WG>;
var<workgroup> sumDen: array<f32, WG>;

fn isFinite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(WG)
fn auxColumns(@builtin(global_invocation_id) gid: vec3<u32>) {
  let d = gid.x;
  let D = params.D;
  if (d >= D) { return; }
  var mean = 0.0;
  for (var b = 0u; b < params.B; b++) { mean += e[b * D + d]; }
  mean /= f32(params.B);
  var num = 0.0;
  var den = 0.0;
  for (var b = 0u; b < params.B; b++) {
    let v = e[b * D + d];
    let r = v - rec[b * D + d];
    num = fma(r, r, num);
    den = fma(v - mean, v - mean, den);
  }
  cols[d] = num;
  cols[D + d] = den;
}

@compute @workgroup_size(WG)
fn auxFinish(@builtin(local_invocation_index) lid: u32) {
  var n = 0.0;
  var s = 0.0;
  for (var d = lid; d < params.D; d += WG) {
    n += cols[d];
    s += cols[params.D + d];
  }
  sumNum[lid] = n;
  sumDen[lid] = s;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      sumNum[lid] += sumNum[lid + stride];
      sumDen[lid] += sumDen[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid != 0u) { return; }
  let B = f32(params.B);
  let num = sumNum[0] / B;
  let den = sumDen[0] / B;
  let isActive = min(params.halfD, deadCount[0]) > 0u;
  var aux = 0.0;
  var c = 0.0;
  if (isActive && den > 0.0) {
    let ratio = num / den;
    if (isFinite(ratio)) { aux = ratio; }
    if (isFinite(num)) { c = -2.0 * params.lambda / (B * den); }
  }
  coef[0] = c;
  scalars[params.auxIndex] = aux;
  scalars[params.totalIndex] += params.lambda * aux;
}

@compute @workgroup_size(WG)
fn auxGrad(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.rowStride + gid.x;
  if (i >= params.B * params.D) { return; }
  rec[i] = coef[0] * (e[i] - rec[i]);
}
