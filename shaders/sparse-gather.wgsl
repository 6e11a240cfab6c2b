// Segmented sparse × dense rows: for each segment s (a row of a CSR, or a feature of a CSC),
//   out[s, :] = Σ_{i ∈ [ptr[s], ptr[s+1])} v_i · mat[index[i], :]  (+ bias)  (+ beta · out_old)
//   v_i = vals[entry[i]] (INDIRECT: CSC slots point into the CSR value arrays) or vals[i]
// mat is [·, D] row-major, out is [S, D]; a segment with no entries writes bias (or zeros).
// Its uses in an SAE step (W_dec stored transposed [F, D]; each replaces a dense GEMM):
//   decoder forward  x̂[b, :]     = Σ_{j ∈ row b} f[b, j] · W_decᵀ[j, :] + b_dec     (CSR of f)
//   encoder backward ∂xc[b, :]    = Σ_{j ∈ row b} ∂pre[b, j] · W_enc[j, :]         (CSR of ∂pre)
//   decoder gradient ∂W_decᵀ[j, :] = Σ_{b ∈ col j} f[b, j] · g[b, :]               (CSC, mat = g)
//   encoder gradient ∂W_enc[j, :]  = Σ_{b ∈ col j} ∂pre[b, j] · xc[b, :]           (CSC, mat = xc)
// Workgroups of WG_X × SEGS threads: SEGS segments per workgroup, WG_X threads along D. A thread
// owns up to 4 columns d0 + lid.x + c·WG_X (c < 4) per sweep of its segment's list, so each list
// entry it reads (index, value: the same address for the WG_X threads of a segment, a broadcast)
// feeds 4 multiply-adds, and for each c the reads of mat stay contiguous along D. Sweeps repeat
// for D > 4·WG_X. No workgroup memory and no barriers. Work: nnz·D multiply-adds.

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
  for (var d0 = lid.x; d0 < D; d0 += 4u * WG_X) {
    var acc = vec4(0.0);
    // Columns past D read row 0 of mat (in bounds) and are never stored.
    let dc = vec4(d0, d0 + WG_X, d0 + 2u * WG_X, d0 + 3u * WG_X);
    let cols = select(vec4(0u), dc, dc < vec4(D));
    for (var i = i0; i < i1; i++) {
      var v: f32;
      if (INDIRECT) { v = vals[entry[i]]; } else { v = vals[i]; }
      let base = index[i] * D;
      let m = vec4(mat[base + cols.x], mat[base + cols.y], mat[base + cols.z], mat[base + cols.w]);
      acc = fma(vec4(v), m, acc);
    }
    for (var c = 0u; c < 4u; c++) {
      let d = dc[c];
      if (d >= D) { break; }
      let o = s * D + d;
      var r = acc[c];
      if (params.beta != 0.0) { r += params.beta * out[o]; }
      if (HAS_BIAS) { r += bias[d]; }
      out[o] = r;
    }
  }
}
