// Cross-SAE feature matching: for every atom x_j of one dictionary X, the atom y_i of another, Y,
// with the largest cosine, merged over ranges of Y (one range per dispatch):
//   bestMatch: (best[j], arg[j]) ← the largest of (best[j], arg[j]) and ⟨x̂_j, ŷ_i⟩ for
//              i in [yStart, min(yStart + yCount, FY)); only a strictly larger value replaces, so
//              with ranges in increasing order ties keep the lower i.
// Atoms are scaled to unit length by the host (a zero atom stays zero: cosine 0 with all), so
// the dot product is the cosine. Initialise best to a value below −1 (−2) and arg to anything.
//
// Layout, chosen for a fast inner loop (also on software adapters): every atom is padded with
// zeros to 4·D4 coordinates. X is transposed and packed by four atoms, xT[d, q] =
// (x̂_{4q}[d], …, x̂_{4q+3}[d]) as vec4 [4·D4, FX4]: invocation q owns atoms 4q…4q+3 and its loads
// are contiguous across invocations. Y is rows packed by four coordinates, y[i, d4] =
// ŷ_i[4·d4 … 4·d4+3] as vec4 [FY, D4], one address for every invocation (a broadcast). Four Y
// atoms per iteration: per d4, four X and four Y loads feed 64 multiply-adds (4 coordinates ×
// 4 X atoms × 4 Y atoms). No workgroup memory, no barriers. Cost: FX·yCount·D MACs a dispatch.
// D4 is an override (loop bound known to the compiler).

struct Params {
  FX4: u32,     // X atoms / 4 (the host pads X with zero atoms to a multiple of 4)
  FY: u32,
  yStart: u32,
  yCount: u32,
}

override WG: u32 = 64;
override D4: u32 = 16;   // D / 4 (the host pads every atom with zeros to a multiple of 4)

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> xT: array<vec4<f32>>;        // [4·D4, FX4]
@group(0) @binding(2) var<storage, read> y: array<vec4<f32>>;         // [FY, D4] unit rows
@group(0) @binding(3) var<storage, read_write> best: array<vec4<f32>>; // [FX4] cosines
@group(0) @binding(4) var<storage, read_write> arg: array<vec4<u32>>;  // [FX4] Y indices

// Σ over 4 coordinates d…d+3 of the 4 X atoms' values (x0…x3 = coordinates d…d+3) times one
// Y atom's (yv).
fn dot4(x0: vec4<f32>, x1: vec4<f32>, x2: vec4<f32>, x3: vec4<f32>, yv: vec4<f32>) -> vec4<f32> {
  return x0 * yv.x + x1 * yv.y + x2 * yv.z + x3 * yv.w;
}

@compute @workgroup_size(WG)
fn bestMatch(@builtin(global_invocation_id) gid: vec3<u32>) {
  let q = gid.x;
  if (q >= params.FX4) { return; }
  let FX4 = params.FX4;
  var bv = best[q];
  var ba = arg[q];
  let end = min(params.yStart + params.yCount, params.FY);
  var i = params.yStart;
  for (; i + 4u <= end; i += 4u) {
    var a0 = vec4<f32>(0.0);
    var a1 = vec4<f32>(0.0);
    var a2 = vec4<f32>(0.0);
    var a3 = vec4<f32>(0.0);
    let r = i * D4;
    for (var d4 = 0u; d4 < D4; d4++) {
      let c = 4u * d4 * FX4 + q;
      let x0 = xT[c];
      let x1 = xT[c + FX4];
      let x2 = xT[c + 2u * FX4];
      let x3 = xT[c + 3u * FX4];
      a0 += dot4(x0, x1, x2, x3, y[r + d4]);
      a1 += dot4(x0, x1, x2, x3, y[r + D4 + d4]);
      a2 += dot4(x0, x1, x2, x3, y[r + 2u * D4 + d4]);
      a3 += dot4(x0, x1, x2, x3, y[r + 3u * D4 + d4]);
    }
    // In increasing i, strictly larger only: ties keep the lower index.
    var take = a0 > bv;
    bv = select(bv, a0, take);
    ba = select(ba, vec4<u32>(i), take);
    take = a1 > bv;
    bv = select(bv, a1, take);
    ba = select(ba, vec4<u32>(i + 1u), take);
    take = a2 > bv;
    bv = select(bv, a2, take);
    ba = select(ba, vec4<u32>(i + 2u), take);
    take = a3 > bv;
    bv = select(bv, a3, take);
    ba = select(ba, vec4<u32>(i + 3u), take);
  }
  for (; i < end; i++) {
    var a = vec4<f32>(0.0);
    for (var d4 = 0u; d4 < D4; d4++) {
      let c = 4u * d4 * FX4 + q;
      a += dot4(xT[c], xT[c + FX4], xT[c + 2u * FX4], xT[c + 3u * FX4], y[i * D4 + d4]);
    }
    let take = a > bv;
    bv = select(bv, a, take);
    ba = select(ba, vec4<u32>(i), take);
  }
  best[q] = bv;
  arg[q] = ba;
}
