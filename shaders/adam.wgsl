// Adam on one parameter tensor per dispatch (spec §5.6; torch.optim.Adam, no weight decay): tensor
// s = pick.tensor, when it has a gradient this step (bit s of gradMask, or of condMask when cond[condIndex] ≠ 0 — the
// same rule as gradnorm.wgsl), with the clip coefficient from OptimStatus:
//   g ← scale·g
//   m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
//   θ ← θ − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)
// t is the tensor's own step count (Segment.step, already advanced by gradnorm.finalize).
// The bias corrections (1−β₁ᵗ, √(1−β₂ᵗ)) come from a table computed on the host in float64 and
// rounded once to f32; past the table both are exactly 1 in f32. If the step was flagged
// non-finite nothing is written: parameters and moments stay bit for bit.
// theta, grad, m, v: the tensor's own four buffers (parameters, gradient, moments), each of
// segments[s].size floats — a tensor per binding, so no binding holds more than one tensor.

struct Params {
  lr: f32,          // lr · lrFactor(step), computed on the host
  gradMask: u32,
  tableLen: u32,    // entries in `biasCorrection`
  condMask: u32,
  condIndex: u32,
}

// Same layouts as in gradnorm.wgsl (a unit test checks it).
struct OptimStatus {
  scale: f32,
  norm: f32,
  nonFinite: u32,
  skipped: u32,
}
struct Segment { size: u32, step: u32, pad0: u32, pad1: u32 }

// The tensor this dispatch updates and the dispatch's thread count (one uniform per tensor).
struct Pick { tensor: u32, stride: u32 }

override WG: u32 = 256;
override BETA1: f32 = 0.9;
override BETA2: f32 = 0.999;
// 1 − β, computed by the host in float64: 1 − f32(0.999) would be off by 1.3e-5 relative.
override ONE_MINUS_BETA1: f32 = 0.1;
override ONE_MINUS_BETA2: f32 = 0.001;
override EPS: f32 = 1e-8;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> status: OptimStatus;
@group(0) @binding(2) var<storage, read> segments: array<Segment>;
// biasCorrection[t − 1] = (1 − β₁ᵗ, √(1 − β₂ᵗ))
@group(0) @binding(3) var<storage, read> biasCorrection: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read_write> theta: array<f32>;
@group(0) @binding(5) var<storage, read> grad: array<f32>;
@group(0) @binding(6) var<storage, read_write> m: array<f32>;
@group(0) @binding(7) var<storage, read_write> v: array<f32>;
@group(0) @binding(8) var<storage, read> cond: array<u32>;
@group(0) @binding(9) var<uniform> pick: Pick;

@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (status.nonFinite != 0u) { return; }
  let scale = status.scale;
  var mask = params.gradMask;
  if (params.condMask != 0u && cond[params.condIndex] != 0u) { mask |= params.condMask; }
  let s = pick.tensor;
  if ((mask & (1u << s)) == 0u) { return; }
  let seg = segments[s];
  var bc = vec2<f32>(1.0, 1.0);
  if (seg.step >= 1u && seg.step <= params.tableLen) { bc = biasCorrection[seg.step - 1u]; }
  let stepSize = params.lr / bc.x;
  for (var k = gid.x; k < seg.size; k += pick.stride) {
    let g = grad[k] * scale;
    let mk = fma(BETA1, m[k], ONE_MINUS_BETA1 * g);
    let vk = fma(BETA2, v[k], ONE_MINUS_BETA2 * g * g);
    m[k] = mk;
    v[k] = vk;
    theta[k] -= stepSize * mk / (sqrt(vk) / bc.y + EPS);
  }
}
