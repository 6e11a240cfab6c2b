import type { DType } from './dtype.ts';

const DESCR: Record<DType, string> = {
  f16: 'f2',
  bf16: '',
  f32: 'f4',
  f64: 'f8',
  i8: 'i1',
  u8: 'u1',
  i16: 'i2',
  u16: 'u2',
  i32: 'i4',
  u32: 'u4',
  i64: 'i8',
  u64: 'u8',
};

/** Options of {@link writeNpy}. */
export interface NpyWriteOptions {
  dtype: Exclude<DType, 'bf16'>;
  shape: readonly number[];
  /** Bytes of the elements, already in `order` and in the byte order given by `littleEndian`. */
  data: Uint8Array;
  littleEndian?: boolean;
  fortranOrder?: boolean;
  /** 1, 2 or 3 (default 1, like NumPy for small headers). */
  version?: 1 | 2 | 3;
  /** Pad the header so data starts at a multiple of this (NumPy uses 64). */
  align?: number;
}

/**
 * Writes a `.npy` file the way `numpy.lib.format` does: magic, version, little-endian header
 * length, a Python dict literal padded with spaces and ending in `\n`, then the raw data.
 */
export function writeNpy(o: NpyWriteOptions): Uint8Array<ArrayBuffer> {
  const size = Number(DESCR[o.dtype][1]);
  const bo = size === 1 ? '|' : o.littleEndian === false ? '>' : '<';
  const shape = o.shape.length === 1 ? `(${o.shape[0]},)` : `(${o.shape.join(', ')})`;
  const dict = `{'descr': '${bo}${DESCR[o.dtype]}', 'fortran_order': ${o.fortranOrder ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const version = o.version ?? 1;
  const pre = version === 1 ? 10 : 12;
  const align = o.align ?? 64;
  const body = new TextEncoder().encode(dict);
  const unpadded = pre + body.length + 1;
  const total = Math.ceil(unpadded / align) * align;
  const headerLen = total - pre;
  const out = new Uint8Array(total + o.data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, headerLen, true);
  else dv.setUint32(8, headerLen, true);
  out.set(body, pre);
  out.fill(0x20, pre + body.length, total - 1);
  out[total - 1] = 0x0a;
  out.set(o.data, total);
  return out;
}
