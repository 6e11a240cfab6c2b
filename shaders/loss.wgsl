// Batch-level loss terms, one workgroup over the B rows (spec §4):
//   l2      = mean_b sqErr[b]                       (sqErr[b] = Σ_d (x_n − x̂)²)
//   k̄       = mean_b k̂[b],  min, max
//   kLoss   = λ_k · softplus₅(k̄ − k),  softplus₅(z) = log(1 + e^{5z}) / 5
//   ∂kLoss/∂k̂[b] = λ_k · σ(5(k̄ − k)) / B           (the same for every row) → kLossGrad[0]
// HAS_KHAT = false (TopK / BatchTopK) leaves the k terms at zero. The scalars buffer is what
// the host reads back, pipelined, for the progress display.

struct Params {
  B: u32,
  k: f32,
  kLossWeight: f32,
}

override WG: u32 = 256;
override HAS_KHAT: bool = true;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> sqErr: array<f32>;          // [B]
@group(0) @binding(2) var<storage, read> kHat: array<f32>;           // [B]
// [0] l2, [1] mean k̂, [2] min k̂, [3] max k̂, [4] kLoss, [5] total (l2 + kLoss)
@group(0) @binding(3) var<storage, read_write> scalars: array<f32>;
@group(0) @binding(4) var<storage, read_write> kLossGrad: array<f32>; // [1]

var<workgroup> s0: array<f32, WG>;
var<workgroup> s1: array<f32, WG>;
var<workgroup> s2: array<f32, WG>;
var<workgroup> s3: array<f32, WG>;

// softplus₅ without overflow: for large z it is z (to within e^{−5z}/5).
fn softplus5(z: f32) -> f32 {
  let y = 5.0 * z;
  if (y > 30.0) { return z; }
  return log(1.0 + exp(y)) / 5.0;
}

@compute @workgroup_size(WG)
fn batchScalars(@builtin(local_invocation_index) lid: u32) {
  var e = 0.0;
  var ks = 0.0;
  var kmin = 3.4e38;
  var kmax = -3.4e38;
  for (var b = lid; b < params.B; b += WG) {
    e += sqErr[b];
    if (HAS_KHAT) {
      let k = kHat[b];
      ks += k;
      kmin = min(kmin, k);
      kmax = max(kmax, k);
    }
  }
  s0[lid] = e;
  s1[lid] = ks;
  s2[lid] = kmin;
  s3[lid] = kmax;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      s0[lid] += s0[lid + stride];
      s1[lid] += s1[lid + stride];
      s2[lid] = min(s2[lid], s2[lid + stride]);
      s3[lid] = max(s3[lid], s3[lid + stride]);
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let B = f32(params.B);
    let l2 = s0[0] / B;
    var kl = 0.0;
    var grad = 0.0;
    var mean = 0.0;
    if (HAS_KHAT) {
      mean = s1[0] / B;
      let z = mean - params.k;
      kl = params.kLossWeight * softplus5(z);
      grad = params.kLossWeight / (1.0 + exp(-5.0 * z)) / B;
    }
    scalars[0] = l2;
    scalars[1] = mean;
    scalars[2] = select(0.0, s2[0], HAS_KHAT);
    scalars[3] = select(0.0, s3[0], HAS_KHAT);
    scalars[4] = kl;
    scalars[5] = l2 + kl;
    kLossGrad[0] = grad;
  }
}
