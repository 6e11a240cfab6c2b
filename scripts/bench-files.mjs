// Activation files for the ingestion benchmark, written to disk so the bench page gets them the
// way a researcher's files arrive: a disk-backed File from an <input type="file">.
import { closeSync, openSync, writeSync } from 'node:fs';

/** A `.npy` 1.0 header for a C-order `[rows, width]` array, padded to 64 bytes like NumPy's. */
function npyHeader(descr, rows, width) {
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${rows}, ${width}), }`;
  h += ' '.repeat(63 - ((10 + h.length) % 64)) + '\n';
  const out = Buffer.alloc(10 + h.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out.writeUInt16LE(h.length, 8);
  out.write(h, 10, 'latin1');
  return out;
}

/**
 * Writes about `mb` MB (10^6 bytes) of finite activations `[rows, width]` as float32 ('f32') or
 * float16 ('f16'): |x| between 2^-6 and 2^6 with random signs and mantissas, built from bit
 * patterns. A 32 MiB pool of random values is written repeatedly through shifting windows — the
 * loader's cost does not depend on which finite values it sees, and writing stays fast.
 * @returns {{ path: string, rows: number, width: number, dtype: string }}
 */
export function writeBenchNpy(path, dtype, mb, width) {
  const isz = dtype === 'f32' ? 4 : 2;
  const rows = Math.max(1, Math.floor((mb * 1e6) / (width * isz)));
  const pool = new Uint8Array(32 << 20);
  let s = 0x2545f491;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  if (dtype === 'f32') {
    const u = new Uint32Array(pool.buffer);
    for (let i = 0; i < u.length; i++) {
      const r = rnd(); // sign | exponent 121..133 (2^-6..2^6) | random mantissa
      u[i] = ((r & 0x80000000) | ((121 + (r % 13)) << 23) | (rnd() & 0x7fffff)) >>> 0;
    }
  } else {
    const u = new Uint16Array(pool.buffer);
    for (let i = 0; i < u.length; i++) {
      const r = rnd(); // sign | exponent 9..21 (2^-6..2^6) | mantissa
      u[i] = ((r >>> 16) & 0x8000) | ((9 + (r % 13)) << 10) | (r & 0x3ff);
    }
  }
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, npyHeader(dtype === 'f32' ? '<f4' : '<f2', rows, width));
    const total = rows * width * isz;
    for (let at = 0, k = 0; at < total; k++) {
      const off = (k * 28672) % (16 << 20); // a different window of the pool each time
      const n = Math.min(16 << 20, total - at);
      writeSync(fd, pool.subarray(off, off + n));
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return { path, rows, width, dtype };
}
