// A reference for the data check's checksum, independent of the code under test.

/**
 * The epoch checksum of src/io/sampler.ts, written again here from its definition: per row,
 * h = Σ_i w_i·(2i+1) over the float32 words (mod 2^32), murmur3-finalised; summed mod 2^32.
 */
export function epochChecksum(x: Float32Array, rows: number, width: number): string {
  const words = new Uint32Array(x.buffer, x.byteOffset, rows * width);
  let sum = 0n;
  for (let r = 0; r < rows; r++) {
    let h = 0n;
    for (let i = 0; i < width; i++) h += BigInt(words[r * width + i]) * BigInt(2 * i + 1);
    let v = Number(h % 2n ** 32n);
    v = Math.imul(v ^ (v >>> 16), 0x85ebca6b);
    v = Math.imul(v ^ (v >>> 13), 0xc2b2ae35);
    sum += BigInt((v ^ (v >>> 16)) >>> 0);
  }
  return (sum % 2n ** 32n).toString(16).padStart(8, '0');
}
