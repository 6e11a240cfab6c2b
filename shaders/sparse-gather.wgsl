// Segmented sparse × dense rows: for each segment s (a row of a CSR, or a feature of a CSC),
//   out[s, :] = Σ_{i ∈ [ptr[s], ptr[s+1])} v_i · mat[index[i], :]  (+ bias)  (+ beta · out_old)
//   v_i = vals[entry[i]] (INDIRECT: CSC slots point into the CSR value arrays) or vals[i]
// mat is [·, D] row-major, out is [S, D]; a segment with no entries writes bias (or zeros).
// Its uses in an SAE step (W_dec stored transposed [F, D]; each replaces a dense GEMM):
//   decoder forward  x̂[b, :]     = Σ_{j ∈ row b} f[b, j] · W_decᵀ[j, :] + b_dec     (CSR of f)
//   encoder backward ∂xc[b, :]    = Σ_{j ∈ row b} ∂pre[b, j] · W_enc[j, :]         (CSR of ∂pre)
//   decoder gradient ∂W_decᵀ[j, :] = Σ_{b ∈ col j} f[b, j] · g[b, :]               (CSC, mat = g)
//   encoder gradient ∂W_enc[j, :]  = Σ_{b ∈ col j} ∂pre[b, j] · xc[b, :]           (CSC, mat = xc)
// One workgroup per segment, threads along D (columns lid, lid + WG, …). The segment's list is
// staged WG entries at a time in workgroup memory; each thread then streams its column of the
// selected rows of mat, so neighbouring threads read neighbouring addresses. Work: nnz·D.

struct Params {
  S: u32,
  D: u32,
  gridX: u32,
  beta: f32,
}

override WG: u32 = 64;
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

var<workgroup> sBase: array<u32, WG>;
var<workgroup> sVal: array<f32, WG>;
var<workgroup> bounds: vec2<u32>;

@compute @workgroup_size(WG)
fn segmentGather(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let s = wg.y * params.gridX + wg.x;
  if (s >= params.S) { return; }
  let D = params.D;
  if (lid == 0u) { bounds = vec2(ptr[s], ptr[s + 1u]); }
  let seg = workgroupUniformLoad(&bounds);
  for (var d0 = 0u; d0 < D; d0 += WG) {
    let d = d0 + lid;
    var acc = 0.0;
    for (var i0 = seg.x; i0 < seg.y; i0 += WG) {
      let i = i0 + lid;
      if (i < seg.y) {
        sBase[lid] = index[i] * D;
        if (INDIRECT) { sVal[lid] = vals[entry[i]]; } else { sVal[lid] = vals[i]; }
      }
      workgroupBarrier();
      let n = min(WG, seg.y - i0);
      if (d < D) {
        for (var q = 0u; q < n; q++) { acc = fma(sVal[q], mat[sBase[q] + d], acc); }
      }
      workgroupBarrier();
    }
    if (d < D) {
      let o = s * D + d;
      var v = acc;
      if (params.beta != 0.0) { v += params.beta * out[o]; }
      if (HAS_BIAS) { v += bias[d]; }
      out[o] = v;
    }
  }
}
