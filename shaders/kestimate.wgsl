// The k-estimator head (spec §3.2), after its hidden layer z = ReLU(W₁(x − b_dec) + b₁) [B, F]
// has been computed by the GEMM:
//   kForward:  s = w₂·z + b₂,  σ = sigmoid(s),  k̂ = clamp(σ·k_max, 1, F)          per row
//   kBackward: ∂s = (∂ℒ/∂k̂ + c)·k_max·σ(1 − σ)·1[1 ≤ σ·k_max ≤ F]
//              ∂z = ∂s·w₂ ⊙ 1[z > 0]                                             per element
// where ∂ℒ/∂k̂ comes per row from the soft top-k backward and c is the k-loss term shared by
// all rows (λ_k·softplus₅′(mean k̂ − k)/B, one float in kLossGrad). The clamp passes the
// gradient at its end points, as torch.clamp does.

struct Params {
  B: u32,
  F: u32,
  kMax: f32,
  // Workgroups per row of the 2-D dispatch grids: one workgroup per row (kForward), one
  // thread per element (kBackward).
  gridX: u32,
  elemGridX: u32,
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> z: array<f32>;            // [B, F]
@group(0) @binding(2) var<storage, read> w2: array<f32>;           // [F]
@group(0) @binding(3) var<storage, read> b2: array<f32>;           // [1]
@group(0) @binding(4) var<storage, read_write> kHat: array<f32>;   // [B] out
@group(0) @binding(5) var<storage, read_write> kSig: array<f32>;   // [B] σ, out / in
@group(0) @binding(6) var<storage, read> dkHat: array<f32>;        // [B]
@group(0) @binding(7) var<storage, read> kLossGrad: array<f32>;    // [1]
@group(0) @binding(8) var<storage, read_write> ds: array<f32>;     // [B] out
@group(0) @binding(9) var<storage, read_write> dz: array<f32>;     // [B, F] out

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn kForward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * params.gridX + wg.x;
  if (row >= params.B) { return; } // uniform: the whole workgroup leaves together
  let base = row * params.F;
  var s = 0.0;
  for (var j = lid; j < params.F; j += WG) { s = fma(z[base + j], w2[j], s); }
  partial[lid] = s;
  // The row's sum in two fan-in-16 levels (three barriers, not log₂ WG + 1).
  workgroupBarrier();
  if (lid < WG / 16u) {
    var p = 0.0;
    for (var i = 0u; i < 16u; i++) { p += partial[lid * 16u + i]; }
    partial[lid * 16u] = p;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var dot = 0.0;
    for (var b = 0u; b < WG; b += 16u) { dot += partial[b]; }
    let sig = 1.0 / (1.0 + exp(-(dot + b2[0])));
    kSig[row] = sig;
    kHat[row] = clamp(sig * params.kMax, 1.0, f32(params.F));
  }
}

// ∂s for one row (recomputed by every element of the row: a few flops, no extra pass).
fn dS(row: u32) -> f32 {
  let sig = kSig[row];
  let raw = sig * params.kMax;
  if (raw < 1.0 || raw > f32(params.F)) { return 0.0; }
  return (dkHat[row] + kLossGrad[0]) * params.kMax * sig * (1.0 - sig);
}

@compute @workgroup_size(WG)
fn kBackward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.y * params.elemGridX * WG + gid.x;
  if (i >= params.B * params.F) { return; }
  let row = i / params.F;
  let j = i % params.F;
  let d = dS(row);
  if (j == 0u) { ds[row] = d; }
  dz[i] = select(0.0, d * w2[j], z[i] > 0.0);
}
