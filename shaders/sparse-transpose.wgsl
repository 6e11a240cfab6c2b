// CSR → CSC by a stable counting sort: for each feature j, the rows b (ascending) where entry
// (b, j) is in the CSR, and that entry's index e into the CSR value arrays.
// Rows are split into nb blocks of R consecutive rows; workgroup c owns block c, whose entries
// are the contiguous CSR range [rowPtr[c·R], rowPtr[min((c+1)·R, B)]).
//   colCount:   counts[j·nb + c] += 1 for every entry (b, j) of block c (atomic)
//   (scan.wgsl over the nb·F counts, j-major: cursor = exclusive offsets, colPtr[j] = cursor at
//    j·nb, so block c's rows of feature j start at cursor[j·nb + c]; counts are cleared)
//   colScatter: rows of the block in order; each entry takes the next slot of its (j, c) cursor:
//               cscRow[cursor] = b, cscEntry[cursor] = e, cursor += 1
// A feature occurs at most once per row, so within one row no two threads share a cursor; a
// storageBarrier between rows orders the updates, which makes the lists row-sorted without
// any sort and the result deterministic. Cost: O(nnz + nb·F), independent of B·F.

struct Params {
  B: u32,
  rowsPerBlock: u32,
  nBlocks: u32,
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> rowPtr: array<u32>;                 // [B + 1]
@group(0) @binding(2) var<storage, read> col: array<u32>;                    // [capacity]
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;   // [F·nb] out
@group(0) @binding(4) var<storage, read_write> cursor: array<u32>;           // [F·nb] in/out
@group(0) @binding(5) var<storage, read_write> cscRow: array<u32>;           // [capacity] out
@group(0) @binding(6) var<storage, read_write> cscEntry: array<u32>;         // [capacity] out

fn blockRows(c: u32) -> vec2<u32> {
  let b0 = c * params.rowsPerBlock;
  return vec2(b0, min(b0 + params.rowsPerBlock, params.B));
}

@compute @workgroup_size(WG)
fn colCount(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = wg.x;
  if (c >= params.nBlocks) { return; }
  let rows = blockRows(c);
  let e1 = rowPtr[rows.y];
  for (var e = rowPtr[rows.x] + lid; e < e1; e += WG) {
    atomicAdd(&counts[col[e] * params.nBlocks + c], 1u);
  }
}

@compute @workgroup_size(WG)
fn colScatter(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = wg.x;
  if (c >= params.nBlocks) { return; }
  let rows = blockRows(c);
  for (var row = rows.x; row < rows.y; row++) {
    let e1 = rowPtr[row + 1u];
    for (var e = rowPtr[row] + lid; e < e1; e += WG) {
      let k = col[e] * params.nBlocks + c;
      let slot = cursor[k];
      cursor[k] = slot + 1u;
      cscRow[slot] = row;
      cscEntry[slot] = e;
    }
    storageBarrier();
  }
}
