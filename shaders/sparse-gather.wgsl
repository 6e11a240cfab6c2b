// Segmented sparse × dense rows: for each segment s (a row of a CSR, or a feature of a CSC),
//   out[s, :] = Σ_{i ∈ [ptr[s], ptr[s+1])} v_i · mat[index[i], :]  (+ bias)  (+ beta · out_old)
//   v_i = vals[entry[i]] (INDIRECT: CSC slots point into the CSR value arrays) or vals[i]
// mat is [·, D] row-major, out is [S, D]; a segment with no entries writes bias (or zeros).
// Its uses in an SAE step (W_dec stored transposed [F, D]; each replaces a dense GEMM):
//   decoder forward  x̂[b, :]     = Σ_{j ∈ row b} f[b, j] · W_decᵀ[j, :] + b_dec     (CSR of f)
//   encoder backward ∂xc[b, :]    = Σ_{j ∈ row b} ∂pre[b, j] · W_enc[j, :]         (CSR of ∂pre)
//   decoder gradient ∂W_decᵀ[j, :] = Σ_{b ∈ col j} f[b, j] · g[b, :]               (CSC, mat = g)
//   encoder gradient ∂W_enc[j, :]  = Σ_{b ∈ col j} ∂pre[b, j] · xc[b, :]           (CSC, mat = xc)
// Workgroups of WG_X × SEGS threads: SEGS segments per workgroup, WG_X threads along D (columns
// lid.x, lid.x + WG_X, …). Each thread walks its segment's list itself: the list reads are the
// same address for the WG_X threads of a segment (a broadcast), and the reads of mat are
// contiguous along D. No workgroup memory and no barriers. Work: nnz·D multiply-adds.

struct Params {
  S: u32,
  D: u32,
  gridX: u32,
  beta: f32,
}

override WG_X: u32 = 64;
override SEGS: u32 = 4;
override INDIRECT: bool = false;
override HAS_BIAS: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> ptr: array<u32>;        // [S + 1]
@group(0) @binding(2) var<storage, read> index: array<u32>;      // [nnz] row of mat per entry
@group(0) @binding(3) var<storage, read> entry: array<u32>;      // [nnz] (INDIRECT)
@group(0) @binding(4) var<storage, read> vals: array<f32>;       // [nnz]
@group(0) @binding(5) var<storage, read> mat: array<f32>;        // [·, D]
@group(0) @binding(6) var<storage, read> bias: array<f32>;       // [D] (HAS_BIAS)
@group(0) @binding(7) var<storage, read_write> out: array<f32>;  // [S, D]

@compute @workgroup_size(WG_X, SEGS)
fn segmentGather(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let s = (wg.y * params.gridX + wg.x) * SEGS + lid.y;
  if (s >= params.S) { return; }
  let D = params.D;
  let i0 = ptr[s];
  let i1 = ptr[s + 1u];
  for (var d = lid.x; d < D; d += WG_X) {
    var acc = 0.0;
    for (var i = i0; i < i1; i++) {
      var v: f32;
      if (INDIRECT) { v = vals[entry[i]]; } else { v = vals[i]; }
      acc = fma(v, mat[index[i] * D + d], acc);
    }
    let o = s * D + d;
    if (params.beta != 0.0) { acc += params.beta * out[o]; }
    if (HAS_BIAS) { acc += bias[d]; }
    out[o] = acc;
  }
}
