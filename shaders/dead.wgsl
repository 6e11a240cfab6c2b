// Dead-feature tracking (spec §4): rows since each feature last fired.
//   updateDead: for each feature j, fired = ∃ b: f[b, j] ≠ 0;
//               sinceFired[j] = fired ? 0 : sinceFired[j] + B;
//               dead[j] = sinceFired[j] ≥ threshold;  deadCount += dead[j]
// One thread per feature walks the batch column (neighbouring threads read neighbouring
// columns of the same row). Counts are u32: 4·10⁹ rows is far beyond any run here.

struct Params {
  B: u32,
  F: u32,
  threshold: u32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> f: array<f32>;                    // [B, F]
@group(0) @binding(2) var<storage, read_write> sinceFired: array<u32>;    // [F]
@group(0) @binding(3) var<storage, read_write> dead: array<u32>;          // [F] 0/1
@group(0) @binding(4) var<storage, read_write> deadCount: atomic<u32>;    // zeroed by the host

@compute @workgroup_size(WG)
fn updateDead(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= params.F) { return; }
  var fired = false;
  for (var b = 0u; b < params.B; b++) {
    if (f[b * params.F + j] != 0.0) { fired = true; break; }
  }
  let since = select(min(sinceFired[j], 0xffffffffu - params.B) + params.B, 0u, fired);
  sinceFired[j] = since;
  let isDead = since >= params.threshold;
  dead[j] = select(0u, 1u, isDead);
  if (isDead) { atomicAdd(&deadCount, 1u); }
}
