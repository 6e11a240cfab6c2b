// Evaluation pass, per-dimension moments of x = xn and of the residual e = xn − x̂ for the FVU of
// spec §7, FVU = Σ_d Var(e_d) / Σ_d Var(x_d) over all rows of the pass:
//   dimMoments: for every dimension d, fold the B rows of this batch into acc[d] =
//               (n, mean_x, M2_x, mean_e, M2_e), M2 = Σ (v − mean)² over the n rows seen.
//
// Why not Σv and Σv²: Var = Σv²/n − mean² cancels catastrophically in float32 when |mean| ≫ std
// (float32 keeps ~7 digits, so mean/std = 10³ leaves ~1 digit). Instead each batch is reduced
// to its own centred moments — mean_b = Σv/B, then M2_b = Σ (v − mean_b)² in a second sweep over
// the batch — and merged with Chan, Golub & LeVeque's parallel formula, which only adds
// non-negative terms:
//   δ = mean_b − mean_a,  n = n_a + n_b
//   mean = mean_a + δ·n_b/n,  M2 = M2_a + M2_b + δ²·n_a·n_b/n
// Σ_d M2 / n are the population variances (the 1/n, or 1/(n − 1), cancels in the FVU), and
// Σ e² = M2_e + n·mean_e² gives the MSE without cancellation (both terms ≥ 0).

struct Params {
  B: u32,
  D: u32,
}

struct DimAcc {
  n: u32,
  meanX: f32,
  m2X: f32,
  meanE: f32,
  m2E: f32,
}

override COLS: u32 = 64;        // dimensions per workgroup
override LANES: u32 = 4;        // threads per dimension (a power of two)

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> xn: array<f32>;                 // [B, D]
@group(0) @binding(2) var<storage, read> xHat: array<f32>;               // [B, D]
@group(0) @binding(3) var<storage, read_write> acc: array<DimAcc>;       // [D]

var<workgroup> wX: array<f32, COLS * LANES>;
var<workgroup> wE: array<f32, COLS * LANES>;

// Sums wX and wE over the lanes of each column; the totals end in lane 0's slots.
fn sumLanes(slot: u32, laneIdx: u32) {
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride /= 2u) {
    if (laneIdx < stride) {
      wX[slot] += wX[slot + stride * COLS];
      wE[slot] += wE[slot + stride * COLS];
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(COLS, LANES)
fn dimMoments(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let D = params.D;
  let B = params.B;
  let d = wg.x * COLS + lid.x;
  let valid = d < D;
  let slot = lid.y * COLS + lid.x;

  var sx = 0.0;
  var se = 0.0;
  if (valid) {
    for (var b = lid.y; b < B; b += LANES) {
      let x = xn[b * D + d];
      sx += x;
      se += x - xHat[b * D + d];
    }
  }
  wX[slot] = sx;
  wE[slot] = se;
  sumLanes(slot, lid.y);
  let meanX = wX[lid.x] / f32(B);
  let meanE = wE[lid.x] / f32(B);
  workgroupBarrier(); // every lane has read the means before the slots are reused

  var qx = 0.0;
  var qe = 0.0;
  if (valid) {
    for (var b = lid.y; b < B; b += LANES) {
      let x = xn[b * D + d];
      let dx = x - meanX;
      let de = (x - xHat[b * D + d]) - meanE;
      qx += dx * dx;
      qe += de * de;
    }
  }
  wX[slot] = qx;
  wE[slot] = qe;
  sumLanes(slot, lid.y);

  if (valid && lid.y == 0u && B > 0u) {
    let a = acc[d];
    let na = f32(a.n);
    let nb = f32(B);
    let n = na + nb;
    let wb = nb / n;
    let cross = na * wb; // n_a·n_b/n
    let dX = meanX - a.meanX;
    let dE = meanE - a.meanE;
    acc[d] = DimAcc(
      a.n + B,
      a.meanX + dX * wb,
      a.m2X + wX[lid.x] + dX * dX * cross,
      a.meanE + dE * wb,
      a.m2E + wE[lid.x] + dE * dE * cross,
    );
  }
}
